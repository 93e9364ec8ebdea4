import net from "node:net";
import { Binary, BSON, type Document } from "bson";
import { MongoClient } from "mongodb";
import { decodeMessage } from "../../../src/db/embedded/wire/codec";
import { FrameReader } from "../../../src/db/embedded/wire/frame-reader";
import { WireServer, type CommandContext, type CommandHandler, type WireServerOptions } from "../../../src/db/embedded/server/transport";

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;
const MORE_TO_COME = 2;

let nextRequestId = 1000;

function frame(opCode: number, payload: Buffer, requestId: number): Buffer {
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + payload.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(opCode, 12);
  return Buffer.concat([header, payload]);
}

function opMsg(body: Document, flags = 0, requestId = nextRequestId++): Buffer {
  const flagBits = Buffer.alloc(5); // uint32 flags, then section kind 0
  flagBits.writeUInt32LE(flags);
  return frame(OP_MSG, Buffer.concat([flagBits, BSON.serialize(body)]), requestId);
}

function opQuery(ns: string, query: Document, requestId = nextRequestId++): Buffer {
  const ints = Buffer.alloc(8);
  ints.writeInt32LE(-1, 4); // numberToReturn
  return frame(OP_QUERY, Buffer.concat([Buffer.alloc(4), Buffer.from(`${ns}\0`), ints, BSON.serialize(query)]), requestId);
}

const requestIdOf = (message: Buffer): number => message.readInt32LE(4);

interface Reply {
  opCode: number;
  responseTo: number;
  doc: Document;
}

function parseReply(message: Buffer): Reply {
  const opCode = message.readInt32LE(12);
  const responseTo = message.readInt32LE(8);
  if (opCode === OP_REPLY) {
    expect(message.readInt32LE(32)).toBe(1); // numberReturned
    return { opCode, responseTo, doc: BSON.deserialize(message.subarray(36)) };
  }
  const decoded = decodeMessage(message);
  if (decoded.kind !== "msg") throw new Error(`unexpected reply opCode ${opCode}`);
  return { opCode, responseTo, doc: decoded.body };
}

