import { Long, Timestamp, type Document } from "bson";
import { Aggregator } from "mingo/aggregator";
import { update as mingoUpdate } from "mingo/updater";
import { CommandError, failedToParse, toCommandError } from "./errors";
import { compareValues, encodeValue } from "./keys";
import { fullContext, queryOptions } from "./mingo-context";
import { isRegexValue, prepareCondition, prepareFilter } from "./regex.filter";
import {
  bsonTypeOf,
  cloneValue,
  describeValue,
  forEachFieldCondition,
  idFirst,
  isNumeric,
  isPlainObject,
  newObjectId,
  toNumber,
} from "./values";

/**
 * Applies an update (operator document, replacement, or pipeline) to a stored document and returns a new
 * document; the stored one is never touched. `$set/$unset/$inc/$mul/$min/$max/$currentDate/$setOnInsert` on
 * paths through plain sub-documents are applied natively (mingo's update costs ~50-150 µs a call and gets Long,
 * type errors and `$setOnInsert` wrong); everything else goes through mingo on a deep copy.
 */
export interface UpdateOptions {
  /** The document is being created by an upsert: `$setOnInsert` applies. */
  inserting: boolean;
  arrayFilters?: Document[];
  /** The query, needed by mingo to resolve the positional `$` operator. */
  query?: Document;
}

export interface UpdateResult {
  doc: Document;
  modified: boolean;
}

const KNOWN_OPERATORS = new Set([
  "$set",
  "$unset",
  "$inc",
  "$mul",
  "$min",
  "$max",
  "$currentDate",
  "$setOnInsert",
  "$rename",
  "$push",
  "$addToSet",
  "$pull",
  "$pullAll",
  "$pop",
  "$bit",
]);
const NATIVE_OPERATORS = new Set(["$set", "$unset", "$inc", "$mul", "$min", "$max", "$currentDate", "$setOnInsert", "$push", "$pull"]);

class NeedsMingo extends Error {}

export function isOperatorUpdate(update: Document): boolean {
  const keys = Object.keys(update);
  return keys.length > 0 && keys[0].startsWith("$");
}

export function applyUpdate(before: Document, update: Document | Document[], options: UpdateOptions): UpdateResult {
  let result: UpdateResult;
  if (Array.isArray(update)) result = applyPipeline(before, update);
  else if (!isOperatorUpdate(update)) result = applyReplacement(before, update);
  else {
    validateOperators(update);
    const prepared = prepareRegexes(update, options);
    try {
      result = applyNative(before, prepared.update, prepared.options);
    } catch (error) {
      if (!(error instanceof NeedsMingo)) throw error;
      result = applyWithMingo(before, prepared.update, prepared.options);
    }
  }
  if ("_id" in before && encodeValue(result.doc._id) !== encodeValue(before._id)) {
    throw new CommandError("ImmutableField", `Performing an update on the path '_id' would modify the immutable field '_id'`);
  }
  return { doc: idFirst(result.doc), modified: result.modified };
}

/**
 * The conditions an update evaluates (`$pull` conditions, arrayFilters, the query behind a positional `$`) with
 * their regexes compiled for RE2, as queries get them (see regex.filter.ts).
 */
function prepareRegexes(update: Document, options: UpdateOptions): { update: Document; options: UpdateOptions } {
  const prepared: UpdateOptions = {
    ...options,
    arrayFilters: Array.isArray(options.arrayFilters)
      ? options.arrayFilters.map((filter) => (isPlainObject(filter) ? prepareFilter(filter) : filter))
      : options.arrayFilters,
    query: options.query ? prepareFilter(options.query) : undefined,
  };
  if (!isPlainObject(update.$pull)) return { update, options: prepared };
  const pull: Document = {};
  for (const [path, condition] of Object.entries(update.$pull)) {
    if (isPlainObject(condition) && !hasOperatorKeys(condition)) {
      // A document without operators is matched against the fields of each element: a filter, not a condition.
      pull[path] = prepareFilter(condition);
    } else {
      pull[path] = isRegexValue(condition) || isPlainObject(condition) ? prepareCondition(condition) : condition;
    }
  }
  return { update: { ...update, $pull: pull }, options: prepared };
}

