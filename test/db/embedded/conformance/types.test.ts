// BSON types: exact int64 (Long), Date and ObjectId ordering, UUID/Binary equality, Decimal128 rejected clearly.
import { Binary, Decimal128, Int32, Long, ObjectId, UUID, type Collection, type Document } from "mongodb";
import { IS_EMBEDDED, serverError, startTarget, testIf, type Target } from "../../../support/engine-target";

let t: Target;

beforeAll(async () => {
  t = await startTarget("types");
});
afterAll(async () => {
  await t?.stop();
});

const TWO_53 = 2n ** 53n;
const big = (offset: bigint): Long => Long.fromBigInt(TWO_53 + offset);

describe("int64 (Long) stays exact", () => {
  let c: Collection<Document>;
  beforeAll(async () => {
    c = t.db().collection("longs");
    await c.insertMany([
      { _id: 1 as never, v: big(1n) },
      { _id: 2 as never, v: big(2n) },
      { _id: 3 as never, v: big(3n) },
      { _id: 4 as never, v: Long.fromBigInt(-TWO_53 - 5n) },
      { _id: 5 as never, v: 7 },
      { _id: 6 as never, v: Long.fromBigInt(9_223_372_036_854_775_807n) },
    ]);
  });
  const ids = (docs: Document[]): number[] => docs.map((d) => d._id as number).sort((a, b) => a - b);

  test("values above 2^53 round-trip exactly", async () => {
    const docs = await c.find({}, { useBigInt64: true }).toArray();
    const byId = new Map(docs.map((d) => [Number(d._id), d.v as unknown]));
    expect(byId.get(1)).toBe(TWO_53 + 1n);
    expect(byId.get(3)).toBe(TWO_53 + 3n);
    expect(byId.get(4)).toBe(-TWO_53 - 5n);
    expect(byId.get(6)).toBe(9_223_372_036_854_775_807n);
  });

  test("equality and ranges compare Long values exactly (not as rounded doubles)", async () => {
    expect(ids(await c.find({ v: big(2n) }).toArray())).toEqual([2]);
    expect(ids(await c.find({ v: { $gt: big(1n) } }).toArray())).toEqual([2, 3, 6]);
    expect(ids(await c.find({ v: { $gte: big(1n), $lt: big(3n) } }).toArray())).toEqual([1, 2]);
    expect(ids(await c.find({ v: { $lt: 100 } }).toArray())).toEqual([4, 5]);
    expect(ids(await c.find({ v: { $in: [big(3n), 7] } }).toArray())).toEqual([3, 5]);
    expect(await c.countDocuments({ v: { $gt: Long.fromNumber(6) } })).toBe(5);
  });

  test("sort orders Long and number values numerically", async () => {
    const docs = await c.find({}, { sort: { v: -1 } }).toArray();
    expect(docs.map((d) => d._id)).toEqual([6, 3, 2, 1, 5, 4]);
  });

  test("$inc by a Long stays exact and keeps the int64 type", async () => {
    await c.updateOne({ _id: 1 as never }, { $inc: { v: Long.fromNumber(1) } });
    await c.updateOne({ _id: 3 as never }, { $inc: { v: Long.fromBigInt(-2n) } });
    const docs = await c.find({ _id: { $in: [1, 3] } as never }, { useBigInt64: true }).toArray();
    expect(docs.map((d) => d.v as unknown).sort()).toEqual([TWO_53 + 1n, TWO_53 + 2n]);
    // Now _id 1 and 2 both hold 2^53+2, and _id 3 holds 2^53+1: doubles would conflate all three.
    expect(ids(await c.find({ v: big(2n) }).toArray())).toEqual([1, 2]);
    expect(ids(await c.find({ v: big(1n) }).toArray())).toEqual([3]);
    await c.updateOne({ _id: 1 as never }, { $inc: { v: Long.fromNumber(-1) } });
    await c.updateOne({ _id: 3 as never }, { $inc: { v: Long.fromNumber(2) } });
  });

  test("an int32 incremented by a Long beyond 2^53 becomes the exact int64", async () => {
    const other = t.db().collection("longs_mixed");
    await other.insertOne({ _id: 7 as never, v: new Int32(5) });
    await other.updateOne({ _id: 7 as never }, { $inc: { v: Long.fromBigInt(TWO_53) } });
    const seven = await other.findOne({ _id: 7 as never }, { useBigInt64: true });
    expect(seven?.v).toBe(TWO_53 + 5n);
  });

  test("an aggregation $sum of Long values is exact", async () => {
    const [row] = await c
      .aggregate([{ $match: { _id: { $in: [1, 2, 3] } } }, { $group: { _id: null, total: { $sum: "$v" } } }], { useBigInt64: true })
      .toArray();
    expect(row.total).toBe(3n * TWO_53 + 6n);
  });
});

