import { Long, type Document } from "bson";
import { evalExpr } from "mingo/core";
import { Lazy, type Iterator } from "mingo/lazy";
import { $push } from "mingo/operators/accumulator";
import type { Options } from "mingo/types";
import { CommandError } from "./errors";
import { bsonTypeOf, collectPathValues, isPlainObject } from "./values";

/**
 * Replacements for mingo operators that get BSON types or mongod's edge cases wrong (the design notes list them):
 * `$type` (query and expression), `$sum` over Long values, and `$count` over no documents.
 */

/** mongod's type names and numbers, for the values the wire codec produces. */
function bsonTypeName(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (typeof value === "string") return "string";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? (Math.abs(value) <= 0x7fffffff ? "int" : "long") : "double";
  if (typeof value === "bigint") return "long";
  if (Array.isArray(value)) return "array";
  if (value instanceof Date) return "date";
  if (value instanceof RegExp) return "regex";
  const tag = bsonTypeOf(value);
  const names: Record<string, string> = {
    ObjectId: "objectId",
    Long: "long",
    Int32: "int",
    Double: "double",
    Decimal128: "decimal",
    Binary: "binData",
    UUID: "binData",
    Timestamp: "timestamp",
    MinKey: "minKey",
    MaxKey: "maxKey",
    BSONRegExp: "regex",
    Code: "javascript",
    BSONSymbol: "symbol",
  };
  if (tag) return names[tag] ?? tag.toLowerCase();
  return isPlainObject(value) ? "object" : "unknown";
}

const TYPE_NUMBERS: Record<number, string> = {
  1: "double",
  2: "string",
  3: "object",
  4: "array",
  5: "binData",
  6: "undefined",
  7: "objectId",
  8: "bool",
  9: "date",
  10: "null",
  11: "regex",
  13: "javascript",
  14: "symbol",
  16: "int",
  17: "timestamp",
  18: "long",
  19: "decimal",
  [-1]: "minKey",
  127: "maxKey",
};
const NUMBER_TYPES = new Set(["double", "int", "long", "decimal"]);

function typeMatches(value: unknown, wanted: unknown): boolean {
  const name = typeof wanted === "number" ? TYPE_NUMBERS[wanted] : String(wanted);
  const actual = bsonTypeName(value);
  if (name === "number") return NUMBER_TYPES.has(actual);
  // A JS number carries no int/double distinction once decoded: an integral double reads as "int" here.
  if (name === "double" && (actual === "int" || actual === "long")) return true;
  return actual === name;
}

/** Query `$type`: matches when the field, or any element of an array field, has one of the types. */
export function $type(selector: string, value: unknown, _options: Options): (obj: Document) => boolean {
  const wanted = Array.isArray(value) ? value : [value];
  const path = selector.split(".");
  return (obj) => {
    const leaves: unknown[] = [];
    collectLeaves(obj, path, 0, leaves);
    return leaves.some((leaf) => leaf !== undefined && wanted.some((type) => typeMatches(leaf, type)));
  };
}

/** Values at a path: an array at the end counts both as itself and through its elements. */
function collectLeaves(value: unknown, path: string[], depth: number, out: unknown[]): void {
  if (depth === path.length) {
    out.push(value);
    if (Array.isArray(value)) out.push(...value);
    return;
  }
  if (Array.isArray(value)) {
    const values: unknown[] = [];
    collectPathValues(value, path.slice(depth), values);
    out.push(...values);
    return;
  }
  if (isPlainObject(value)) collectLeaves(value[path[depth]], path, depth + 1, out);
}

/** Expression `$type`: the type name as mongod spells it (`objectId`, not `objectid`). */
export function $typeExpression(obj: Document, expr: unknown, options: Options): string {
  return bsonTypeName(evalExpr(obj, expr, options));
}

/** `$count` yields no document at all for empty input, like mongod (mingo yields `{ n: 0 }`). */
export function $count(collection: Iterator, expr: unknown, _options: Options): Iterator {
  if (typeof expr !== "string" || expr.length === 0 || expr.startsWith("$") || expr.includes(".")) {
    throw new CommandError("FailedToParse", "the count field must be a non-empty string, must not start with '$' and must not contain '.'");
  }
  const size = collection.size();
  return Lazy(size === 0 ? [] : [{ [expr]: size }]);
}

/** `$sum` that stays exact past 2^53: integers (and Longs) add up as a bigint, fractions as a double. */
export function $sum(collection: Document[], expr: unknown, options: Options): unknown {
  if (typeof expr === "number") return collection.length * expr;
  let integers = 0n;
  let fractions = 0;
  let hasFraction = false;
  for (const value of $push(collection, expr, options) as unknown[]) {
    const tag = bsonTypeOf(value);
    if (tag === "Decimal128") throw new CommandError("TypeMismatch", "Decimal128 is not supported by the embedded engine");
    if (tag === "Long") integers += (value as Long).toBigInt();
    else if (typeof value === "number" && Number.isInteger(value)) integers += BigInt(value);
    else if (typeof value === "number") {
      fractions += value;
      hasFraction = true;
    }
  }
  if (hasFraction) return Number(integers) + fractions;
  const safe = integers <= BigInt(Number.MAX_SAFE_INTEGER) && integers >= -BigInt(Number.MAX_SAFE_INTEGER);
  return safe ? Number(integers) : Long.fromBigInt(integers);
}