function applyReplacement(before: Document, replacement: Document): UpdateResult {
  for (const key of Object.keys(replacement)) {
    if (key.startsWith("$"))
      throw failedToParse(`The dollar ($) prefixed field '${key}' in '${key}' is not allowed in a replacement document`);
  }
  const doc: Document = "_id" in before ? { _id: before._id } : {};
  for (const key of Object.keys(replacement)) doc[key] = replacement[key];
  if ("_id" in replacement && "_id" in before && encodeValue(replacement._id) !== encodeValue(before._id)) {
    throw new CommandError(
      "ImmutableField",
      `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${describeValue(replacement._id)}`,
    );
  }
  return { doc, modified: encodeValue(doc) !== encodeValue(before) };
}

function applyPipeline(before: Document, pipeline: Document[]): UpdateResult {
  try {
    const [doc] = new Aggregator(pipeline, queryOptions(fullContext)).run([cloneValue(before)]) as Document[];
    return { doc, modified: encodeValue(doc) !== encodeValue(before) };
  } catch (error) {
    throw toCommandError(error);
  }
}

function validateOperators(update: Document): void {
  const paths: string[] = [];
  for (const op of Object.keys(update)) {
    if (!KNOWN_OPERATORS.has(op)) {
      throw failedToParse(`Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`);
    }
    const spec = update[op];
    if (!isPlainObject(spec)) throw failedToParse(`Modifiers operate on fields but we found type ${typeof spec} instead.`);
    for (const path of Object.keys(spec)) {
      if (path === "" || path.split(".").some((part) => part === "")) throw failedToParse(`An empty update path is not valid.`);
      paths.push(path);
      if (op === "$rename") paths.push(String(spec[path]));
    }
  }
  const normalised = paths.map((path) => path.replace(/\.\$(\[[^\]]*\])?/g, ""));
  for (let i = 0; i < normalised.length; i++) {
    for (let j = i + 1; j < normalised.length; j++) {
      const [a, b] = [normalised[i], normalised[j]];
      if (a === b || a.startsWith(b + ".") || b.startsWith(a + ".")) {
        throw new CommandError(
          "ConflictingUpdateOperators",
          `Updating the path '${paths[j]}' would create a conflict at '${a.length < b.length ? a : b}'`,
        );
      }
    }
  }
}

function applyNative(before: Document, update: Document, options: UpdateOptions): UpdateResult {
  for (const op of Object.keys(update)) {
    if (!NATIVE_OPERATORS.has(op)) throw new NeedsMingo();
    for (const path of Object.keys(update[op])) if (path.includes("$")) throw new NeedsMingo();
  }
  const root: Document = { ...before };
  let modified = false;
  for (const op of Object.keys(update)) {
    if (op === "$setOnInsert" && !options.inserting) continue;
    const spec = update[op];
    for (const path of Object.keys(spec)) {
      if (applyOperator(root, op, path.split("."), spec[path], before)) modified = true;
    }
  }
  return { doc: root, modified };
}

