import { Long, Timestamp, type Document } from "bson";
import { CommandError } from "../../../../src/db/embedded/engine/errors";
import { applyUpdate, buildUpsertDocument, upsertSeed, type UpdateOptions } from "../../../../src/db/embedded/engine/updater";
import { cloneValue } from "../../../../src/db/embedded/engine/values";
import { deepFreeze } from "../../../support/engine-in-process";

const UPDATE: UpdateOptions = { inserting: false };

/**
 * Applies an update to a deep-frozen copy of `doc`: any in-place mutation of the input throws.
 * (cloneValue, not structuredClone: under jest the latter makes Dates of another realm.)
 */
function apply(doc: Document, update: Document | Document[], options: UpdateOptions = UPDATE): { doc: Document; modified: boolean } {
  return applyUpdate(deepFreeze(cloneValue(doc)), update, options);
}

/** The error code an update fails with (or "ok"). */
function codeOf(doc: Document, update: Document | Document[], options: UpdateOptions = UPDATE): number | string {
  try {
    apply(doc, update, options);
    return "ok";
  } catch (error) {
    if (error instanceof CommandError) return error.code;
    throw error;
  }
}

describe("applyUpdate: native operators", () => {
  it("$set creates nested paths and keeps _id first", () => {
    expect(apply({ _id: 1, x: 1 }, { $set: { "a.b.c": 5, x: 2 } })).toEqual({ doc: { _id: 1, x: 2, a: { b: { c: 5 } } }, modified: true });
  });

  it("$set into an existing sub-document copies it instead of mutating it", () => {
    const before = deepFreeze({ _id: 1, a: { b: 1, keep: { deep: true } } });
    const { doc } = applyUpdate(before, { $set: { "a.b": 2 } }, UPDATE);
    expect(doc).toEqual({ _id: 1, a: { b: 2, keep: { deep: true } } });
    expect(before.a.b).toBe(1);
  });

  it("reports no modification when $set writes the current value", () => {
    expect(apply({ _id: 1, a: 1 }, { $set: { a: 1 } }).modified).toBe(false);
  });

  it("$unset removes fields, nested fields, and ignores missing ones", () => {
    expect(apply({ _id: 1, a: 1, b: { c: 1, d: 2 } }, { $unset: { a: "", "b.c": 1, zz: 1, "y.z": 1 } }).doc).toEqual({
      _id: 1,
      b: { d: 2 },
    });
    expect(apply({ _id: 1 }, { $unset: { a: "" } }).modified).toBe(false);
  });

  it("$unset through a non-document value is a no-op (mongod's UnsetNode allows non-viable paths)", () => {
    expect(codeOf({ _id: 1, a: 5 }, { $unset: { "a.b": "" } })).toBe("ok");
  });

  it("$set through a scalar fails with PathNotViable (28), as mongod does", () => {
    expect(codeOf({ _id: 1, a: 5 }, { $set: { "a.b": 1 } })).toBe(28);
  });

  it("$inc adds to numbers, creates missing fields and keeps Long precision", () => {
    expect(apply({ _id: 1, n: 1.5 }, { $inc: { n: 2, m: -3 } }).doc).toEqual({ _id: 1, n: 3.5, m: -3 });
    const big = Long.fromBigInt(2n ** 60n);
    const { doc } = apply({ _id: 1, n: big }, { $inc: { n: 1 } });
    expect(Long.isLong(doc.n) && doc.n.toBigInt()).toBe(2n ** 60n + 1n);
    expect(apply({ _id: 1, n: 5 }, { $inc: { n: Long.fromNumber(2) } }).doc.n).toBe(7);
  });

  it("$inc on a non-numeric field fails with TypeMismatch (14)", () => {
    expect(codeOf({ _id: 1, n: "x" }, { $inc: { n: 1 } })).toBe(14);
    expect(codeOf({ _id: 1, n: null }, { $inc: { n: 1 } })).toBe(14);
  });

  it("$inc with a non-numeric argument fails with TypeMismatch (14), even on a missing field", () => {
    expect(codeOf({ _id: 1, n: 1 }, { $inc: { n: "1" } })).toBe(14);
    expect(codeOf({ _id: 1 }, { $inc: { n: null } })).toBe(14);
  });

  it("$mul multiplies, and sets a missing field to 0", () => {
    expect(apply({ _id: 1, n: 3 }, { $mul: { n: 4, m: 5 } }).doc).toEqual({ _id: 1, n: 12, m: 0 });
    expect(codeOf({ _id: 1, n: "3" }, { $mul: { n: 2 } })).toBe(14);
  });

  it("$min and $max compare dates (and only replace when the bound is beyond)", () => {
    const early = new Date("2020-01-01T00:00:00Z");
    const late = new Date("2024-01-01T00:00:00Z");
    const base = { _id: 1, first: late, last: early };
    expect(apply(base, { $min: { first: early }, $max: { last: late } }).doc).toEqual({ _id: 1, first: early, last: late });
    expect(apply(base, { $min: { first: new Date("2030-01-01") }, $max: { last: new Date("2000-01-01") } }).modified).toBe(false);
    expect(apply({ _id: 1 }, { $max: { seen: late } }).doc).toEqual({ _id: 1, seen: late });
  });

  it("$currentDate sets a Date, or a Timestamp when asked", () => {
    const before = Date.now();
    const { doc } = apply({ _id: 1 }, { $currentDate: { at: true, ts: { $type: "timestamp" }, d: { $type: "date" } } });
    expect(doc.at).toBeInstanceOf(Date);
    expect((doc.at as Date).getTime()).toBeGreaterThanOrEqual(before);
    expect(doc.d).toBeInstanceOf(Date);
    expect(doc.ts).toBeInstanceOf(Timestamp);
  });

  it("$setOnInsert applies only when inserting", () => {
    const update = { $set: { a: 1 }, $setOnInsert: { created: true } };
    expect(apply({ _id: 1 }, update).doc).toEqual({ _id: 1, a: 1 });
    expect(apply({ _id: 1 }, update, { inserting: true }).doc).toEqual({ _id: 1, a: 1, created: true });
  });
});

