import type { Document } from "bson";
import { badValue, CommandError } from "./errors";
import { compileRegex, QUERY_REGEX, Re2Regex } from "./regex.compile";
import { bsonTypeOf, isPlainObject } from "./values";

/**
 * Rewrites the regular expressions of a query filter into compiled RE2 patterns before the matcher or mingo sees
 * them. Regex literals arrive from the wire as bson `BSONRegExp` values (never JS RegExps: building one would run
 * V8's backtracking matcher, and bson's JS RegExp conversion drops the `x` flag and turns `s` into `g`).
 *
 * `{f: /re/}` and `{f: {$regex, $options}}` become `{f: {[REGEX_OPERATOR]: Re2Regex}}`, a query operator the engine
 * registers with mingo; regexes inside `$in`, `$nin` and `$all` become Re2Regex values, which the engine's versions
 * of those operators understand. Rewriting is idempotent, so a filter may pass through here more than once.
 */
export const REGEX_OPERATOR = "$_re2regex";

export function prepareFilter(filter: Document): Document {
  const out: Document = {};
  for (const key of Object.keys(filter)) {
    const value: unknown = filter[key];
    if (key === "$and" || key === "$or" || key === "$nor") {
      out[key] = Array.isArray(value) ? value.map((part) => (isPlainObject(part) ? prepareFilter(part) : part)) : value;
    } else if (key.startsWith("$")) {
      out[key] = value; // $expr (expression operators compile their own regexes), $comment, $where, ...
    } else {
      out[key] = prepareCondition(value);
    }
  }
  return out;
}

/** One field's condition: a value, a regex, or an operator document. */
export function prepareCondition(condition: unknown): unknown {
  if (isRegexValue(condition)) return { [REGEX_OPERATOR]: toRe2Regex(condition) };
  if (!isPlainObject(condition)) return condition;
  const ops = Object.keys(condition);
  // A document without operators is an equality on an embedded document: its regexes are values.
  if (!ops.some((op) => op.startsWith("$"))) return condition;
  if ("$options" in condition && !("$regex" in condition)) throw badValue("$options needs a $regex");
  const out: Document = {};
  for (const op of ops) {
    const operand: unknown = condition[op];
    switch (op) {
      case "$regex":
        out[REGEX_OPERATOR] = regexOperand(operand, condition.$options);
        break;
      case "$options":
        break;
      case "$in":
      case "$nin":
      case "$all":
        out[op] = Array.isArray(operand) ? operand.map((element) => (isRegexValue(element) ? toRe2Regex(element) : element)) : operand;
        break;
      case "$not":
        out[op] = prepareCondition(operand);
        break;
      case "$elemMatch":
        out[op] = isPlainObject(operand) ? prepareElemMatch(operand) : operand;
        break;
      default:
        out[op] = operand;
    }
  }
  return out;
}

/** `$elemMatch` holds either conditions on the element itself (`{$regex: …}`) or a filter on its fields. */
function prepareElemMatch(criteria: Document): Document {
  const keys = Object.keys(criteria);
  const onElement = keys.length > 0 && keys.every((key) => key.startsWith("$") && key !== "$and" && key !== "$or" && key !== "$nor");
  return onElement ? (prepareCondition(criteria) as Document) : prepareFilter(criteria);
}

/** The `$match` stages of a pipeline, including those of `$facet`, `$lookup` and `$unionWith` sub-pipelines. */
export function preparePipeline(stages: Document[]): Document[] {
  return stages.map((stage) => {
    const name = Object.keys(stage)[0];
    const spec: unknown = stage[name];
    if (name === "$match" && isPlainObject(spec)) return { $match: prepareFilter(spec) };
    if (name === "$facet" && isPlainObject(spec)) {
      const facets: Document = {};
      for (const key of Object.keys(spec)) facets[key] = Array.isArray(spec[key]) ? preparePipeline(spec[key]) : spec[key];
      return { $facet: facets };
    }
    if ((name === "$lookup" || name === "$unionWith") && isPlainObject(spec) && Array.isArray(spec.pipeline)) {
      return { [name]: { ...spec, pipeline: preparePipeline(spec.pipeline) } };
    }
    if (name === "$graphLookup" && isPlainObject(spec) && isPlainObject(spec.restrictSearchWithMatch)) {
      return { $graphLookup: { ...spec, restrictSearchWithMatch: prepareFilter(spec.restrictSearchWithMatch) } };
    }
    return stage;
  });
}

/** A BSON regex as the wire decodes it, or a JS RegExp (in-process callers). */
export function isRegexValue(value: unknown): value is RegExp | { pattern: string; options: string } {
  return value instanceof RegExp || bsonTypeOf(value) === "BSONRegExp";
}

export function toRe2Regex(value: RegExp | { pattern: string; options: string }): Re2Regex {
  if (value instanceof RegExp) return compileRegex(value.source, jsFlagsToOptions(value.flags));
  return compileRegex(value.pattern, value.options);
}

function regexOperand(operand: unknown, options: unknown): Re2Regex {
  if (options !== undefined && typeof options !== "string") throw badValue("$options has to be a string");
  if (operand instanceof Re2Regex) return operand;
  if (typeof operand === "string") return compileRegex(operand, options ?? "", QUERY_REGEX);
  if (isRegexValue(operand)) {
    const flags = operand instanceof RegExp ? jsFlagsToOptions(operand.flags) : operand.options;
    if (flags.length > 0 && typeof options === "string" && options.length > 0) {
      throw new CommandError("Location51075", "options set in both $regex and $options");
    }
    const pattern = operand instanceof RegExp ? operand.source : operand.pattern;
    return compileRegex(pattern, flags.length > 0 ? flags : (options ?? ""), QUERY_REGEX);
  }
  throw badValue("$regex has to be a string");
}

/** A JS RegExp's flags that mean the same to mongod (in-process callers only; the wire never yields a RegExp). */
function jsFlagsToOptions(flags: string): string {
  return [...flags].filter((flag) => flag === "i" || flag === "m" || flag === "s").join("");
}
