// Engine-only time limits: the default limit for commands that set no maxTimeMS (an engine option, set to 1 ms
// here so that a scan of a large collection cannot finish within it), and maxTimeMS on the query part of
// update and delete.
import { MongoClient, MongoServerError, type Collection, type Document } from "mongodb";
import { startEmbeddedMongo, type EmbeddedMongo } from "../../../../src/db/embedded";

let engine: EmbeddedMongo;
let client: MongoClient;
let big: Collection<Document>;
const N = 30_000;
const SLOW_FILTER = { $expr: { $lt: [{ $add: ["$n", 1] }, 0] } };

beforeAll(async () => {
  engine = await startEmbeddedMongo({ port: 0, defaultMaxTimeMs: 1 });
  client = await new MongoClient(engine.uri, { serverSelectionTimeoutMS: 5000 }).connect();
  big = client.db("mt").collection("big");
  await big.insertMany(Array.from({ length: N }, (_, n) => ({ n })));
}, 120_000);
afterAll(async () => {
  await client?.close();
  await engine?.stop();
});

async function code(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MongoServerError) return error.code as number;
    throw error;
  }
  return undefined;
}

describe("default time limit", () => {
  test("a find without maxTimeMS is stopped by the engine's default limit", async () => {
    expect(await code(big.find(SLOW_FILTER).toArray())).toBe(50);
    expect(await code(big.aggregate([{ $match: SLOW_FILTER }]).toArray())).toBe(50);
  });

  test("maxTimeMS 0 means no limit of the client's own, so the default applies", async () => {
    expect(await code(client.db("mt").command({ find: "big", filter: SLOW_FILTER, maxTimeMS: 0 }))).toBe(50);
  });

  test("a client's own maxTimeMS replaces the default", async () => {
    expect(await big.find(SLOW_FILTER, { maxTimeMS: 600_000 }).toArray()).toEqual([]);
  });

  test("commands that scan nothing are not affected", async () => {
    expect(await client.db("mt").command({ ping: 1 })).toMatchObject({ ok: 1 });
    expect(await big.estimatedDocumentCount()).toBe(N);
    expect(await big.findOne({ _id: (await big.findOne({ n: 0 }, { maxTimeMS: 600_000 }))?._id })).toMatchObject({ n: 0 });
  });
});

describe("maxTimeMS on writes", () => {
  test("update and delete stop in their query part with 50, for the whole batch, and change nothing", async () => {
    const db = client.db("mt");
    const update = db.command({ update: "big", updates: [{ q: SLOW_FILTER, u: { $set: { hit: true } }, multi: true }], maxTimeMS: 1 });
    expect(await code(update)).toBe(50);
    const remove = db.command({ delete: "big", deletes: [{ q: { $or: [SLOW_FILTER, { n: { $gte: 0 } }] }, limit: 0 }], maxTimeMS: 1 });
    expect(await code(remove)).toBe(50);
    expect(await big.countDocuments({}, { maxTimeMS: 600_000 })).toBe(N);
    expect(await big.countDocuments({ hit: true }, { maxTimeMS: 600_000 })).toBe(0);
  });
});