/** A raw socket client that collects the replies it gets. */
class RawClient {
  readonly closed: Promise<void>;
  private readonly reader = new FrameReader(64 * 1024 * 1024);
  private readonly replies: Reply[] = [];
  private waiter: (() => void) | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => {
      for (const message of this.reader.push(chunk)) this.replies.push(parseReply(message));
      this.waiter?.();
    });
    socket.on("error", () => undefined); // resets are expected in the failure tests
    this.closed = new Promise((resolve) => socket.once("close", () => resolve()));
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1", () => resolve(new RawClient(socket)));
      socket.once("error", reject);
    });
  }

  send(...messages: Buffer[]): void {
    this.socket.write(Buffer.concat(messages));
  }

  async nextReply(timeoutMs = 3000): Promise<Reply> {
    const deadline = Date.now() + timeoutMs;
    while (this.replies.length === 0) {
      if (this.socket.destroyed || Date.now() > deadline) throw new Error("no reply");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 20);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.replies.shift() as Reply; // checked non-empty just above
  }

  get pendingReplies(): number {
    return this.replies.length;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not settled within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Echoes what it got; `delay` makes it slow, `fail` makes it throw. Records calls and its peak concurrency. */
function echoHandler(): CommandHandler & { calls: Document[]; peakConcurrency: number } {
  let running = 0;
  const handler = async (db: string, command: Document, ctx: CommandContext): Promise<Document> => {
    handler.calls.push(command);
    running++;
    handler.peakConcurrency = Math.max(handler.peakConcurrency, running);
    try {
      if (typeof command.delay === "number") await sleep(command.delay);
      if (command.fail === true) throw new Error("boom");
      return { ok: 1, db, command, connectionId: ctx.connectionId, remoteAddress: ctx.remoteAddress };
    } finally {
      running--;
    }
  };
  handler.calls = [] as Document[];
  handler.peakConcurrency = 0;
  return handler;
}

const servers: WireServer[] = [];
const clients: RawClient[] = [];

async function start(handler: CommandHandler, extra: Partial<WireServerOptions> = {}): Promise<{ server: WireServer; port: number }> {
  const server = new WireServer({ host: "127.0.0.1", port: 0, maxMessageBytes: 48_000_000, handler, ...extra });
  servers.push(server);
  const { port } = await server.listen();
  return { server, port };
}

async function connect(port: number): Promise<RawClient> {
  const client = await RawClient.connect(port);
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe("WireServer", () => {
  it("answers an OP_QUERY isMaster on admin.$cmd with an OP_REPLY", async () => {
    const { port } = await start(echoHandler());
    const client = await connect(port);
    const request = opQuery("admin.$cmd", { isMaster: 1, helloOk: true });
    client.send(request);
    const reply = await client.nextReply();
    expect(reply.opCode).toBe(OP_REPLY);
    expect(reply.responseTo).toBe(requestIdOf(request));
    expect(reply.doc).toMatchObject({ ok: 1, db: "admin", command: { isMaster: 1, helloOk: true } });
    expect(reply.doc.remoteAddress).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it("refuses OP_QUERY on a collection other than $cmd", async () => {
    const { port } = await start(echoHandler());
    const client = await connect(port);
    client.send(opQuery("app.users", { name: "a" }));
    expect((await client.nextReply()).doc).toMatchObject({ ok: 0, code: 352 });
  });

  it("answers an OP_MSG with an OP_MSG, passing $db and the connection id", async () => {
    const handler = echoHandler();
    const { port } = await start(handler);
    const first = await connect(port);
    const second = await connect(port);
    const request = opMsg({ ping: 1, $db: "app" });
    first.send(request);
    second.send(opMsg({ ping: 1, $db: "app" }));
    const reply = await first.nextReply();
    expect(reply).toMatchObject({ opCode: OP_MSG, responseTo: requestIdOf(request), doc: { ok: 1, db: "app" } });
    const other = await second.nextReply();
    expect(other.doc.connectionId).not.toBe(reply.doc.connectionId);
  });

  it("answers a command without $db with FailedToParse, without calling the handler", async () => {
    const handler = echoHandler();
    const { port } = await start(handler);
    const client = await connect(port);
    client.send(opMsg({ ping: 1 }));
    expect((await client.nextReply()).doc).toEqual({
      ok: 0,
      errmsg: "OP_MSG requires a $db argument",
      code: 9,
      codeName: "FailedToParse",
    });
    expect(handler.calls).toEqual([]);
  });

  it("runs a moreToCome message without replying, then answers the next one", async () => {
    const handler = echoHandler();
    const { port } = await start(handler);
    const client = await connect(port);
    const next = opMsg({ ping: 1, $db: "admin" });
    client.send(opMsg({ endSessions: [], $db: "admin" }, MORE_TO_COME), next);
    const reply = await client.nextReply();
    expect(reply.responseTo).toBe(requestIdOf(next));
    await sleep(50);
    expect(client.pendingReplies).toBe(0);
    expect(handler.calls.map((c) => Object.keys(c)[0])).toEqual(["endSessions", "ping"]);
  });

  it("answers in request order even when the handler finishes out of order, one command at a time", async () => {
    const handler = echoHandler();
    const { port } = await start(handler);
    const client = await connect(port);
    const requests = [80, 5, 40, 0].map((delay, n) => opMsg({ step: n, delay, $db: "x" }));
    client.send(...requests); // one chunk carrying all four
    const replies = [];
    for (let n = 0; n < requests.length; n++) replies.push(await client.nextReply());
    expect(replies.map((r) => r.responseTo)).toEqual(requests.map(requestIdOf));
    expect(replies.map((r) => r.doc.command.step)).toEqual([0, 1, 2, 3]);
    expect(handler.peakConcurrency).toBe(1);
  });

  it("reassembles a message the client writes in small pieces, and a large one", async () => {
    const { port } = await start(echoHandler());
    const client = await connect(port);
    const request = opMsg({ ping: 1, $db: "x" });
    for (let i = 0; i < request.length; i += 7) {
      client.send(request.subarray(i, i + 7));
      await sleep(1);
    }
    expect((await client.nextReply()).responseTo).toBe(requestIdOf(request));

    const big = opMsg({ insert: "c", $db: "x", blob: new Binary(Buffer.alloc(8_000_000, 1)) });
    client.send(big);
    const reply = await client.nextReply(10_000);
    expect(reply.responseTo).toBe(requestIdOf(big));
    expect(reply.doc.command.blob.length()).toBe(8_000_000);
  });

  it("turns a throwing or rejecting handler into an ok:0 reply and a warning, and keeps serving", async () => {
    const warn = jest.fn();
    const { port } = await start(echoHandler(), { logger: { warn } });
    const client = await connect(port);
    client.send(opMsg({ fail: true, $db: "x" }), opQuery("admin.$cmd", { fail: true }), opMsg({ ping: 1, $db: "x" }));
    const expected = { ok: 0, errmsg: "boom", code: 1, codeName: "InternalError" };
    expect((await client.nextReply()).doc).toEqual(expected);
    const legacy = await client.nextReply();
    expect(legacy).toMatchObject({ opCode: OP_REPLY, doc: expected });
    expect((await client.nextReply()).doc).toMatchObject({ ok: 1 });
    expect(warn).toHaveBeenCalledTimes(2);

    const { port: syncPort } = await start(() => {
      throw new Error("sync boom"); // not even a promise
    });
    const syncClient = await connect(syncPort);
    syncClient.send(opMsg({ ping: 1, $db: "x" }));
    expect((await syncClient.nextReply()).doc).toMatchObject({ ok: 0, errmsg: "sync boom", code: 1 });
  });

  it("answers with an error when the reply cannot be encoded", async () => {
    const circular: Document = { ok: 1 };
    circular.self = circular;
    const { port } = await start(async () => circular);
    const client = await connect(port);
    client.send(opMsg({ ping: 1, $db: "x" }));
    expect((await client.nextReply()).doc).toMatchObject({ ok: 0, code: 1, codeName: "InternalError" });
  });

  it("closes only the connection that sends garbage; others and new ones keep working", async () => {
    const warn = jest.fn();
    const closedIds: number[] = [];
    const { server, port } = await start(echoHandler(), {
      logger: { warn },
      onConnectionClosed: (id) => closedIds.push(id),
    });
    const bad = await connect(port);
    const good = await connect(port);
    good.send(opMsg({ ping: 1, $db: "x" }));
    const goodId = (await good.nextReply()).doc.connectionId;

    bad.send(Buffer.from("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    await within(bad.closed, 2000);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ err: expect.any(Error) }), expect.any(String));

    good.send(opMsg({ ping: 2, $db: "x" }));
    expect((await good.nextReply()).doc).toMatchObject({ ok: 1, connectionId: goodId });
    const fresh = await connect(port);
    fresh.send(opMsg({ ping: 3, $db: "x" }));
    expect((await fresh.nextReply()).doc.ok).toBe(1);
    expect(server.connectionCount).toBe(2);
    expect(closedIds).toHaveLength(1);
    expect(closedIds).not.toContain(goodId);
  });

  it("closes a connection whose header declares 100 MB at once", async () => {
    const { port } = await start(echoHandler());
    const client = await connect(port);
    const header = Buffer.alloc(16);
    header.writeInt32LE(100 * 1024 * 1024, 0);
    header.writeInt32LE(OP_MSG, 12);
    client.send(header);
    await within(client.closed, 1000);
  });

  it("closes a connection that sends an unsupported opcode or a bad OP_MSG", async () => {
    const { port } = await start(echoHandler());
    const compressed = await connect(port);
    compressed.send(frame(2012, Buffer.alloc(20), 1));
    const badFlags = await connect(port);
    badFlags.send(opMsg({ ping: 1, $db: "x" }, 1 << 3));
    await within(Promise.all([compressed.closed, badFlags.closed]), 2000);
  });

  it("dropConnections() closes clients but keeps listening", async () => {
    const { server, port } = await start(echoHandler());
    const client = await connect(port);
    client.send(opMsg({ ping: 1, $db: "x" }));
    await client.nextReply();
    server.dropConnections();
    await within(client.closed, 1000);
    const again = await connect(port);
    again.send(opMsg({ ping: 1, $db: "x" }));
    expect((await again.nextReply()).doc.ok).toBe(1);
  });

  it("close() ends open connections, waits for running commands, and reports each closed connection", async () => {
    const closedIds: number[] = [];
    const handler = echoHandler();
    const { server, port } = await start(handler, { onConnectionClosed: (id) => closedIds.push(id) });
    const idle = await connect(port);
    const busy = await connect(port);
    busy.send(opMsg({ delay: 100, $db: "x" }), opMsg({ never: 1, $db: "x" }));
    await sleep(30);
    expect(server.connectionCount).toBe(2);
    await server.close();
    await within(Promise.all([idle.closed, busy.closed]), 1000);
    expect(server.connectionCount).toBe(0);
    expect(closedIds.sort()).toEqual([1, 2]);
    expect(handler.peakConcurrency).toBe(1);
    // the queued command had not started when the server dropped the connection
    expect(handler.calls.map((c) => Object.keys(c)[0])).toEqual(["delay"]);
    await expect(RawClient.connect(port)).rejects.toThrow();
  });

  it("still runs what a client sent before it disconnected", async () => {
    const handler = echoHandler();
    const closed = jest.fn();
    const { port } = await start(handler, { onConnectionClosed: closed });
    const client = await connect(port);
    client.send(opMsg({ delay: 50, $db: "x" }), opMsg({ insert: "c", $db: "x" }, MORE_TO_COME));
    await sleep(10);
    client.destroy();
    await sleep(120);
    expect(handler.calls.map((c) => Object.keys(c)[0])).toEqual(["delay", "insert"]);
    expect(closed).toHaveBeenCalledTimes(1);
  });

  it("serves the real mongodb driver (handshake over OP_QUERY, then OP_MSG)", async () => {
    const seen: string[] = [];
    let sessionsEnded: () => void = () => undefined;
    const endSessions = new Promise<void>((resolve) => (sessionsEnded = resolve));
    const { port } = await start(async (db, command, ctx) => {
      const name = Object.keys(command)[0];
      seen.push(name);
      if (name === "endSessions") sessionsEnded();
      if (name === "hello" || name.toLowerCase() === "ismaster") {
        return {
          ismaster: true,
          helloOk: true,
          isWritablePrimary: true,
          maxBsonObjectSize: 16777216,
          maxMessageSizeBytes: 48000000,
          maxWriteBatchSize: 100000,
          localTime: new Date(),
          logicalSessionTimeoutMinutes: 30,
          connectionId: ctx.connectionId,
          minWireVersion: 0,
          maxWireVersion: 21,
          readOnly: false,
          ok: 1,
        };
      }
      if (name === "ping") return { ok: 1 };
      return { ok: 0, errmsg: `no such command: '${name}'`, code: 59, codeName: "CommandNotFound" };
    });
    const client = new MongoClient(`mongodb://127.0.0.1:${port}/?directConnection=true`, {
      serverSelectionTimeoutMS: 3000,
    });
    try {
      await client.connect();
      await expect(client.db("x").command({ ping: 1 })).resolves.toEqual({ ok: 1 });
    } finally {
      await client.close();
    }
    // close() sends endSessions with moreToCome, after which the driver expects no reply.
    await within(endSessions, 2000);
    expect(seen[0]).toBe("ismaster"); // the handshake arrives as OP_QUERY
    expect(seen.filter((name) => name !== "ismaster")).toEqual(["ping", "endSessions"]);
  });
});
