import { type Long, ObjectId, type Document } from "bson";

/**
 * Value helpers shared by the engine: BSON type classes, path access, copying and equality.
 * Stored documents are immutable: every change builds a new object, so a reference to a stored document doubles
 * as its version (transactions rely on that) and snapshots can share documents with the live store.
 */

export type Path = readonly string[];

/** The BSON class name of a value created by the `bson` package, or undefined for JS primitives and plain objects. */
export function bsonTypeOf(value: unknown): string | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const tag = (value as { _bsontype?: unknown })._bsontype;
  return typeof tag === "string" ? tag : undefined;
}

/** A plain document (not an array, Date, RegExp or BSON value class). */
export function isPlainObject(value: unknown): value is Document {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  if (value instanceof Date || value instanceof RegExp) return false;
  return bsonTypeOf(value) === undefined;
}

/** Numbers as the engine compares them: JS numbers, Long, Int32/Double wrappers, Decimal128 (approximately). */
export function isNumeric(value: unknown): boolean {
  if (typeof value === "number" || typeof value === "bigint") return true;
  const tag = bsonTypeOf(value);
  return tag === "Long" || tag === "Int32" || tag === "Double" || tag === "Decimal128";
}

/** Compares two numeric values exactly, also when one is a Long beyond 2^53. */
export function compareNumbers(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") {
    if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
    if (Number.isNaN(b)) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const bigA = toExactBigInt(a);
  const bigB = toExactBigInt(b);
  if (bigA !== undefined && bigB !== undefined) return bigA < bigB ? -1 : bigA > bigB ? 1 : 0;
  const x = toNumber(a);
  const y = toNumber(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  switch (bsonTypeOf(value)) {
    case "Long":
      return (value as Long).toNumber();
    case "Int32":
    case "Double":
      return (value as { value: number }).value;
    case "Decimal128":
      return Number.parseFloat(String(value));
    default:
      return Number.NaN;
  }
}

/** An integer value as a bigint when it can be represented exactly, else undefined. */
function toExactBigInt(value: unknown): bigint | undefined {
  if (typeof value === "bigint") return value;
  // Every double of magnitude ≥ 2^53 is an integer, and BigInt() converts it exactly.
  if (typeof value === "number") return Number.isInteger(value) ? BigInt(value) : undefined;
  if (bsonTypeOf(value) === "Long") return (value as Long).toBigInt();
  return undefined;
}

/** Reads a dotted path through plain objects only; arrays on the way make it "ambiguous" (callers fall back). */
export function getPathSimple(doc: Document, path: Path): { value: unknown; found: boolean; crossedArray: boolean } {
  let current: unknown = doc;
  for (let i = 0; i < path.length; i++) {
    if (Array.isArray(current)) return { value: undefined, found: false, crossedArray: true };
    if (!isPlainObject(current)) return { value: undefined, found: false, crossedArray: false };
    if (!Object.prototype.hasOwnProperty.call(current, path[i])) return { value: undefined, found: false, crossedArray: false };
    current = current[path[i]];
  }
  return { value: current, found: true, crossedArray: false };
}

/**
 * All values reachable at a dotted path, descending into arrays the way MongoDB index keys do: an array of
 * documents is traversed element by element, and a numeric segment also addresses an array position.
 * The boolean says whether an array was met (the index is then "multikey").
 */
export function collectPathValues(doc: unknown, path: Path, out: unknown[]): boolean {
  let multikey = false;
  const walk = (value: unknown, depth: number): void => {
    if (depth === path.length) {
      if (Array.isArray(value)) {
        multikey = true;
        if (value.length === 0) out.push(undefined);
        else for (const element of value) out.push(element);
      } else out.push(value);
      return;
    }
    if (Array.isArray(value)) {
      multikey = true;
      const before = out.length;
      const segment = path[depth];
      if (/^\d+$/.test(segment) && Number(segment) < value.length) walk(value[Number(segment)], depth + 1);
      for (const element of value) if (isPlainObject(element)) walk(element, depth);
      // No element has the field: like a missing field, this indexes and sorts as null.
      if (out.length === before) out.push(undefined);
      return;
    }
    if (isPlainObject(value) && Object.prototype.hasOwnProperty.call(value, path[depth])) {
      walk(value[path[depth]], depth + 1);
      return;
    }
    out.push(undefined);
  };
  walk(doc, 0);
  return multikey;
}

/** A deep copy of plain objects and arrays; BSON value objects, Dates and RegExps are immutable here and shared. */
export function cloneValue<T>(value: T): T {
  if (Array.isArray(value)) return value.map((element) => cloneValue(element)) as T;
  if (isPlainObject(value)) {
    const copy: Document = {};
    for (const key of Object.keys(value)) copy[key] = cloneValue(value[key]);
    return copy as T;
  }
  return value;
}

/** Returns the document with `_id` as its first field, as mongod stores it. */
export function idFirst(doc: Document): Document {
  const keys = Object.keys(doc);
  if (keys[0] === "_id" || !("_id" in doc)) return doc;
  const ordered: Document = { _id: doc._id };
  for (const key of keys) if (key !== "_id") ordered[key] = doc[key];
  return ordered;
}

export function newObjectId(): ObjectId {
  return new ObjectId();
}

/** Describes a value for error messages the way the mongo shell prints it, kept short. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "undefined";
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  const tag = bsonTypeOf(value);
  if (tag === "ObjectId") return `ObjectId('${(value as ObjectId).toHexString()}')`;
  if (tag) return String(value);
  if (isPlainObject(value)) {
    const parts = Object.keys(value).map((key) => `${key}: ${describeValue(value[key])}`);
    return `{ ${parts.join(", ")} }`;
  }
  if (Array.isArray(value)) return `[ ${value.map(describeValue).join(", ")} ]`;
  return String(value);
}

/** Calls `visit` for every field condition of a filter's top level and of its (nested) `$and` clauses. */
export function forEachFieldCondition(filter: Document, visit: (field: string, condition: unknown) => void): void {
  for (const field of Object.keys(filter)) {
    const condition = filter[field];
    if (field === "$and" && Array.isArray(condition)) {
      for (const clause of condition) if (isPlainObject(clause)) forEachFieldCondition(clause, visit);
    } else if (!field.startsWith("$")) visit(field, condition);
  }
}
