import type { Binary, Long, ObjectId, Timestamp } from "bson";
import { bsonTypeOf, isPlainObject, toNumber } from "./values";

/**
 * Order-preserving string encoding of BSON values.
 *
 * `encodeValue(a) < encodeValue(b)` (plain JS string comparison) exactly when `a` sorts before `b` in MongoDB's
 * cross-type order (MinKey < null < numbers < strings < objects < arrays < binary < ObjectId < booleans < dates
 * < timestamps < regexes < MaxKey). `1`, `1.0` and `Long(1)` encode the same. Every encoding is prefix-free
 * (fixed width, or terminated), so a compound key is the concatenation of its parts and still sorts field by field.
 * Indexes, `_id` lookups, `$sort` and `distinct` all use this one encoding.
 */

const TERMINATOR = "\u0000";
const TYPE = {
  minKey: "\u0001",
  nullish: "\u0002",
  number: "\u0003",
  string: "\u0004",
  object: "\u0005",
  array: "\u0006",
  binary: "\u0007",
  objectId: "\u0008",
  boolean: "\u0009",
  date: "\u000a",
  timestamp: "\u000b",
  regex: "\u000c",
  maxKey: "\u007f",
} as const;

const scratch = new DataView(new ArrayBuffer(8));

/** 16 hex digits whose string order is the numeric order of the double. */
function sortableDouble(value: number): string {
  const normalised = Number.isNaN(value) ? Number.NEGATIVE_INFINITY : value === 0 ? 0 : value;
  scratch.setFloat64(0, normalised);
  let high = scratch.getUint32(0);
  let low = scratch.getUint32(4);
  if (high & 0x80000000) {
    // Negative numbers: flip every bit so that larger magnitudes sort first.
    high = ~high >>> 0;
    low = ~low >>> 0;
  } else {
    high = (high | 0x80000000) >>> 0;
  }
  // NaN sorts below every number in MongoDB.
  const nanPrefix = Number.isNaN(value) ? "0" : "1";
  return nanPrefix + high.toString(16).padStart(8, "0") + low.toString(16).padStart(8, "0");
}

/** Strings are escaped so the terminator never appears inside them: \0 → \1\1, \1 → \1\2 (order preserved). */
function escapeString(value: string): string {
  if (value.indexOf("\u0000") < 0 && value.indexOf("\u0001") < 0) return value + TERMINATOR;
  return value.replace(/[\u0000\u0001]/g, (c) => (c === "\u0000" ? "\u0001\u0001" : "\u0001\u0002")) + TERMINATOR;
}

function encodeNumber(value: number, exact?: bigint): string {
  // Integers beyond 2^53 get a suffix so that distinct Longs stay distinct; doubles never reach there exactly.
  if (exact !== undefined && (exact > BigInt(Number.MAX_SAFE_INTEGER) || exact < -BigInt(Number.MAX_SAFE_INTEGER))) {
    return TYPE.number + sortableDouble(value) + exact.toString(16).padStart(20, "0") + TERMINATOR;
  }
  return TYPE.number + sortableDouble(value) + TERMINATOR;
}

export function encodeValue(value: unknown): string {
  if (value === undefined || value === null) return TYPE.nullish;
  switch (typeof value) {
    case "number":
      return encodeNumber(value);
    case "string":
      return TYPE.string + escapeString(value);
    case "boolean":
      return TYPE.boolean + (value ? "1" : "0");
    case "bigint":
      return encodeNumber(Number(value), value);
    default:
      break;
  }
  if (value instanceof Date) return TYPE.date + sortableDouble(value.getTime());
  if (value instanceof RegExp) return TYPE.regex + escapeString(value.source) + escapeString(value.flags);
  if (Array.isArray(value)) return TYPE.array + value.map(encodeValue).join("") + TERMINATOR;
  if (isPlainObject(value)) {
    let out = TYPE.object;
    for (const key of Object.keys(value)) out += escapeString(key) + encodeValue(value[key]);
    return out + TERMINATOR;
  }
  switch (bsonTypeOf(value)) {
    case "ObjectId":
      return TYPE.objectId + (value as ObjectId).toHexString();
    case "Long":
      return encodeNumber((value as Long).toNumber(), (value as Long).toBigInt());
    case "Int32":
    case "Double":
    case "Decimal128":
      return encodeNumber(toNumber(value));
    case "Binary": {
      const binary = value as Binary;
      const bytes = Buffer.from(binary.buffer.subarray(0, binary.position));
      return TYPE.binary + bytes.length.toString(16).padStart(8, "0") + binary.sub_type.toString(16).padStart(2, "0") + bytes.toString("hex");
    }
    case "Timestamp":
      return TYPE.timestamp + (value as Timestamp).toBigInt().toString(16).padStart(16, "0");
    case "MinKey":
      return TYPE.minKey;
    case "MaxKey":
      return TYPE.maxKey;
    case "BSONRegExp": {
      const regex = value as { pattern: string; options: string };
      return TYPE.regex + escapeString(regex.pattern) + escapeString(regex.options);
    }
    default:
      return TYPE.string + escapeString(String(value));
  }
}

/** The encoding of a key part in a descending index field: every character inverted, so the order reverses. */
export function invertKey(encoded: string): string {
  let out = "";
  for (let i = 0; i < encoded.length; i++) out += String.fromCharCode(0xffff - encoded.charCodeAt(i));
  return out;
}

/** The bounds of every value of the same type class as `value`, for range scans ($gt: 5 only matches numbers). */
export function typeBracket(value: unknown): { low: string; high: string } {
  const prefix = encodeValue(value).charAt(0);
  return { low: prefix, high: prefix + "\uffff" };
}

/** The largest string below which every key lies: the upper bound of an open range. */
export const KEY_MAX = "\uffff\uffff";

export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares two values in MongoDB's sort order. */
export function compareValues(a: unknown, b: unknown): number {
  return compareKeys(encodeValue(a), encodeValue(b));
}
