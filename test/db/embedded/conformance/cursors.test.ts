// Server-side cursors: batches, killCursors on early close, CursorNotFound, namespace checks, idle timeout.
import { Long, type Collection, type Document } from "mongodb";
import { sentCommands, serverError, startTarget, testEmbeddedOnly, type Target } from "../../../support/engine-target";

let t: Target;
let c: Collection<Document>;

beforeAll(async () => {
  t = await startTarget("cursors");
  c = t.db().collection("rows");
  await c.insertMany(Array.from({ length: 120 }, (_, i) => ({ i })));
});
afterAll(async () => {
  await t?.stop();
});

describe("cursors", () => {
  test("a cursor closed early sends killCursors; a getMore on it then gives 43 CursorNotFound", async () => {
    const from = t.started.length;
    const cursor = c.find({}, { batchSize: 10, sort: { i: 1 } });
    expect((await cursor.next())?.i).toBe(0);
    const id = cursor.id;
    expect(id).toBeInstanceOf(Long);
    expect(id?.isZero()).toBe(false);
    await cursor.close();
    const kills = sentCommands(t, "killCursors", from);
    expect(kills).toHaveLength(1);
    expect((kills[0].cursors as Long[]).map(String)).toEqual([String(id)]);
    const reply = t.succeeded.filter((e) => e.commandName === "killCursors").at(-1)?.reply as Document;
    expect((reply.cursorsKilled as unknown[]).map(String)).toEqual([String(id)]);
    const error = await serverError(t.db().command({ getMore: id as Long, collection: "rows", batchSize: 5 }));
    expect(error).toMatchObject({ code: 43, codeName: "CursorNotFound" });
  });

  test("a fully read cursor ends with id 0 and needs no killCursors", async () => {
    const from = t.started.length;
    const rows = await c.find({}, { batchSize: 50 }).toArray();
    expect(rows).toHaveLength(120);
    expect(new Set(rows.map((r) => r.i)).size).toBe(120);
    expect(sentCommands(t, "getMore", from)).toHaveLength(2);
    expect(sentCommands(t, "killCursors", from)).toHaveLength(0);
    const last = t.succeeded.filter((e) => e.commandName === "getMore").at(-1)?.reply as Document;
    expect(String(last.cursor.id)).toBe("0");
  });

  test("limit and findOne close the cursor on the server (id 0 after the last batch)", async () => {
    const from = t.started.length;
    expect(await c.find({}, { sort: { i: -1 }, limit: 3 }).toArray()).toHaveLength(3);
    expect((await c.findOne({ i: { $gt: 10 } }, { sort: { i: 1 } }))?.i).toBe(11);
    for (const event of t.succeeded.filter((e) => e.commandName === "find").slice(-2))
      expect(String((event.reply as Document).cursor.id)).toBe("0");
    expect(sentCommands(t, "killCursors", from)).toHaveLength(0);
  });

  test("getMore with a batchSize returns that many; the cursor belongs to its namespace", async () => {
    const first = await t.db().command({ find: "rows", filter: {}, sort: { i: 1 }, batchSize: 4 });
    expect(first.cursor.firstBatch.map((d: Document) => d.i)).toEqual([0, 1, 2, 3]);
    const id = first.cursor.id as Long;
    const more = await t.db().command({ getMore: id, collection: "rows", batchSize: 3 });
    expect(more.cursor.nextBatch.map((d: Document) => d.i)).toEqual([4, 5, 6]);
    expect(await serverError(t.db().command({ getMore: id, collection: "other", batchSize: 3 }))).toMatchObject({
      code: 13,
      codeName: "Unauthorized",
    });
    const killed = await t.db().command({ killCursors: "rows", cursors: [id] });
    expect(killed.cursorsKilled.map(String)).toEqual([String(id)]);
    const again = await t.db().command({ killCursors: "rows", cursors: [id] });
    expect(again.cursorsNotFound.map(String)).toEqual([String(id)]);
  });

  test("two open cursors on the same collection page independently", async () => {
    const a = c.find({}, { sort: { i: 1 }, batchSize: 7 });
    const b = c.find({}, { sort: { i: -1 }, batchSize: 5 });
    const seenA: number[] = [];
    const seenB: number[] = [];
    for (let k = 0; k < 30; k++) {
      seenA.push((await a.next())?.i as number);
      seenB.push((await b.next())?.i as number);
    }
    await Promise.all([a.close(), b.close()]);
    expect(seenA).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(seenB).toEqual(Array.from({ length: 30 }, (_, i) => 119 - i));
  });

  testEmbeddedOnly("the idle timeout is an engine option; mongod's cursorTimeoutMillis is a server parameter")(
    "an idle cursor is closed after cursorTimeoutMs; an active one is kept",
    async () => {
      const short = await startTarget("cursor_idle", { engine: { cursorTimeoutMs: 100 } });
      try {
        const rows = short.db().collection("rows");
        await rows.insertMany(Array.from({ length: 20 }, (_, i) => ({ i })));
        const idle = rows.find({}, { batchSize: 2, sort: { i: 1 } });
        const busy = rows.find({}, { batchSize: 2, sort: { i: 1 } });
        await idle.next();
        await busy.next();
        for (let k = 0; k < 6; k++) {
          await new Promise((resolve) => setTimeout(resolve, 40));
          await busy.next(); // a getMore every other step keeps it alive
          await busy.next();
        }
        // The engine reaps every 30 s; run that housekeeping now instead of waiting (embedded-only hook).
        short.embedded?.engine.reap();
        await idle.next(); // still in the first batch
        expect(await serverError(idle.next())).toMatchObject({ code: 43, codeName: "CursorNotFound" });
        const rest = await busy.toArray();
        expect(rest.map((r) => r.i)).toEqual(Array.from({ length: 7 }, (_, i) => 13 + i));
      } finally {
        await short.stop();
      }
    },
  );
});