describe("Date and ObjectId", () => {
  let c: Collection<Document>;
  const base = Date.UTC(2024, 0, 1);
  beforeAll(async () => {
    c = t.db().collection("times");
    const order = [5, 2, 9, 0, 7, 3, 8, 1, 6, 4];
    await c.insertMany(order.map((i) => ({ _id: ObjectId.createFromTime(1_700_000_000 + i * 60), i, at: new Date(base + i * 3_600_000) })));
  });

  test("Date ranges and sort", async () => {
    const docs = await c
      .find({ at: { $gte: new Date(base + 3 * 3_600_000), $lt: new Date(base + 7 * 3_600_000) } }, { sort: { at: -1 } })
      .toArray();
    expect(docs.map((d) => d.i)).toEqual([6, 5, 4, 3]);
    expect(docs[0].at).toBeInstanceOf(Date);
    expect((docs[0].at as Date).getTime()).toBe(base + 6 * 3_600_000);
    expect(await c.countDocuments({ at: new Date(base) })).toBe(1);
  });

  test("ObjectId ranges, equality across instances, and sort", async () => {
    const third = ObjectId.createFromTime(1_700_000_000 + 3 * 60);
    const docs = await c.find({ _id: { $gt: third } }, { sort: { _id: 1 } }).toArray();
    expect(docs.map((d) => d.i)).toEqual([4, 5, 6, 7, 8, 9]);
    expect((await c.findOne({ _id: new ObjectId(third.toHexString()) }))?.i).toBe(3);
    expect(await c.countDocuments({ _id: { $in: [third, ObjectId.createFromTime(1_700_000_000)] } })).toBe(2);
  });

  test("mixed types sort in BSON order: numbers < strings < objects < ObjectId < booleans < dates", async () => {
    const m = t.db().collection("mixed");
    await m.insertMany([
      { k: "date", v: new Date(base) },
      { k: "bool", v: true },
      { k: "oid", v: ObjectId.createFromTime(1) },
      { k: "obj", v: { a: 1 } },
      { k: "str", v: "s" },
      { k: "num", v: 42 },
      { k: "null", v: null },
    ]);
    const docs = await m.find({}, { sort: { v: 1 } }).toArray();
    expect(docs.map((d) => d.k)).toEqual(["null", "num", "str", "obj", "oid", "bool", "date"]);
  });
});

describe("Binary and UUID", () => {
  test("UUID and Binary values match by value", async () => {
    const c = t.db().collection("bins");
    const id = new UUID();
    await c.insertMany([
      { k: 1, u: id, b: new Binary(Buffer.from([1, 2, 3])) },
      { k: 2, u: new UUID(), b: new Binary(Buffer.from([9])) },
    ]);
    expect((await c.findOne({ u: new UUID(id.toHexString()) }))?.k).toBe(1);
    expect((await c.findOne({ b: new Binary(Buffer.from([9])) }))?.k).toBe(2);
  });
});

describe("Decimal128 (unsupported on the embedded engine: refused at the door, never silently wrong)", () => {
  testIf(IS_EMBEDDED, "mongod supports Decimal128 (see divergences.test.ts)")(
    "storing a Decimal128 is rejected with a clear error and stores nothing",
    async () => {
      const c = t.db().collection("decimals");
      const error = await serverError(c.insertOne({ _id: 1 as never, d: Decimal128.fromString("1.10") }));
      expect(error.message).toMatch(/Decimal128/);
      expect(await c.countDocuments({})).toBe(0);
    },
  );

  testIf(IS_EMBEDDED, "mongod supports Decimal128 (see divergences.test.ts)")(
    "a Decimal128 in a filter or an update is rejected, not compared wrongly",
    async () => {
      const c = t.db().collection("decimals_filter");
      await c.insertOne({ _id: 1 as never, d: 2.5 });
      expect((await serverError(c.find({ d: { $gt: Decimal128.fromString("2") } }).toArray())).message).toMatch(/Decimal128/);
      expect((await serverError(c.updateOne({ _id: 1 as never }, { $inc: { d: Decimal128.fromString("0.1") } }))).message).toMatch(
        /Decimal128/,
      );
      expect((await c.findOne({ _id: 1 as never }))?.d).toBe(2.5);
    },
  );
});
