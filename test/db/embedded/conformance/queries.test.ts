// Reads: find with sort/skip/limit/projection over several batches, counts, distinct, query operators.
import { ObjectId, type Collection, type Document } from "mongodb";
import mongoose from "mongoose";
import { sentCommands, startTarget, type Target } from "../../../support/engine-target";

let t: Target;
let items: Collection<Document>;
const N = 350;

beforeAll(async () => {
  t = await startTarget("queries");
  items = t.db().collection("items");
  // Inserted in a shuffled order, so that natural order and sort order differ.
  const docs = Array.from({ length: N }, (_, i) => ({
    n: (i * 7919) % N,
    group: `g${i % 7}`,
    tags: i % 2 === 0 ? ["even", `t${i % 5}`] : [`t${i % 5}`],
    nested: { level: i % 3, label: `L${i % 3}` },
    pad: "x".repeat(20),
  }));
  await items.insertMany(docs);
});
afterAll(async () => {
  await t?.stop();
});

describe("find", () => {
  test("sort, skip, limit and projection over several getMore batches of 50", async () => {
    const from = t.started.length;
    const docs = await items
      .find({ n: { $gte: 20 } }, { sort: { n: -1 }, skip: 10, limit: 300, projection: { n: 1, "nested.label": 1, _id: 0 }, batchSize: 50 })
      .toArray();
    expect(docs).toHaveLength(300);
    expect(docs.map((d) => d.n)).toEqual(Array.from({ length: 300 }, (_, i) => N - 1 - 10 - i));
    for (const doc of docs) {
      expect(Object.keys(doc).sort()).toEqual(["n", "nested"]);
      expect(Object.keys(doc.nested as Document)).toEqual(["label"]);
    }
    const finds = sentCommands(t, "find", from);
    expect(finds).toHaveLength(1);
    expect(finds[0].batchSize).toBe(50);
    const getMores = sentCommands(t, "getMore", from);
    expect(getMores.length).toBeGreaterThanOrEqual(5);
    expect(getMores.length).toBeLessThanOrEqual(6);
  });

  test("without a batchSize the first batch is 101 and the rest come by getMore", async () => {
    const from = t.started.length;
    const docs = await items.find({}, { sort: { n: 1 }, projection: { n: 1 } }).toArray();
    expect(docs.map((d) => d.n)).toEqual(Array.from({ length: N }, (_, i) => i));
    const firstBatch = (
      t.succeeded
        .slice()
        .reverse()
        .find((e) => e.commandName === "find")?.reply as Document | undefined
    )?.cursor.firstBatch as Document[];
    expect(firstBatch).toHaveLength(101);
    expect(sentCommands(t, "getMore", from).length).toBeGreaterThanOrEqual(1);
  });

  test("compound sort with a tie-breaker, and exclusion projection", async () => {
    const docs = await items
      .find({ group: { $in: ["g1", "g2"] } }, { sort: { group: -1, n: 1 }, projection: { pad: 0, tags: 0 } })
      .toArray();
    expect(docs).toHaveLength(100);
    const expected = docs.slice().sort((a, b) => (a.group === b.group ? (a.n as number) - (b.n as number) : a.group < b.group ? 1 : -1));
    expect(docs.map((d) => [d.group, d.n])).toEqual(expected.map((d) => [d.group, d.n]));
    expect(docs.every((d) => !("pad" in d) && !("tags" in d) && "_id" in d && "nested" in d)).toBe(true);
  });

  test("query operators: $or, $and, $nin, $exists, $all, $size, $elemMatch, $regex, dotted paths, $expr", async () => {
    const count = (filter: Document): Promise<number> => items.countDocuments(filter);
    expect(await count({ $or: [{ n: { $lt: 5 } }, { n: { $gte: 345 } }] })).toBe(10);
    expect(await count({ $and: [{ n: { $gt: 10 } }, { n: { $lte: 20 } }] })).toBe(10);
    expect(await count({ group: { $nin: ["g0", "g1"] } })).toBe(250);
    expect(await count({ missing: { $exists: false } })).toBe(N);
    expect(await count({ tags: { $all: ["even", "t0"] } })).toBe(35);
    expect(await count({ tags: { $size: 2 } })).toBe(175);
    expect(await count({ tags: "even" })).toBe(175);
    expect(await count({ tags: { $elemMatch: { $in: ["t1", "t2"] } } })).toBe(140);
    expect(await count({ group: { $regex: "^G[12]$", $options: "i" } })).toBe(100);
    expect(await count({ "nested.level": 2 })).toBe(116);
    expect(await count({ $expr: { $eq: ["$nested.level", 0] } })).toBe(117);
    expect(await count({ n: { $not: { $gte: 10 } } })).toBe(10);
  });

  test("null matches missing fields and explicit nulls", async () => {
    const c = t.db().collection("nulls");
    await c.insertMany([{ k: 1, v: null }, { k: 2 }, { k: 3, v: 0 }, { k: 4, v: "" }]);
    expect((await c.find({ v: null }).toArray()).map((d) => d.k).sort()).toEqual([1, 2]);
    expect((await c.find({ v: { $ne: null } }).toArray()).map((d) => d.k).sort()).toEqual([3, 4]);
    expect((await c.find({ v: { $exists: true } }).toArray()).map((d) => d.k).sort()).toEqual([1, 3, 4]);
  });
});

