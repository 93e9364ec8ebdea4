import type { Document } from "bson";
import { Query } from "mingo/query";
import { CommandError, toCommandError } from "./errors";
import { compareKeys, encodeValue } from "./keys";
import { fullContext, queryContext, queryOptions } from "./mingo-context";
import { Re2Regex } from "./regex.compile";
import { prepareFilter, REGEX_OPERATOR } from "./regex.filter";
import { bsonTypeOf, compareNumbers, getPathSimple, isNumeric, isPlainObject, toNumber, type Path } from "./values";

const ASTRAL = /[\ud800-\udfff]/;

/**
 * Compiles a query filter into a predicate.
 *
 * Most filters the platform sends are conjunctions of equality and comparisons on scalar values (look-ups by key
 * digest, guarded `$inc`s). Those are evaluated natively: faster than mingo, and exact for Long values and mixed
 * number types, which mingo compares wrongly. A document whose path crosses an array, and any filter with other
 * operators, is handed to mingo (compiled once per filter, lazily).
 */
export type Predicate = (doc: Document) => boolean;

type Comparison = "$eq" | "$ne" | "$gt" | "$gte" | "$lt" | "$lte" | "$in" | "$nin" | "$exists" | typeof REGEX_OPERATOR;
interface Condition {
  path: Path;
  op: Comparison;
  operand: unknown;
}

const NATIVE_OPERATORS = new Set<string>(["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$exists", REGEX_OPERATOR]);
const FULL_CONTEXT_OPERATORS = /"\$(expr|where|jsonSchema)"/;

export function compileFilter(rawFilter: Document | undefined | null): Predicate {
  if (!rawFilter || Object.keys(rawFilter).length === 0) return () => true;
  if (!isPlainObject(rawFilter)) throw new CommandError("TypeMismatch", "filter must be an object");
  const filter = prepareFilter(rawFilter);
  const conditions = nativeConditions(filter);
  let mingoQuery: Query | undefined;
  const viaMingo = (doc: Document): boolean => {
    if (!mingoQuery) mingoQuery = buildMingoQuery(filter);
    return mingoQuery.test(doc);
  };
  if (!conditions) {
    mingoQuery = buildMingoQuery(filter);
    const query = mingoQuery;
    return (doc) => query.test(doc);
  }
  return (doc) => {
    for (const condition of conditions) {
      const verdict = evaluate(condition, doc);
      if (verdict === undefined) return viaMingo(doc);
      if (!verdict) return false;
    }
    return true;
  };
}

function buildMingoQuery(filter: Document): Query {
  const context = FULL_CONTEXT_OPERATORS.test(safeStringify(filter)) ? fullContext : queryContext;
  try {
    return new Query(filter, queryOptions(context));
  } catch (error) {
    throw toCommandError(error);
  }
}

function safeStringify(filter: Document): string {
  try {
    return JSON.stringify(filter) ?? "";
  } catch {
    return "";
  }
}

/** Native conditions for a filter, or undefined when some part needs mingo. */
function nativeConditions(filter: Document): Condition[] | undefined {
  const out: Condition[] = [];
  const add = (field: string, value: unknown): boolean => {
    if (field.startsWith("$")) return false;
    const path = field.split(".");
    if (isSimpleScalar(value)) {
      out.push({ path, op: "$eq", operand: value });
      return true;
    }
    if (!isPlainObject(value)) return false;
    const ops = Object.keys(value);
    if (ops.length === 0) return false;
    for (const op of ops) {
      if (!NATIVE_OPERATORS.has(op)) return false;
      const operand = value[op];
      if (op === "$in" || op === "$nin") {
        if (!Array.isArray(operand) || !operand.every(isSimpleScalar)) return false;
      } else if (op === "$exists") {
        if (typeof operand !== "boolean" && typeof operand !== "number") return false;
      } else if (op === REGEX_OPERATOR) {
        if (!(operand instanceof Re2Regex)) return false;
      } else if (!isSimpleScalar(operand)) return false;
      out.push({ path, op: op as Comparison, operand });
    }
    return true;
  };
  for (const key of Object.keys(filter)) {
    if (key === "$and" && Array.isArray(filter.$and)) {
      for (const part of filter.$and) {
        if (!isPlainObject(part)) return undefined;
        for (const inner of Object.keys(part)) if (!add(inner, part[inner])) return undefined;
      }
      continue;
    }
    if (!add(key, filter[key])) return undefined;
  }
  return out;
}

