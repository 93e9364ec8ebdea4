// Bad input never takes the engine down: garbage bytes and oversized frames close only that connection,
// malformed commands get clean error replies, and the engine keeps serving. Embedded only (raw sockets to a
// shared mongod would only prove mongod's robustness).
import net from "node:net";
import { BSON, MongoServerError, type Document } from "mongodb";
import { startTarget, testEmbeddedOnly, type Target } from "../../../support/engine-target";

let t: Target;
const embeddedOnly = testEmbeddedOnly("raw-socket abuse is aimed at the embedded engine only (MONGODB_URI is set)");

beforeAll(async () => {
  t = await startTarget("robustness");
  await t
    .db()
    .collection("c")
    .insertMany([{ a: 1 }, { a: 2 }]);
});
afterAll(async () => {
  await t?.stop();
});

function connect(): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: t.embedded?.host ?? "127.0.0.1", port: t.embedded?.port ?? 0 }, () => resolve(socket));
    socket.once("error", reject);
  });
}

/** Writes bytes and resolves with how many bytes came back once the server closed the socket (rejects after `withinMs`). */
function closedAfter(socket: net.Socket, bytes: Buffer, withinMs: number): Promise<{ received: number }> {
  let received = 0;
  socket.on("data", (chunk: Buffer) => (received += chunk.length));
  socket.on("error", () => undefined); // ECONNRESET is an acceptable way to close
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the engine kept the connection open for ${withinMs} ms`));
    }, withinMs);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve({ received });
    });
    socket.write(bytes);
  });
}

function header(length: number, opCode: number, requestId = 1): Buffer {
  const h = Buffer.alloc(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(requestId, 4);
  h.writeInt32LE(opCode, 12);
  return h;
}

function opMsg(body: Buffer): Buffer {
  const flagsAndKind = Buffer.alloc(5);
  return Buffer.concat([header(16 + 5 + body.length, 2013), flagsAndKind, body]);
}

async function stillServes(): Promise<void> {
  expect(await t.db().command({ ping: 1 })).toMatchObject({ ok: 1 });
  expect(await t.db().collection("c").countDocuments()).toBe(2);
}

describe("robustness", () => {
  embeddedOnly("garbage bytes close that socket; an already connected client keeps working", async () => {
    await stillServes(); // the client's pool is connected before the abuse
    const garbage = Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n" + "\u00ff".repeat(64), "latin1");
    const result = await closedAfter(await connect(), garbage, 2_000);
    expect(result.received).toBe(0);
    const tiny = await closedAfter(await connect(), header(5, 2013), 2_000); // a length shorter than the header
    expect(tiny.received).toBe(0);
    await stillServes();
  });

  embeddedOnly("a header declaring 100 MB is refused at once, without waiting for the body", async () => {
    // The body is never sent: the socket only closes if the server refuses the frame from its header alone.
    const result = await closedAfter(await connect(), header(100 * 1024 * 1024, 2013), 5_000);
    expect(result.received).toBe(0);
    await stillServes();
  });

  embeddedOnly("an unknown opCode and a corrupt BSON body close or fail cleanly", async () => {
    await closedAfter(await connect(), Buffer.concat([header(16 + 8, 9999), Buffer.alloc(8)]), 2_000);
    const corrupt = Buffer.from(BSON.serialize({ ping: 1, $db: "admin" }));
    corrupt.writeInt32LE(corrupt.length + 100, 0); // the BSON length lies
    const socket = await connect();
    const outcome = await closedAfter(socket, opMsg(corrupt), 2_000).catch((error: Error) => error);
    // Either the engine closed the connection, or it answered with an error reply (then we closed it ourselves).
    if (outcome instanceof Error) expect(outcome.message).toMatch(/kept the connection open/);
    await stillServes();
  });

  embeddedOnly("a frame cut off mid-way by the client, and many abrupt disconnects, leave the engine serving", async () => {
    const frame = opMsg(Buffer.from(BSON.serialize({ find: "c", filter: {}, $db: t.dbName })));
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        const socket = await connect();
        socket.on("error", () => undefined);
        socket.write(frame.subarray(0, Math.floor(frame.length / 2)));
        socket.destroy();
      }),
    );
    await stillServes();
  });

  test("malformed commands get an error with a code (ok: 0, or a write error), never a crash", async () => {
    const db = t.db();
    const bad: Document[] = [
      { find: 123 },
      { find: "c", filter: "not a document" },
      { find: "c", sort: { a: "sideways" } },
      { find: "c", skip: -1 },
      { insert: "c", documents: "not an array" },
      { update: "c", updates: [{ q: 5 }] },
      { delete: "c", deletes: [{ q: {}, limit: 7 }] },
      { aggregate: "c", pipeline: [{ $bogusStage: 1 }], cursor: {} },
      { aggregate: "c", pipeline: "nope", cursor: {} },
      { find: "c", filter: { a: { $bogusOperator: 1 } } },
      { getMore: "not a long", collection: "c" },
      { killCursors: "c", cursors: "x" },
      { createIndexes: "c", indexes: [{ key: {}, name: "empty" }] },
      { distinct: "c", key: 5 },
      { count: "c", query: [] },
      { findAndModify: "c", query: {}, update: { $set: { a: 1 } }, remove: true },
    ];
    const accepted: string[] = [];
    for (const command of bad) {
      const outcome: unknown = await db.command(command).then(
        (reply) => reply,
        (e: unknown) => e,
      );
      // A per-statement parse error may come back as a write error of an ok: 1 reply; that is a clean error too.
      const writeError = (outcome as Document | undefined)?.writeErrors?.[0] as Document | undefined;
      const clean = outcome instanceof MongoServerError ? typeof outcome.code === "number" : typeof writeError?.code === "number";
      if (!clean) accepted.push(`${JSON.stringify(command)} -> ${JSON.stringify(outcome)}`);
    }
    expect(accepted).toEqual([]);
    await stillServes();
  });

  test("deeply nested documents and large $in lists are handled", async () => {
    let nested: Document = { leaf: 1 };
    for (let i = 0; i < 90; i++) nested = { n: nested };
    const c = t.db().collection("deep");
    await c.insertOne({ nested });
    expect(await c.countDocuments({ nested: { $exists: true } })).toBe(1);
    const many = Array.from({ length: 20_000 }, (_, i) => i);
    expect(
      await t
        .db()
        .collection("c")
        .countDocuments({ a: { $in: many } }),
    ).toBe(2);
  });
});