describe("$type", () => {
  const kinds = async (type: string | number): Promise<string[]> =>
    (
      await t
        .db()
        .collection("typed")
        .find({ v: { $type: type as never } })
        .toArray()
    )
      .map((d) => d.k as string)
      .sort();

  beforeAll(async () => {
    await t
      .db()
      .collection("typed")
      .insertMany([
        { k: "oid", v: new ObjectId() },
        { k: "str", v: "s" },
        { k: "date", v: new Date(0) },
        { k: "bool", v: false },
        { k: "arr", v: [1, 2] },
        { k: "null", v: null },
        { k: "obj", v: { a: 1 } },
        { k: "int", v: 3 },
        { k: "dbl", v: 2.5 },
      ]);
  });

  test("$type matches scalar BSON types by name (string, date, bool, array, null, object)", async () => {
    expect(await kinds("string")).toEqual(["str"]);
    expect(await kinds("date")).toEqual(["date"]);
    expect(await kinds("bool")).toEqual(["bool"]);
    expect(await kinds("array")).toEqual(["arr"]);
    expect(await kinds("null")).toEqual(["null"]);
    expect(await kinds("object")).toEqual(["obj"]);
  });

  test('$type: "objectId" (and its number, 7) matches ObjectId values', async () => {
    expect(await kinds("objectId")).toEqual(["oid"]);
    expect(await kinds(7)).toEqual(["oid"]);
  });

  test('$type matches an array whose elements have the type ("number" matches [1, 2])', async () => {
    expect(await kinds("number")).toEqual(["arr", "dbl", "int"]);
  });

  test("the $type aggregation expression names types as mongod does", async () => {
    const rows = await t
      .db()
      .collection("typed")
      .aggregate([{ $project: { _id: 0, k: 1, t: { $type: "$v" }, m: { $type: "$missing" } } }])
      .toArray();
    const names = Object.fromEntries(rows.map((r) => [r.k as string, r.t as string]));
    expect(names).toEqual({
      oid: "objectId",
      str: "string",
      date: "date",
      bool: "bool",
      arr: "array",
      null: "null",
      obj: "object",
      int: "int",
      dbl: "double",
    });
    expect(new Set(rows.map((r) => r.m))).toEqual(new Set(["missing"]));
  });
});

describe("counts and distinct", () => {
  test("countDocuments with filter, skip and limit; estimatedDocumentCount", async () => {
    expect(await items.countDocuments()).toBe(N);
    expect(await items.countDocuments({ group: "g3" })).toBe(50);
    expect(await items.countDocuments({ group: "g3" }, { skip: 45 })).toBe(5);
    expect(await items.countDocuments({}, { limit: 20 })).toBe(20);
    expect(await items.estimatedDocumentCount()).toBe(N);
    expect(await t.db().collection("never_created").countDocuments()).toBe(0);
    expect(await t.db().collection("never_created").estimatedDocumentCount()).toBe(0);
  });

  test("distinct unwinds arrays, takes a query and dotted keys", async () => {
    expect((await items.distinct("tags")).sort()).toEqual(["even", "t0", "t1", "t2", "t3", "t4"]);
    const low = await items.find({ n: { $lt: 3 } }).toArray();
    expect((await items.distinct("group", { n: { $lt: 3 } })).sort()).toEqual([...new Set(low.map((d) => d.group as string))].sort());
    expect((await items.distinct("nested.level")).sort()).toEqual([0, 1, 2]);
    expect(await items.distinct("nope")).toEqual([]);
  });

  test("mongoose: countDocuments, estimatedDocumentCount, distinct, lean find with select and sort", async () => {
    const Item = t.connection.model("Item", new mongoose.Schema({ n: Number, group: String, tags: [String] }, { collection: "items" }));
    expect(await Item.countDocuments({ tags: "t4" })).toBe(70);
    expect(await Item.estimatedDocumentCount()).toBe(N);
    expect((await Item.distinct("group")).sort()).toEqual(["g0", "g1", "g2", "g3", "g4", "g5", "g6"]);
    const top = await Item.find({ group: "g0" }).select({ n: 1 }).sort({ n: -1 }).skip(1).limit(3).lean();
    const g0 = (await items.find({ group: "g0" }).toArray()).map((d) => d.n as number).sort((a, b) => b - a);
    expect(top.map((d) => d.n)).toEqual(g0.slice(1, 4));
  });
});
