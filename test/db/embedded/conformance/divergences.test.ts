// The divergence register: behaviours where the embedded engine knowingly differs from mongod. On the embedded
// target each entry is a `test.todo` (the list of gaps stays visible in every run); with MONGODB_URI each entry
// is a real test of mongod's behaviour, so the day the engine closes a gap the entry can become a normal test.
// Silent wrong results that are not listed here are bugs, and have failing tests in the topic files.
import { Decimal128, Long, ObjectId, type Collection, type Document } from "mongodb";
import { IS_EMBEDDED, startTarget, targetCapabilities, type Target } from "../../../support/engine-target";

type Needs = "replicaSet" | "mongodb8";

function divergence(title: string, fn: () => Promise<void>, needs?: Needs): void {
  if (IS_EMBEDDED) {
    test.todo(title);
    return;
  }
  const caps = targetCapabilities();
  if (needs === "replicaSet" && !caps.replicaSet) test.skip(`${title} [skipped: the MONGODB_URI server is not a replica set]`, fn);
  else if (needs === "mongodb8" && Number.parseInt(caps.version, 10) < 8)
    test.skip(`${title} [skipped: needs MongoDB 8, the server is ${caps.version}]`, fn);
  else test(title, fn, 30_000);
}

let t: Target | undefined;
let n = 0;
const target = (): Target => t as Target;
const fresh = (): Collection<Document> => target().db().collection(`div_${n++}`);

beforeAll(async () => {
  if (!IS_EMBEDDED) t = await startTarget("divergences");
});
afterAll(async () => {
  await t?.stop();
});

describe("Decimal128 (store money as integer cents/micros on the embedded engine)", () => {
  divergence("Decimal128 $inc adds exactly (embedded: rejected with a clear error, see types.test.ts)", async () => {
    const c = fresh();
    await c.insertOne({ _id: 1 as never, d: Decimal128.fromString("1.10") });
    await c.updateOne({ _id: 1 as never }, { $inc: { d: Decimal128.fromString("0.1") } });
    expect(String((await c.findOne({ _id: 1 as never }))?.d)).toBe("1.20");
  });
  divergence("Decimal128 values compare numerically in filters ($gt, and 2.5 equals 2.50)", async () => {
    const c = fresh();
    await c.insertMany([
      { k: 1, d: Decimal128.fromString("2.5") },
      { k: 2, d: Decimal128.fromString("10") },
    ]);
    expect(await c.countDocuments({ d: { $gt: Decimal128.fromString("2") } })).toBe(2);
    expect(await c.countDocuments({ d: Decimal128.fromString("2.50") })).toBe(1);
  });
  divergence("$sum and $avg over Decimal128 values are exact decimals", async () => {
    const c = fresh();
    await c.insertMany([{ d: Decimal128.fromString("0.1") }, { d: Decimal128.fromString("0.2") }]);
    const [row] = await c.aggregate([{ $group: { _id: null, s: { $sum: "$d" } } }]).toArray();
    expect(String(row.s)).toBe("0.3");
  });
});

describe("types", () => {
  divergence("an int64 below 2^53 keeps its int64 type (embedded: stored back as int32/double)", async () => {
    const c = fresh();
    await c.insertOne({ _id: 1 as never, l: Long.fromNumber(5), i: 5 });
    await c.updateOne({ _id: 1 as never }, { $inc: { i: Long.fromNumber(1) } });
    const doc = await c.findOne({ _id: 1 as never }, { promoteLongs: false });
    expect(doc?.l).toBeInstanceOf(Long);
    expect(doc?.i).toBeInstanceOf(Long); // int32 + int64 is an int64
    expect(await c.countDocuments({ l: { $type: "long" } })).toBe(1);
  });
  divergence("$type tells int from double (embedded: numbers keep no BSON width, an int32 matches 'double')", async () => {
    const c = fresh();
    await c.insertMany([
      { k: "int", v: 1 },
      { k: "double", v: 1.5 },
    ]);
    expect((await c.find({ v: { $type: "double" } }).toArray()).map((d) => d.k)).toEqual(["double"]);
    expect((await c.find({ v: { $type: "int" } }).toArray()).map((d) => d.k)).toEqual(["int"]);
  });
});