describe("applyUpdate: validation", () => {
  it("rejects conflicting paths with ConflictingUpdateOperators (40)", () => {
    expect(codeOf({ _id: 1 }, { $set: { a: 1 }, $inc: { a: 1 } })).toBe(40);
    expect(codeOf({ _id: 1 }, { $set: { "a.b": 1 }, $unset: { a: "" } })).toBe(40);
    expect(codeOf({ _id: 1 }, { $set: { "a.b": 1, "a.c": 1 } })).toBe("ok");
  });

  it("rejects a change of _id with ImmutableField (66)", () => {
    expect(codeOf({ _id: 1 }, { $set: { _id: 2 } })).toBe(66);
    expect(codeOf({ _id: 1 }, { $unset: { _id: "" } })).toBe(66);
    expect(codeOf({ _id: 1, a: 1 }, { _id: 2, a: 1 })).toBe(66);
    expect(codeOf({ _id: 1 }, [{ $set: { _id: 3 } }])).toBe(66);
    expect(codeOf({ _id: 1 }, { $set: { _id: 1 } })).toBe("ok");
  });

  it("rejects unknown operators and empty paths with FailedToParse (9)", () => {
    expect(codeOf({ _id: 1 }, { $frobnicate: { a: 1 } })).toBe(9);
    expect(codeOf({ _id: 1 }, { $set: { "a..b": 1 } })).toBe(9);
    expect(codeOf({ _id: 1 }, { $set: 5 })).toBe(9);
  });
});

describe("applyUpdate: replacements and pipelines", () => {
  it("a replacement keeps the stored _id and drops every other field", () => {
    expect(apply({ _id: 7, a: 1, b: 2 }, { c: 3 })).toEqual({ doc: { _id: 7, c: 3 }, modified: true });
    expect(apply({ _id: 7, a: 1 }, { a: 1, _id: 7 })).toEqual({ doc: { _id: 7, a: 1 }, modified: false });
  });

  it("a replacement may not contain $-prefixed fields after the first", () => {
    expect(codeOf({ _id: 1 }, { a: 1, $set: { b: 1 } })).toBe(9);
  });

  it("a pipeline update computes from the current document", () => {
    expect(apply({ _id: 1, a: 2, b: 3 }, [{ $set: { sum: { $add: ["$a", "$b"] } } }, { $unset: "b" }]).doc).toEqual({
      _id: 1,
      a: 2,
      sum: 5,
    });
  });
});

