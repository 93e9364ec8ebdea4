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

/**
 * Strings are compared by UTF-8 bytes in MongoDB, which is code point order. JS compares UTF-16 code units, where
 * surrogates (astral characters) sort below U+E000–U+FFFF; moving the surrogates to the top of the range fixes
 * that. Then the terminator is escaped so it never appears inside: \0 → \1\1, \1 → \1\2 (order preserved).
 */
const NEEDS_NO_ESCAPING = /^[\u0002-\ud7ff]*$/;

function escapeString(value: string): string {
  if (NEEDS_NO_ESCAPING.test(value)) return value + TERMINATOR;
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code <= 1) out += code === 0 ? "\u0001\u0001" : "\u0001\u0002";
    else if (code >= 0xd800 && code <= 0xdfff) out += String.fromCharCode(code + 0x2000);
    else if (code >= 0xe000) out += String.fromCharCode(code - 0x800);
    else out += value.charAt(i);
  }
  return out + TERMINATOR;
}

const TWO_53 = 2 ** 53;
/** Offset that keeps the exact remainder of a huge integer positive and fixed-width (|remainder| < 2^11). */
const REMAINDER_OFFSET = 1n << 20n;

/**
 * Integers of magnitude ≥ 2^53 (Longs, and doubles, which are all integers there) get a suffix: the exact
 * difference to their nearest double. Rounding to a double is monotonic, so the double orders them coarsely
 * and the suffix breaks ties exactly; `Long(2^53)` and the double 2^53 then encode alike.
 */
function encodeNumber(value: number, exact?: bigint): string {
  const base = TYPE.number + sortableDouble(value);
  if (!Number.isFinite(value) || Math.abs(value) < TWO_53) return base + TERMINATOR;
  const integer = exact ?? BigInt(value);
  const remainder = integer - BigInt(Number(integer)) + REMAINDER_OFFSET;
  return base + remainder.toString(16).padStart(6, "0") + TERMINATOR;
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
    // mongod compares each field's value type first, then its name, then its value.
    for (const key of Object.keys(value)) {
      const encoded = encodeValue(value[key]);
      out += encoded.charAt(0) + escapeString(key) + encoded;
    }
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
      return (
        TYPE.binary + bytes.length.toString(16).padStart(8, "0") + binary.sub_type.toString(16).padStart(2, "0") + bytes.toString("hex")
      );
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
  // The next type's marker bounds every key of this type, however many \uffff characters a string holds.
  return { low: prefix, high: String.fromCharCode(prefix.charCodeAt(0) + 1) };
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
