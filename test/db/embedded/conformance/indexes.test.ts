// Queries on indexed fields use the index: proved with mongod's serverStatus counters
// metrics.queryExecutor.scannedObjects (documents examined) and .collectionScans.total, which the engine reports too.
// The counters are server-wide: on a shared MONGODB_URI other clients can add to them, so each measurement is
// repeated and the smallest delta kept (a full scan can never look small, so this cannot hide one).
import type { Collection, Document } from "mongodb";
import { startTarget, type Target } from "../../../support/engine-target";

let t: Target;
let docs: Collection<Document>;
const N = 2000;

beforeAll(async () => {
  t = await startTarget("indexes");
  docs = t.db().collection("indexed");
  await docs.createIndexes([
    { key: { email: 1 }, unique: true },
    { key: { score: 1 } },
    { key: { tags: 1 } },
    { key: { group: 1, rank: -1 } },
  ]);
  const batch = Array.from({ length: N }, (_, i) => ({
    email: `user${i}@x.io`,
    score: (i * 7) % N,
    tags: [`t${i % 100}`, `u${i % 37}`],
    group: `g${i % 20}`,
    rank: i,
    plain: i,
  }));
  await docs.insertMany(batch);
});
afterAll(async () => {
  await t?.stop();
});

interface Counters {
  scanned: number;
  scannedObjects: number;
  collectionScans: number;
}

async function counters(): Promise<Counters> {
  const status = await t.client.db("admin").command({ serverStatus: 1 });
  const qe = status.metrics.queryExecutor as Document;
  return { scanned: Number(qe.scanned), scannedObjects: Number(qe.scannedObjects), collectionScans: Number(qe.collectionScans.total) };
}

/** Runs `query` and returns how much each counter moved (the smallest of up to 3 attempts). */
async function cost(query: () => Promise<unknown>): Promise<Counters> {
  let best: Counters | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const before = await counters();
    await query();
    const after = await counters();
    const delta = {
      scanned: after.scanned - before.scanned,
      scannedObjects: after.scannedObjects - before.scannedObjects,
      collectionScans: after.collectionScans - before.collectionScans,
    };
    if (!best || delta.scannedObjects + delta.collectionScans * N < best.scannedObjects + best.collectionScans * N) best = delta;
    if (t.isEmbedded) break; // no other clients: the first measurement is exact
  }
  return best as Counters;
}

describe("index use (no full scans)", () => {
  test("equality findOne on a unique index examines one document", async () => {
    let found: Document | null = null;
    const delta = await cost(async () => (found = await docs.findOne({ email: "user1234@x.io" })));
    expect(found).toMatchObject({ rank: 1234 });
    expect(delta.collectionScans).toBe(0);
    expect(delta.scannedObjects).toBeLessThanOrEqual(2);
  });

  test("$in of 3 values examines about 3 documents", async () => {
    let found: Document[] = [];
    const delta = await cost(
      async () => (found = await docs.find({ email: { $in: ["user1@x.io", "user500@x.io", "user1999@x.io"] } }).toArray()),
    );
    expect(found.map((d) => d.rank).sort((a, b) => a - b)).toEqual([1, 500, 1999]);
    expect(delta.collectionScans).toBe(0);
    expect(delta.scannedObjects).toBeLessThanOrEqual(6);
  });

  test("a range matching 10 documents examines about 10", async () => {
    let found: Document[] = [];
    const delta = await cost(async () => (found = await docs.find({ score: { $gte: 100, $lt: 110 } }).toArray()));
    expect(found.map((d) => d.score).sort((a, b) => a - b)).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
    expect(delta.collectionScans).toBe(0);
    expect(delta.scannedObjects).toBeLessThanOrEqual(12);
  });

  test("sort on an indexed field with a limit walks the index: a handful examined", async () => {
    let found: Document[] = [];
    const delta = await cost(async () => (found = await docs.find({}).sort({ score: -1 }).limit(5).toArray()));
    expect(found.map((d) => d.score)).toEqual([1999, 1998, 1997, 1996, 1995]);
    expect(delta.collectionScans).toBe(0);
    expect(delta.scannedObjects).toBeLessThanOrEqual(12);
  });

  test("multikey equality on an array field uses the index", async () => {
    let n = 0;
    const delta = await cost(async () => (n = (await docs.find({ tags: "t42" }).toArray()).length));
    expect(n).toBe(20);
    expect(delta.collectionScans).toBe(0);
    expect(delta.scannedObjects).toBeLessThanOrEqual(24);
  });

  test("compound index prefix with a sort on the second field", async () => {
    let found: Document[] = [];
    const delta = await cost(async () => (found = await docs.find({ group: "g7" }).sort({ rank: -1 }).limit(3).toArray()));
    expect(found.map((d) => d.rank)).toEqual([1987, 1967, 1947]);
    expect(delta.collectionScans).toBe(0);
    expect(delta.scannedObjects).toBeLessThanOrEqual(12);
  });

  test("an indexed updateOne and deleteOne do not scan the collection", async () => {
    const delta = await cost(async () => {
      await docs.updateOne({ email: "user7@x.io" }, { $inc: { plain: 1 } });
      await docs.deleteOne({ email: `gone${Math.random()}@x.io` });
    });
    expect(delta.collectionScans).toBe(0);
    expect(delta.scannedObjects).toBeLessThanOrEqual(4);
  });

  test("an unindexed query does a collection scan (so the counters can tell)", async () => {
    let found: Document | null = null;
    const delta = await cost(async () => (found = await docs.findOne({ plain: 1500 })));
    expect(found).toMatchObject({ rank: 1500 });
    expect(delta.scannedObjects).toBeGreaterThan(100);
    expect(delta.collectionScans).toBeGreaterThanOrEqual(1);
  });

  test("an unindexed filter with an unindexed sort is a collection scan", async () => {
    let found: Document[] = [];
    const delta = await cost(
      async () =>
        (found = await docs
          .find({ plain: { $gte: 1995 } })
          .sort({ plain: -1 })
          .toArray()),
    );
    expect(found.map((d) => d.plain)).toEqual([1999, 1998, 1997, 1996, 1995]);
    expect(delta.collectionScans).toBeGreaterThanOrEqual(1);
    expect(delta.scannedObjects).toBeGreaterThanOrEqual(N - 10);
  });
});