describe("applyUpdate: array operators through mingo", () => {
  it("$push, $addToSet and $pull", () => {
    const base = { _id: 1, tags: ["a", "b"], nums: [1, 2, 3, 2] };
    expect(apply(base, { $push: { tags: "c" } }).doc.tags).toEqual(["a", "b", "c"]);
    expect(apply(base, { $push: { tags: { $each: ["x", "y"], $slice: -3 } } }).doc.tags).toEqual(["b", "x", "y"]);
    expect(apply(base, { $addToSet: { tags: "a" } }).modified).toBe(false);
    expect(apply(base, { $addToSet: { tags: { $each: ["a", "z"] } } }).doc.tags).toEqual(["a", "b", "z"]);
    expect(apply(base, { $pull: { nums: 2 } }).doc.nums).toEqual([1, 3]);
    expect(apply(base, { $pull: { nums: { $gte: 2 } } }).doc.nums).toEqual([1]);
    expect(apply({ _id: 1 }, { $push: { fresh: 1 } }).doc).toEqual({ _id: 1, fresh: [1] });
  });

  it("the positional $ updates the element the query matched", () => {
    const base = {
      _id: 1,
      items: [
        { sku: "a", qty: 1 },
        { sku: "b", qty: 1 },
      ],
    };
    const { doc } = apply(base, { $inc: { "items.$.qty": 5 } }, { inserting: false, query: { "items.sku": "b" } });
    expect(doc.items).toEqual([
      { sku: "a", qty: 1 },
      { sku: "b", qty: 6 },
    ]);
    expect(apply({ _id: 1, a: [1, 2, 3] }, { $set: { "a.$": 20 } }, { inserting: false, query: { a: 2 } }).doc.a).toEqual([1, 20, 3]);
  });

  it("arrayFilters select the elements $[name] updates", () => {
    const base = { _id: 1, grades: [80, 95, 100, 60] };
    const { doc } = apply(base, { $set: { "grades.$[high]": 100 } }, { inserting: false, arrayFilters: [{ high: { $gte: 90 } }] });
    expect(doc.grades).toEqual([80, 100, 100, 60]);
    expect(apply({ _id: 1, a: [1, 2] }, { $inc: { "a.$[]": 10 } }).doc.a).toEqual([11, 12]);
  });

  it("$setOnInsert next to a mingo operator still applies only when inserting", () => {
    const update = { $push: { log: "x" }, $setOnInsert: { created: 1 } };
    expect(apply({ _id: 1 }, update).doc).toEqual({ _id: 1, log: ["x"] });
    expect(apply({ _id: 1 }, update, { inserting: true }).doc).toEqual({ _id: 1, log: ["x"], created: 1 });
  });

  it("$set through an array goes to mingo and leaves the frozen input intact", () => {
    expect(apply({ _id: 1, a: [{ b: 1 }, { b: 2 }] }, { $set: { "a.1.b": 9 } }).doc).toEqual({ _id: 1, a: [{ b: 1 }, { b: 9 }] });
  });

  it("$rename moves a field", () => {
    expect(apply({ _id: 1, a: 1 }, { $rename: { a: "b" } }).doc).toEqual({ _id: 1, b: 1 });
  });
});

describe("upserts", () => {
  const query = { a: 1, "b.c": 2, d: { $eq: 3 }, e: { $gt: 1 }, $and: [{ f: 4 }] };

  it("upsertSeed keeps the equality parts of the query (dotted paths expanded, $eq unwrapped, $and visited)", () => {
    expect(upsertSeed(deepFreeze(cloneValue(query)))).toEqual({ a: 1, b: { c: 2 }, d: 3, f: 4 });
  });

  it("buildUpsertDocument applies the update (with $setOnInsert) to the seed and generates an _id first", () => {
    const doc = buildUpsertDocument(deepFreeze(cloneValue(query)), deepFreeze({ $set: { g: 5 }, $setOnInsert: { h: 6 } }));
    expect(Object.keys(doc)[0]).toBe("_id");
    const { _id: id, ...rest } = doc;
    expect(id).toBeDefined();
    expect(rest).toEqual({ a: 1, b: { c: 2 }, d: 3, f: 4, g: 5, h: 6 });
  });

  it("keeps an _id from the query, and a replacement upsert takes only that _id from the query", () => {
    expect(buildUpsertDocument({ _id: 9, a: 1 }, { $inc: { n: 1 } })).toEqual({ _id: 9, a: 1, n: 1 });
    expect(buildUpsertDocument({ _id: 9, a: 1 }, { z: 1 })).toEqual({ _id: 9, z: 1 });
  });
});