/** Values whose equality and order the native matcher handles exactly. */
function isSimpleScalar(value: unknown): boolean {
  if (value === null) return true;
  const type = typeof value;
  if (type === "string" || type === "number" || type === "boolean") return true;
  if (value instanceof Date) return true;
  const tag = bsonTypeOf(value);
  return tag === "ObjectId" || tag === "Long" || tag === "Int32" || tag === "Double" || tag === "UUID";
}

/** true/false, or undefined when the document needs mingo's array semantics. */
function evaluate(condition: Condition, doc: Document): boolean | undefined {
  const { value, found, crossedArray } = getPathSimple(doc, condition.path);
  if (crossedArray && isNullEquality(condition)) {
    const nullMatch = nullAlongPath(doc, condition.path, 0);
    return condition.op === "$eq" || condition.op === "$in" ? nullMatch || undefined : nullMatch ? false : undefined;
  }
  if (crossedArray || Array.isArray(value)) return undefined;
  const present = found && value !== undefined;
  switch (condition.op) {
    case "$exists":
      return present === Boolean(condition.operand);
    case REGEX_OPERATOR: {
      const regex = condition.operand as Re2Regex;
      if (typeof value === "string") return regex.test(value);
      // As on mongod, a stored regex matches only when it is the same regex.
      if (bsonTypeOf(value) === "BSONRegExp") {
        const stored = value as { pattern: string; options: string };
        return stored.pattern === regex.pattern && stored.options === regex.options;
      }
      return false;
    }
    case "$eq":
      return equalsScalar(value, present, condition.operand);
    case "$ne":
      return !equalsScalar(value, present, condition.operand);
    case "$in":
      return (condition.operand as unknown[]).some((candidate) => equalsScalar(value, present, candidate));
    case "$nin":
      return !(condition.operand as unknown[]).some((candidate) => equalsScalar(value, present, candidate));
    default: {
      if (!present) return false;
      const order = compareSameClass(value, condition.operand);
      if (order === undefined) return false;
      if (condition.op === "$gt") return order > 0;
      if (condition.op === "$gte") return order >= 0;
      if (condition.op === "$lt") return order < 0;
      return order <= 0;
    }
  }
}

function equalsScalar(value: unknown, present: boolean, operand: unknown): boolean {
  if (operand === null) return !present || value === null;
  if (!present) return false;
  if (isNumeric(operand)) return isNumeric(value) && compareNumbers(value, operand) === 0;
  if (typeof operand === "string" || typeof operand === "boolean") return value === operand;
  return encodeValue(value) === encodeValue(operand);
}

/** Comparison operators only match values of the same type class (numbers with numbers, dates with dates, ...). */
function compareSameClass(value: unknown, operand: unknown): number | undefined {
  if (isNumeric(operand)) {
    if (!isNumeric(value)) return undefined;
    // NaN is only ever equal to NaN: it is neither below nor above any number.
    const nanValue = Number.isNaN(toNumber(value));
    const nanOperand = Number.isNaN(toNumber(operand));
    if (nanValue || nanOperand) return nanValue && nanOperand ? 0 : undefined;
    return compareNumbers(value, operand);
  }
  if (typeof operand === "string") {
    if (typeof value !== "string") return undefined;
    // Astral characters need code point order (UTF-8 byte order), which the key encoding provides.
    if (ASTRAL.test(value) || ASTRAL.test(operand)) return compareKeys(encodeValue(value), encodeValue(operand));
    return value < operand ? -1 : value > operand ? 1 : 0;
  }
  if (operand instanceof Date) return value instanceof Date ? value.getTime() - operand.getTime() : undefined;
  if (operand === null) return value === null ? 0 : undefined;
  const a = encodeValue(value);
  const b = encodeValue(operand);
  if (a.charAt(0) !== b.charAt(0)) return undefined;
  return a < b ? -1 : a > b ? 1 : 0;
}

function isNullEquality(condition: Condition): boolean {
  if (condition.op === "$eq" || condition.op === "$ne") return condition.operand === null;
  if (condition.op === "$in" || condition.op === "$nin") return (condition.operand as unknown[]).includes(null);
  return false;
}

/**
 * Whether a dotted path through arrays reaches a null or missing value, as mongod reads `{"a.b": null}`: an
 * element of `a` without `b` counts (mingo misses this case, so it is decided here).
 */
function nullAlongPath(value: unknown, path: Path, depth: number): boolean {
  if (depth === path.length) return value === null || value === undefined || (Array.isArray(value) && value.includes(null));
  if (Array.isArray(value)) return value.some((element) => isPlainObject(element) && nullAlongPath(element, path, depth));
  if (!isPlainObject(value)) return value === undefined || value === null;
  return nullAlongPath(value[path[depth]], path, depth + 1);
}
