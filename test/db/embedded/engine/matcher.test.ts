import { inspect } from "node:util";
import { Int32, Long, ObjectId, type Document } from "bson";
import { Query } from "mingo/query";
import { compileFilter } from "../../../../src/db/embedded/engine/matcher";
import { queryContext, queryOptions } from "../../../../src/db/embedded/engine/mingo-context";

/**
 * The native fast path of compileFilter against mingo, on filters whose MongoDB answer is known.
 * `mingo: "wrong"` marks rows where mingo disagrees with MongoDB and the native path is deliberately more exact
 * (BSON number wrappers and Long against JS numbers: mingo compares them as unequal objects).
 */
interface Row {
  filter: Document;
  doc: Document;
  mongo: boolean;
  mingo?: "wrong";
}

const oid = (n: number): ObjectId => new ObjectId(n.toString(16).padStart(24, "0"));
const BIG = 2n ** 60n;

const ROWS: Record<string, Row[]> = {
  "null and missing": [
    { filter: { a: null }, doc: {}, mongo: true },
    { filter: { a: null }, doc: { a: null }, mongo: true },
    { filter: { a: null }, doc: { a: 0 }, mongo: false },
    { filter: { a: { $eq: null } }, doc: { a: false }, mongo: false },
    { filter: { a: { $ne: null } }, doc: {}, mongo: false },
    { filter: { a: { $ne: null } }, doc: { a: 1 }, mongo: true },
    { filter: { a: { $exists: false } }, doc: { a: null }, mongo: false },
    { filter: { a: { $exists: true } }, doc: { a: null }, mongo: true },
    { filter: { a: { $exists: 0 } }, doc: {}, mongo: true },
    { filter: { a: { $in: [null] } }, doc: {}, mongo: true },
    { filter: { a: { $in: [1, null] } }, doc: { a: null }, mongo: true },
    { filter: { a: { $nin: [null] } }, doc: {}, mongo: false },
    { filter: { a: { $gt: 1 } }, doc: {}, mongo: false },
    { filter: { a: { $lt: 1 } }, doc: { a: null }, mongo: false },
  ],
  "$ne / $nin with missing fields": [
    { filter: { a: { $ne: 1 } }, doc: {}, mongo: true },
    { filter: { a: { $nin: [1, 2] } }, doc: {}, mongo: true },
    { filter: { a: { $ne: 1 } }, doc: { a: 1 }, mongo: false },
    { filter: { a: { $nin: [1, 2] } }, doc: { a: 2 }, mongo: false },
    { filter: { "a.b": { $ne: 1 } }, doc: { a: 5 }, mongo: true },
  ],
  "dotted paths": [
    { filter: { "a.b": 1 }, doc: { a: { b: 1 } }, mongo: true },
    { filter: { "a.b.c": "x" }, doc: { a: { b: { c: "x" } } }, mongo: true },
    { filter: { "a.b": null }, doc: { a: 5 }, mongo: true },
    { filter: { "a.b": null }, doc: { a: {} }, mongo: true },
    { filter: { "a.b": { $exists: true } }, doc: { a: { b: null } }, mongo: true },
    { filter: { "a.b": 1 }, doc: { "a.b": 1 }, mongo: false },
  ],
  arrays: [
    { filter: { a: 1 }, doc: { a: [1, 2] }, mongo: true },
    { filter: { a: [1, 2] }, doc: { a: [1, 2] }, mongo: true },
    { filter: { a: [1] }, doc: { a: [1, 2] }, mongo: false },
    { filter: { a: { $ne: 1 } }, doc: { a: [1, 2] }, mongo: false },
    { filter: { a: { $nin: [3] } }, doc: { a: [1, 2] }, mongo: true },
    { filter: { a: { $gt: 1, $lt: 2 } }, doc: { a: [0, 3] }, mongo: true },
    { filter: { a: null }, doc: { a: [1, null] }, mongo: true },
    { filter: { a: null }, doc: { a: [] }, mongo: false },
    { filter: { a: { $exists: true } }, doc: { a: [] }, mongo: true },
    { filter: { "a.b": 2 }, doc: { a: [{ b: 1 }, { b: 2 }] }, mongo: true },
    // An element without the field counts as null (mongod; also documentdb/documentdb#500). mingo says no.
    { filter: { "a.b": null }, doc: { a: [{ b: 1 }, { c: 2 }] }, mongo: true, mingo: "wrong" },
    { filter: { "a.1": 5 }, doc: { a: [4, 5] }, mongo: true },
    { filter: { a: { $in: [3, 2] } }, doc: { a: [1, 2] }, mongo: true },
  ],
  "numbers of mixed types": [
    { filter: { a: 1 }, doc: { a: new Int32(1) }, mongo: true, mingo: "wrong" },
    { filter: { a: new Int32(2) }, doc: { a: 2 }, mongo: true, mingo: "wrong" },
    { filter: { a: { $gt: 1 } }, doc: { a: 1.5 }, mongo: true },
    { filter: { a: { $gte: 1.5 } }, doc: { a: 1 }, mongo: false },
    { filter: { a: 1 }, doc: { a: "1" }, mongo: false },
    { filter: { a: { $gt: 0 } }, doc: { a: "1" }, mongo: false },
    { filter: { a: { $lt: "a" } }, doc: { a: 1 }, mongo: false },
    { filter: { a: Number.NaN }, doc: { a: Number.NaN }, mongo: true },
    { filter: { a: { $gt: 5 } }, doc: { a: Number.NaN }, mongo: false },
    { filter: { a: { $lt: 5 } }, doc: { a: Number.NaN }, mongo: false },
    { filter: { a: { $lte: 5 } }, doc: { a: Number.NaN }, mongo: false, mingo: "wrong" },
    { filter: { a: { $gt: -1 } }, doc: { a: Number.POSITIVE_INFINITY }, mongo: true },
  ],
  Long: [
    { filter: { a: Long.fromNumber(5) }, doc: { a: 5 }, mongo: true, mingo: "wrong" },
    { filter: { a: 5 }, doc: { a: Long.fromNumber(5) }, mongo: true, mingo: "wrong" },
    { filter: { a: { $in: [Long.fromNumber(7)] } }, doc: { a: 7 }, mongo: true, mingo: "wrong" },
    { filter: { a: { $lt: 2 } }, doc: { a: Long.fromNumber(1) }, mongo: true, mingo: "wrong" },
    { filter: { a: Long.fromBigInt(BIG) }, doc: { a: Long.fromBigInt(BIG + 1n) }, mongo: false },
    { filter: { a: { $gt: Long.fromBigInt(BIG) } }, doc: { a: Long.fromBigInt(BIG + 1n) }, mongo: true },
    { filter: { a: { $lt: Long.fromBigInt(BIG + 1n) } }, doc: { a: Long.fromBigInt(BIG) }, mongo: true },
    { filter: { a: { $ne: Long.fromBigInt(BIG) } }, doc: { a: Long.fromBigInt(BIG + 1n) }, mongo: true },
  ],
  Dates: [
    { filter: { a: new Date(0) }, doc: { a: new Date(0) }, mongo: true },
    { filter: { a: { $gt: new Date(0) } }, doc: { a: new Date(1) }, mongo: true },
    { filter: { a: { $lt: new Date(0) } }, doc: { a: new Date(-86_400_000) }, mongo: true },
    { filter: { a: { $gt: new Date(0) } }, doc: { a: 1 }, mongo: false },
    { filter: { a: { $gt: 0 } }, doc: { a: new Date(5) }, mongo: false },
    { filter: { a: { $in: [new Date(7)] } }, doc: { a: new Date(7) }, mongo: true },
  ],
  ObjectId: [
    { filter: { a: oid(1) }, doc: { a: oid(1) }, mongo: true },
    { filter: { a: oid(1) }, doc: { a: oid(2) }, mongo: false },
    { filter: { a: { $in: [oid(3), oid(1)] } }, doc: { a: oid(1) }, mongo: true },
    { filter: { a: { $gt: oid(1) } }, doc: { a: oid(2) }, mongo: true },
    { filter: { _id: { $ne: oid(1) } }, doc: { _id: oid(1) }, mongo: false },
    { filter: { a: oid(1) }, doc: { a: oid(1).toHexString() }, mongo: false },
  ],
  "strings, booleans and conjunctions": [
    { filter: { a: "x" }, doc: { a: "x" }, mongo: true },
    { filter: { a: { $gte: "b", $lt: "d" } }, doc: { a: "c" }, mongo: true },
    { filter: { a: true }, doc: { a: 1 }, mongo: false },
    { filter: { a: 1, b: { $exists: false } }, doc: { a: 1 }, mongo: true },
    { filter: { $and: [{ a: 1 }, { a: { $ne: 2 } }] }, doc: { a: 1 }, mongo: true },
    { filter: { a: { $eq: 1, $ne: 2 } }, doc: { a: 1 }, mongo: true },
    { filter: { a: 1, b: 2 }, doc: { a: 1, b: 3 }, mongo: false },
  ],
};