describe("collation", () => {
  divergence("collation strength 2 makes equality case-insensitive (embedded: collation ignored for equality)", async () => {
    const c = fresh();
    await c.insertMany([{ name: "Alice" }, { name: "alice" }, { name: "Bob" }]);
    expect(await c.countDocuments({ name: "alice" }, { collation: { locale: "en", strength: 2 } })).toBe(2);
  });
  divergence("collation orders sort case-insensitively (embedded: binary order)", async () => {
    const c = fresh();
    await c.insertMany([{ name: "b" }, { name: "B" }, { name: "a" }, { name: "C" }]);
    const docs = await c.find({}, { sort: { name: 1 }, collation: { locale: "en", strength: 1 } }).toArray();
    expect(docs.map((d) => (d.name as string).toLowerCase())).toEqual(["a", "b", "b", "c"]);
  });
});

describe("search, geo, explain", () => {
  divergence("$text search over a text index (embedded: text indexes are refused with 67)", async () => {
    const c = fresh();
    await c.createIndex({ body: "text" });
    await c.insertMany([{ body: "fresh coffee beans" }, { body: "green tea" }, { body: "coffee cups" }]);
    expect(await c.countDocuments({ $text: { $search: "coffee" } })).toBe(2);
  });
  divergence("2dsphere indexes and $near (embedded: refused)", async () => {
    const c = fresh();
    await c.createIndex({ loc: "2dsphere" });
    await c.insertMany([
      { k: "far", loc: { type: "Point", coordinates: [10, 10] } },
      { k: "near", loc: { type: "Point", coordinates: [0.1, 0.1] } },
    ]);
    const docs = await c.find({ loc: { $near: { $geometry: { type: "Point", coordinates: [0, 0] } } } }).toArray();
    expect(docs.map((d) => d.k)).toEqual(["near", "far"]);
  });
  divergence("explain returns a query plan (embedded: 59 CommandNotFound)", async () => {
    const c = fresh();
    await c.insertOne({ a: 1 });
    const plan = await c.find({ a: 1 }).explain("queryPlanner");
    expect(plan.queryPlanner).toBeDefined();
  });
});

describe("regular expressions (embedded: matched with RE2 in linear time, see engine/regex.test.ts)", () => {
  divergence("a backreference in $regex matches (embedded: refused with 51091, RE2 has no backreferences)", async () => {
    const c = fresh();
    await c.insertMany([
      { k: "double", s: "abab" },
      { k: "single", s: "abcd" },
    ]);
    expect((await c.find({ s: { $regex: "^(ab)\\1$" } }).toArray()).map((d) => d.k)).toEqual(["double"]);
  });
  divergence("lookahead and lookbehind in $regex match (embedded: refused with 51091, RE2 has no lookaround)", async () => {
    const c = fresh();
    await c.insertMany([
      { k: "price", s: "USD100" },
      { k: "other", s: "EUR100" },
    ]);
    expect((await c.find({ s: { $regex: "(?<=USD)\\d+" } }).toArray()).map((d) => d.k)).toEqual(["price"]);
    expect((await c.find({ s: { $regex: "^[A-Z]+(?=100)" } }).toArray()).map((d) => d.k).sort()).toEqual(["other", "price"]);
  });
  divergence(
    "without the m option, $ also matches before a final newline, as in PCRE (embedded: RE2's $ is only the end of the string)",
    async () => {
      const c = fresh();
      await c.insertOne({ s: "abc\n" });
      expect(await c.countDocuments({ s: { $regex: "abc$" } })).toBe(1);
    },
  );
});

describe("change streams and client bulkWrite", () => {
  divergence(
    "watch() delivers an insert event (embedded: 59, change streams unsupported)",
    async () => {
      const c = fresh();
      await c.insertOne({ warmup: true });
      const stream = c.watch();
      try {
        await stream.tryNext(); // opens the change stream cursor
        await c.insertOne({ k: "watched" });
        const event = await stream.next();
        expect(event.operationType).toBe("insert");
      } finally {
        await stream.close();
      }
    },
    "replicaSet",
  );
  divergence(
    "the client-level bulkWrite command (MongoClient.bulkWrite, Connection.bulkWrite) works",
    async () => {
      const ns = `${target().dbName}.div_bulk`;
      const result = await target().client.bulkWrite<Record<string, Document>>([
        { name: "insertOne", namespace: ns, document: { x: 1 } },
        { name: "insertOne", namespace: ns, document: { x: 2 } },
      ]);
      expect(result.insertedCount).toBe(2);
    },
    "mongodb8",
  );
});

