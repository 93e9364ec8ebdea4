// TTL indexes: expired documents disappear in the background; others stay. The embedded target runs its TTL
// monitor every 200 ms; mongod's runs every 60 s, so against MONGODB_URI the wait allows up to 70 s.
import type { Collection, Document } from "mongodb";
import mongoose from "mongoose";
import { IS_EMBEDDED, startTarget, waitFor, type Target } from "../../../support/engine-target";

const WAIT_MS = IS_EMBEDDED ? 5_000 : 70_000;
const TIMEOUT_MS = WAIT_MS + 10_000;

let t: Target;

beforeAll(async () => {
  t = await startTarget("ttl", { engine: { ttlMonitorIntervalMs: 200 } });
});
afterAll(async () => {
  await t?.stop();
});

describe("TTL", () => {
  test(
    "expireAfterSeconds: 0 removes documents dated in the past; future, missing and non-date values stay",
    async () => {
      const c: Collection<Document> = t.db().collection("sessions");
      await c.createIndex({ expireAt: 1 }, { expireAfterSeconds: 0 });
      const index = (await c.listIndexes().toArray()).find((i) => i.name === "expireAt_1");
      expect(index?.expireAfterSeconds).toBe(0);
      await c.insertMany([
        { k: "past", expireAt: new Date(Date.now() - 60_000) },
        { k: "past-array", expireAt: [new Date(Date.now() + 3_600_000), new Date(Date.now() - 60_000)] },
        { k: "future", expireAt: new Date(Date.now() + 3_600_000) },
        { k: "missing" },
        { k: "string", expireAt: "2000-01-01" },
      ]);
      const gone = await waitFor(async () => (await c.countDocuments({ k: { $in: ["past", "past-array"] } })) === 0, WAIT_MS);
      expect(gone).toBe(true);
      expect((await c.find().toArray()).map((d) => d.k).sort()).toEqual(["future", "missing", "string"]);
    },
    TIMEOUT_MS,
  );

  test(
    "expireAfterSeconds counts from the indexed date (mongoose schema TTL via `expires`)",
    async () => {
      const Token = t.connection.model("Token", new mongoose.Schema({ k: String, createdAt: { type: Date, expires: 1 } }));
      await Token.init();
      const index = (await Token.collection.listIndexes().toArray()).find((i) => i.name === "createdAt_1");
      expect(index?.expireAfterSeconds).toBe(1);
      await Token.create([
        { k: "old", createdAt: new Date(Date.now() - 5_000) },
        { k: "fresh", createdAt: new Date(Date.now() + 60_000) },
      ]);
      expect(await waitFor(async () => (await Token.countDocuments({ k: "old" })) === 0, WAIT_MS)).toBe(true);
      expect(await Token.countDocuments({ k: "fresh" })).toBe(1);
    },
    TIMEOUT_MS,
  );
});