const mingoTest = (filter: Document, doc: Document): boolean => new Query(filter, queryOptions(queryContext)).test(doc);
const label = (row: Row): string => inspect({ filter: row.filter, doc: row.doc }, { depth: 4, breakLength: Infinity });

describe.each(Object.keys(ROWS))("compileFilter: %s", (group) => {
  it.each(ROWS[group].map((row) => [label(row), row] as const))("%s", (_, row) => {
    expect(compileFilter(row.filter)(row.doc)).toBe(row.mongo);
    if (row.mingo === "wrong") expect(mingoTest(row.filter, row.doc)).toBe(!row.mongo);
    else expect(mingoTest(row.filter, row.doc)).toBe(row.mongo);
  });
});

describe("compileFilter: edge cases", () => {
  it("matches everything for an empty or missing filter", () => {
    expect([compileFilter({})({ a: 1 }), compileFilter(undefined)({}), compileFilter(null)({})]).toEqual([true, true, true]);
  });

  it("runs $expr and $regex through mingo", () => {
    expect(compileFilter({ $expr: { $gt: ["$a", "$b"] } })({ a: 2, b: 1 })).toBe(true);
    expect(compileFilter({ a: { $regex: "^x" } })({ a: "xy" })).toBe(true);
  });

  it("answers an unknown operator with a CommandError", () => {
    expect(() => compileFilter({ a: { $nope: 1 } })({ a: 1 })).toThrow(expect.objectContaining({ name: "CommandError" }));
  });

  it("compares Longs beyond 2^53 against doubles exactly", () => {
    // 2^53 + 4 is a double; Long(2^53 + 3) rounds to it, but the values differ (mongod compares long/double exactly).
    expect(compileFilter({ a: 2 ** 53 + 4 })({ a: Long.fromBigInt(2n ** 53n + 3n) })).toBe(false);
    expect(compileFilter({ a: { $lt: 2 ** 53 + 4 } })({ a: Long.fromBigInt(2n ** 53n + 3n) })).toBe(true);
  });
});