describe("transactions", () => {
  divergence(
    "reads in a transaction come from a snapshot (embedded: read-committed plus own writes)",
    async () => {
      const c = fresh();
      await c.insertOne({ _id: 1 as never, v: 1 });
      const session = target().client.startSession();
      try {
        session.startTransaction();
        expect((await c.findOne({ _id: 1 as never }, { session }))?.v).toBe(1);
        await c.updateOne({ _id: 1 as never }, { $set: { v: 2 } }); // outside the transaction
        expect((await c.findOne({ _id: 1 as never }, { session }))?.v).toBe(1);
        await session.commitTransaction();
      } finally {
        await session.endSession();
      }
    },
    "replicaSet",
  );
  divergence(
    "read-modify-write in a transaction: a document changed outside after the read conflicts and is retried (embedded: the outside update is lost)",
    async () => {
      const c = fresh();
      await c.insertOne({ _id: 1 as never, balance: 100 });
      const session = target().client.startSession();
      let attempts = 0;
      try {
        await session.withTransaction(async () => {
          attempts++;
          const doc = await c.findOne({ _id: 1 as never }, { session });
          if (attempts === 1) await c.updateOne({ _id: 1 as never }, { $set: { balance: 50 } }); // outside
          await c.updateOne({ _id: 1 as never }, { $set: { balance: (doc?.balance as number) - 30 } }, { session });
        });
      } finally {
        await session.endSession();
      }
      expect(attempts).toBe(2);
      expect((await c.findOne({ _id: 1 as never }))?.balance).toBe(20);
    },
    "replicaSet",
  );
  divergence(
    "a non-transactional write waits for a transaction holding the document (embedded: goes first, the commit then conflicts)",
    async () => {
      const c = fresh();
      await c.insertOne({ _id: 1 as never, v: 0 });
      const session = target().client.startSession();
      try {
        session.startTransaction();
        await c.updateOne({ _id: 1 as never }, { $inc: { v: 1 } }, { session });
        const outside = c.updateOne({ _id: 1 as never }, { $inc: { v: 10 } }).then(() => Date.now());
        await new Promise((resolve) => setTimeout(resolve, 300));
        const committedAt = Date.now();
        await session.commitTransaction();
        expect(await outside).toBeGreaterThanOrEqual(committedAt);
      } finally {
        await session.endSession();
      }
      expect((await c.findOne({ _id: 1 as never }))?.v).toBe(11);
    },
    "replicaSet",
  );
});

describe("aggregation operators mingo lacks", () => {
  divergence("$toObjectId and $toString of an ObjectId", async () => {
    const c = fresh();
    const id = new ObjectId();
    await c.insertOne({ _id: id, s: id.toHexString() });
    const [row] = await c.aggregate([{ $project: { o: { $toObjectId: "$s" }, str: { $toString: "$_id" } } }]).toArray();
    expect(String(row.o)).toBe(id.toHexString());
    expect(row.str).toBe(id.toHexString());
  });
  divergence("$merge into another collection (embedded: only $out)", async () => {
    const c = fresh();
    await c.insertMany([
      { _id: 1 as never, v: 1 },
      { _id: 2 as never, v: 2 },
    ]);
    await c.aggregate([{ $merge: { into: "div_merged" } }]).toArray();
    expect(await target().db().collection("div_merged").countDocuments()).toBe(2);
  });
  divergence("$redact with $$PRUNE drops documents (embedded: fails)", async () => {
    const c = fresh();
    await c.insertMany([{ v: 1 }, { v: 2 }]);
    const rows = await c.aggregate([{ $redact: { $cond: [{ $eq: ["$v", 1] }, "$$PRUNE", "$$KEEP"] } }]).toArray();
    expect(rows.map((r) => r.v)).toEqual([2]);
  });
  divergence("$mergeObjects accumulator over an object expression (a field path works on both)", async () => {
    const c = fresh();
    await c.insertMany([
      { g: 1, v: 1, w: 5 },
      { g: 1, v: 2 },
    ]);
    const [row] = await c.aggregate([{ $sort: { v: 1 } }, { $group: { _id: "$g", m: { $mergeObjects: { last: "$v" } } } }]).toArray();
    expect(row.m).toEqual({ last: 2 });
  });
});