/** Applies one operator at one path of `root` (copying sub-documents on the way); returns whether it changed. */
function applyOperator(root: Document, op: string, path: string[], operand: unknown, original: Document): boolean {
  let parent = root;
  for (let i = 0; i < path.length - 1; i++) {
    const child = parent[path[i]];
    if (child === undefined || child === null) {
      if (op === "$unset") return false;
      if (child === null) throw pathNotViable(path, i, parent);
      parent[path[i]] = {};
      parent = parent[path[i]];
      continue;
    }
    if (Array.isArray(child)) throw new NeedsMingo();
    if (!isPlainObject(child)) {
      if (op === "$unset") return false;
      throw pathNotViable(path, i, parent);
    }
    parent[path[i]] = { ...child };
    parent = parent[path[i]];
  }
  const field = path[path.length - 1];
  const exists = Object.prototype.hasOwnProperty.call(parent, field);
  const current = parent[field];
  let next: unknown;
  switch (op) {
    case "$set":
    case "$setOnInsert":
      next = operand;
      break;
    case "$unset":
      if (!exists) return false;
      delete parent[field];
      return true;
    case "$inc":
    case "$mul":
      next = arithmetic(op, current, exists, operand, path, original);
      break;
    case "$min":
    case "$max": {
      if (exists) {
        const order = compareValues(operand, current);
        if (op === "$min" ? order >= 0 : order <= 0) return false;
      }
      next = operand;
      break;
    }
    case "$currentDate":
      next =
        isPlainObject(operand) && operand.$type === "timestamp" ? new Timestamp({ t: Math.floor(Date.now() / 1000), i: 1 }) : new Date();
      break;
    case "$push":
      // One value appended; the modifiers ($each, $slice, $sort, $position) and non-arrays are mingo's.
      if ((exists && !Array.isArray(current)) || hasOperatorKeys(operand)) throw new NeedsMingo();
      parent[field] = [...((current as unknown[] | undefined) ?? []), cloneValue(operand)];
      return true;
    case "$pull": {
      if (!exists) return false;
      if (!Array.isArray(current)) throw new NeedsMingo();
      const matches = pullMatcher(operand);
      const kept = current.filter((element) => !matches(element));
      if (kept.length === current.length) return false;
      parent[field] = kept;
      return true;
    }
    default:
      throw new NeedsMingo();
  }
  if (exists && encodeValue(current) === encodeValue(next)) return false;
  parent[field] = next;
  return true;
}

/** A document whose keys include an operator (`$each`, `$gt`, …), at its top level. */
function hasOperatorKeys(value: unknown): boolean {
  return isPlainObject(value) && Object.keys(value).some((key) => key.startsWith("$"));
}

/**
 * `$pull`'s condition for the simple forms: a value (elements equal to it), or a document of plain field values
 * (document elements whose fields equal them, as `{ $pull: { pending: { id: "…" } } }`). Query operators,
 * dotted or nested conditions are mingo's.
 */
function pullMatcher(condition: unknown): (element: unknown) => boolean {
  if (!isPlainObject(condition)) return (element) => compareValues(element, condition) === 0;
  const fields = Object.entries(condition);
  if (fields.some(([key, value]) => key.startsWith("$") || key.includes(".") || isPlainObject(value) || Array.isArray(value)))
    throw new NeedsMingo();
  return (element) => {
    if (!isPlainObject(element)) return false;
    // An array field would match by containment: mingo's.
    if (fields.some(([key]) => Array.isArray(element[key]))) throw new NeedsMingo();
    return fields.every(([key, value]) => key in element && compareValues(element[key], value) === 0);
  };
}

function arithmetic(op: "$inc" | "$mul", current: unknown, exists: boolean, operand: unknown, path: string[], doc: Document): unknown {
  const name = op === "$inc" ? "increment" : "multiply";
  if (!isNumeric(operand))
    throw new CommandError("TypeMismatch", `Cannot ${name} with non-numeric argument: {${path.join(".")}: ${describeValue(operand)}}`);
  if (exists && !isNumeric(current)) {
    throw new CommandError(
      "TypeMismatch",
      `Cannot apply ${op} to a value of non-numeric type. {_id: ${describeValue(doc._id)}} has the field '${path[path.length - 1]}' of non-numeric type ${typeName(current)}`,
    );
  }
  if (bsonTypeOf(operand) === "Decimal128" || bsonTypeOf(current) === "Decimal128") {
    throw new CommandError("TypeMismatch", "Decimal128 arithmetic is not supported by the embedded engine; store money as integers");
  }
  const base = exists ? current : 0;
  if (bsonTypeOf(base) === "Long" || bsonTypeOf(operand) === "Long") {
    const a = toLong(base);
    const b = toLong(operand);
    const result = op === "$inc" ? a.add(b) : a.multiply(b);
    // Within 2^53 the wire codec promotes Longs to numbers anyway; keep the representation consistent.
    return result.lessThanOrEqual(Number.MAX_SAFE_INTEGER) && result.greaterThanOrEqual(-Number.MAX_SAFE_INTEGER)
      ? result.toNumber()
      : result;
  }
  const a = toNumber(base);
  const b = toNumber(operand);
  const result = op === "$inc" ? a + b : a * b;
  // Integers that leave the exact range of a double continue as an exact int64, as on mongod.
  if (Number.isInteger(a) && Number.isInteger(b) && !Number.isSafeInteger(result) && Number.isFinite(result)) {
    const exact = op === "$inc" ? BigInt(a) + BigInt(b) : BigInt(a) * BigInt(b);
    return Long.fromBigInt(exact);
  }
  return result;
}

