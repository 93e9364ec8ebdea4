// Concurrency properties the platform relies on: atomic $inc, racing upserts on a unique key, guarded
// reservations against a cap (reliability anchors B1, B4, W5).
import mongoose from "mongoose";
import { startTarget, type Target } from "../../../support/engine-target";

let t: Target;

beforeAll(async () => {
  t = await startTarget("concurrency");
});
afterAll(async () => {
  await t?.stop();
});

describe("concurrency", () => {
  test("200 parallel updateOne $inc give exactly 200", async () => {
    const Counter = t.connection.model("Counter", new mongoose.Schema({ key: { type: String, unique: true }, n: Number }));
    await Counter.init();
    await Counter.create({ key: "hits", n: 0 });
    const results = await Promise.all(Array.from({ length: 200 }, () => Counter.updateOne({ key: "hits" }, { $inc: { n: 1 } })));
    expect(results.reduce((sum, r) => sum + r.modifiedCount, 0)).toBe(200);
    expect((await Counter.findOne({ key: "hits" }).lean())?.n).toBe(200);
  });

  test("20 racing findOneAndUpdate upserts on one unique key: one document, no error", async () => {
    const Usage = t.connection.model(
      "Usage",
      new mongoose.Schema({ licenseKey: { type: String, unique: true }, firstSeenBy: Number, calls: Number }, { timestamps: true }),
    );
    await Usage.init();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        Usage.findOneAndUpdate(
          { licenseKey: "LIC-1" },
          { $setOnInsert: { firstSeenBy: i }, $inc: { calls: 1 } },
          { upsert: true, returnDocument: "after" },
        ).lean(),
      ),
    );
    const rejected = results.filter((r) => r.status === "rejected");
    expect(rejected.map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    const docs = await Usage.find({ licenseKey: "LIC-1" }).lean();
    expect(docs).toHaveLength(1);
    expect(docs[0].calls).toBe(20);
    const ids = new Set(results.map((r) => String((r as PromiseFulfilledResult<{ _id: unknown } | null>).value?._id)));
    expect([...ids]).toEqual([String(docs[0]._id)]);
  });

  test("20 racing updateOne upserts: exactly one reports the upsert", async () => {
    const c = t.db().collection("webhooks");
    await c.createIndex({ eventId: 1 }, { unique: true });
    const results = await Promise.all(
      Array.from({ length: 20 }, () => c.updateOne({ eventId: "evt_1" }, { $setOnInsert: { processed: false } }, { upsert: true })),
    );
    expect(results.reduce((sum, r) => sum + r.upsertedCount, 0)).toBe(1);
    expect(results.reduce((sum, r) => sum + r.matchedCount, 0)).toBe(19);
    expect(await c.countDocuments({ eventId: "evt_1" })).toBe(1);
  });

  test("webhook idempotency: 20 parallel inserts of one event id, one succeeds and 19 get 11000", async () => {
    const c = t.db().collection("events");
    await c.createIndex({ eventId: 1 }, { unique: true });
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => c.insertOne({ eventId: "evt_9", attempt: i })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const codes = results
      .filter((r): r is PromiseRejectedResult => r.status === "rejected")
      .map((r) => (r.reason as { code?: number }).code);
    expect(codes).toEqual(Array.from({ length: 19 }, () => 11000));
    expect(await c.countDocuments()).toBe(1);
  });

  test("1000 concurrent guarded reservations ($inc with a $lt guard) against a cap of 50 grant exactly 50", async () => {
    const Quota = t.connection.model("Quota", new mongoose.Schema({ used: Number, cap: Number }));
    const { _id } = await Quota.create({ used: 0, cap: 50 });
    const results = await Promise.all(
      Array.from({ length: 1000 }, () => Quota.updateOne({ _id, used: { $lt: 50 } }, { $inc: { used: 1 } })),
    );
    const granted = results.filter((r) => r.modifiedCount === 1);
    expect(granted).toHaveLength(50);
    expect(results.filter((r) => r.matchedCount === 0)).toHaveLength(950);
    expect((await Quota.findById(_id).lean())?.used).toBe(50);
  });

  test("concurrent $push and $addToSet keep every element exactly once", async () => {
    const c = t.db().collection("sets");
    const { insertedId } = await c.insertOne({ list: [], set: [] });
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        Promise.all([
          c.updateOne({ _id: insertedId }, { $push: { list: i } as never }),
          c.updateOne({ _id: insertedId }, { $addToSet: { set: i % 10 } as never }),
        ]),
      ),
    );
    const doc = await c.findOne({ _id: insertedId });
    expect((doc?.list as number[]).slice().sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect((doc?.set as number[]).slice().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
