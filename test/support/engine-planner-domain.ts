import { Long, ObjectId, type Document } from "bson";
import { encodeValue } from "../../src/db/embedded/engine/keys";
import { collectPathValues } from "../../src/db/embedded/engine/values";
import type { Random } from "./engine-in-process";

/**
 * Random documents, filters and sorts for the planner's differential test. Values are drawn from small domains so
 * that equalities hit, and mix types (null/missing, numbers of several types, strings, dates, ObjectIds, arrays).
 */

export const DIFFERENTIAL_INDEXES: Document[] = [
  { v: 2, key: { a: 1 }, name: "a_1" },
  { v: 2, key: { b: -1 }, name: "b_-1" },
  { v: 2, key: { a: 1, b: 1 }, name: "a_1_b_1" },
  { v: 2, key: { b: -1, a: 1 }, name: "b_-1_a_1" },
  { v: 2, key: { c: 1 }, name: "c_1", sparse: true },
  { v: 2, key: { d: 1 }, name: "d_1", partialFilterExpression: { d: { $gt: 0 } } },
  { v: 2, key: { tags: 1 }, name: "tags_1" },
  { v: 2, key: { "e.f": 1 }, name: "e.f_1" },
  { v: 2, key: { u: 1 }, name: "u_1", unique: true, sparse: true },
];

const OID = [new ObjectId("000000000000000000000001"), new ObjectId("000000000000000000000002")];
const MISSING = Symbol("missing");

/** Scalars only (no arrays), so the a/b indexes stay usable for ordered walks. */
const A_VALUES: unknown[] = [
  MISSING,
  null,
  -1,
  0,
  1,
  1,
  2,
  2,
  2.5,
  3,
  Long.fromNumber(2),
  "",
  "a",
  "b",
  "b",
  true,
  false,
  new Date(0),
  new Date(1000),
  OID[0],
  { x: 1 },
];
const B_VALUES: unknown[] = [MISSING, null, 0, 1, 2, 3, 4, 5, 1.5, "x", "y", new Date(500)];
const C_VALUES: unknown[] = [MISSING, MISSING, null, 1, 2, "c"];
const D_VALUES: unknown[] = [MISSING, -1, 0, 1, 2, 3];
const TAG_VALUES: unknown[] = [MISSING, [], ["x"], ["x", "y"], ["y", "z"], "x", "z", [1, "x"], [1, 5], [0, 3, 6], 2];
// Not [1, 2] or [] here: sorting those by "e.f" is input-order dependent today (see sort-project.test.ts).
const E_VALUES: unknown[] = [MISSING, 5, { f: 1 }, { f: 2 }, { f: null }, {}, [{ f: 1 }, { f: 3 }], [{ g: 1 }], { f: [2, 3] }];

export function randomDoc(rng: Random, id: number, uniqueCounter: { next: number }): Document {
  const doc: Document = { _id: id };
  const put = (field: string, domain: unknown[]): void => {
    const value = rng.pick(domain);
    if (value !== MISSING) doc[field] = value;
  };
  put("a", A_VALUES);
  put("b", B_VALUES);
  put("c", C_VALUES);
  put("d", D_VALUES);
  put("tags", TAG_VALUES);
  put("e", E_VALUES);
  if (rng.chance(0.3)) doc.u = uniqueCounter.next++;
  return doc;
}

const present = (domain: unknown[]): unknown[] => domain.filter((value) => value !== MISSING && !Array.isArray(value));
const ORDERABLE: unknown[] = [
  -1,
  0,
  1,
  1.5,
  2,
  2.5,
  4,
  Long.fromNumber(1),
  "",
  "a",
  "b",
  "x",
  "z",
  new Date(0),
  new Date(700),
  OID[1],
  true,
];

function condition(rng: Random, field: string, domain: unknown[]): Document {
  const values = present(domain);
  switch (rng.int(12)) {
    case 0:
    case 1:
      return { [field]: rng.pick(values) };
    case 2:
      return { [field]: { $eq: rng.pick(values) } };
    case 3:
      return { [field]: { $in: [rng.pick(values), rng.pick(values), ...(rng.chance(0.3) ? [null] : [])] } };
    case 4:
      return { [field]: { [rng.pick(["$gt", "$gte", "$lt", "$lte"])]: rng.pick(ORDERABLE) } };
    case 5: {
      const low = rng.pick(ORDERABLE);
      const sameClass = ORDERABLE.filter((value) => encodeValue(value).charAt(0) === encodeValue(low).charAt(0));
      return { [field]: { [rng.pick(["$gt", "$gte"])]: low, [rng.pick(["$lt", "$lte"])]: rng.pick(sameClass) } };
    }
    case 6:
      return { [field]: { $ne: rng.pick(values) } };
    case 7:
      return { [field]: { $exists: rng.chance(0.5) } };
    case 8:
      return { [field]: null };
    case 9:
      return { [field]: { $nin: [rng.pick(values), null] } };
    case 10:
      return { [field]: { $gte: rng.pick(ORDERABLE), $exists: true } };
    default:
      return { [field]: { $in: [rng.pick(values)] } };
  }
}

const FIELDS: Array<[string, unknown[]]> = [
  ["a", A_VALUES],
  ["a", A_VALUES],
  ["b", B_VALUES],
  ["b", B_VALUES],
  ["c", C_VALUES],
  ["d", D_VALUES],
  ["tags", [...TAG_VALUES, "x", "y", 1]],
  ["e.f", [1, 2, 3, null]],
  ["e", E_VALUES],
  ["u", [0, 1, 2, 5, 10, 50]],
];

export function randomFilter(rng: Random): Document {
  const parts = Array.from({ length: 1 + rng.int(3) }, () => {
    const [field, domain] = rng.pick(FIELDS);
    return condition(rng, field, domain);
  });
  const shape = rng.int(6);
  if (shape === 0) return { $and: parts };
  if (shape === 1) return { $or: parts };
  if (shape === 2 && parts.length > 1) return { ...parts[0], $and: parts.slice(1) };
  // Merge into one object (a later condition on the same field wins, as in a JS literal).
  return Object.assign({}, ...parts) as Document;
}

const SORTS: Array<Document | undefined> = [
  undefined,
  undefined,
  { a: 1 },
  { a: -1 },
  { b: 1 },
  { b: -1 },
  { a: 1, b: 1 },
  { a: -1, b: -1 },
  { a: 1, b: -1 },
  { b: -1, a: 1 },
  { b: 1, a: -1 },
  { c: 1 },
  { d: -1 },
  { tags: 1 },
  { "e.f": -1 },
  { u: 1 },
  { u: -1 },
  { _id: -1 },
];

export function randomSort(rng: Random): Document | undefined {
  return rng.pick(SORTS);
}

/** A document's sort key as sortDocuments computes it (smallest array element ascending, largest descending). */
export function sortKeyOf(doc: Document, sort: Document | undefined): string {
  if (!sort) return "";
  const parts = Object.keys(sort).map((field) => {
    const values: unknown[] = [];
    collectPathValues(doc, field.split("."), values);
    const encoded = values.map((value) => encodeValue(value)).sort();
    return sort[field] === 1 ? encoded[0] : encoded[encoded.length - 1];
  });
  return JSON.stringify(parts);
}