function toLong(value: unknown): Long {
  if (bsonTypeOf(value) === "Long") return value as Long;
  const number = toNumber(value);
  return Number.isInteger(number) ? Long.fromNumber(number) : Long.fromNumber(Math.trunc(number));
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (value instanceof Date) return "date";
  if (isPlainObject(value)) return "object";
  return bsonTypeOf(value)?.toLowerCase() ?? typeof value;
}

function pathNotViable(path: string[], depth: number, parent: Document): CommandError {
  return new CommandError(
    "PathNotViable",
    `Cannot create field '${path[depth + 1]}' in element {${path[depth]}: ${describeValue(parent[path[depth]])}}`,
  );
}

function applyWithMingo(before: Document, update: Document, options: UpdateOptions): UpdateResult {
  const doc = cloneValue(before);
  const modifier: Document = {};
  for (const op of Object.keys(update)) {
    if (op === "$setOnInsert") {
      if (options.inserting) modifier.$set = { ...(modifier.$set ?? {}), ...update.$setOnInsert };
      continue;
    }
    modifier[op] = op === "$set" ? { ...(modifier.$set ?? {}), ...update.$set } : update[op];
  }
  if (Object.keys(modifier).length === 0) return { doc, modified: false };
  const positional = Object.keys(modifier).some((op) => Object.keys(modifier[op]).some((path) => /\.\$(\.|$)/.test(path)));
  try {
    const changed = mingoUpdate(doc, modifier, options.arrayFilters, positional && !options.inserting ? options.query : undefined, {
      cloneMode: "deep",
      queryOptions: queryOptions(fullContext),
    });
    return { doc, modified: changed.length > 0 };
  } catch (error) {
    throw toCommandError(error);
  }
}

/** The document an upsert creates before its update is applied: the equality parts of the query. */
export function upsertSeed(query: Document): Document {
  const seed: Document = {};
  forEachFieldCondition(query, (field, condition) => {
    let eq: unknown = condition;
    if (isPlainObject(condition) && Object.keys(condition).some((key) => key.startsWith("$"))) {
      if (!("$eq" in condition)) return;
      eq = condition.$eq;
    }
    setSeedPath(seed, field.split("."), cloneValue(eq));
  });
  return seed;
}

function setSeedPath(doc: Document, path: string[], value: unknown): void {
  let parent = doc;
  for (let i = 0; i < path.length - 1; i++) {
    if (!isPlainObject(parent[path[i]])) parent[path[i]] = {};
    parent = parent[path[i]];
  }
  parent[path[path.length - 1]] = value;
}

/** Builds the document an upsert inserts: seed + update (with `$setOnInsert`), `_id` generated when absent. */
export function buildUpsertDocument(query: Document, update: Document | Document[], arrayFilters?: Document[]): Document {
  let doc: Document;
  if (!Array.isArray(update) && !isOperatorUpdate(update)) {
    const seed = upsertSeed(query);
    doc = applyReplacement("_id" in seed ? { _id: seed._id } : {}, update).doc;
  } else {
    doc = applyUpdate(upsertSeed(query), update, { inserting: true, arrayFilters }).doc;
  }
  if (!("_id" in doc)) doc = { _id: newObjectId(), ...doc };
  return idFirst(doc);
}
