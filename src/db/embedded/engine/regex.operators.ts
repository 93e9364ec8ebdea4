import type { Document } from "bson";
import { evalExpr } from "mingo/core";
import { $all as mingoAll, $in as mingoIn, $nin as mingoNin, $regex as mingoRegex } from "mingo/operators/query";
import type { Options } from "mingo/types";
import { CommandError } from "./errors";
import { compileRegex, expressionRegexSite, Re2Regex } from "./regex.compile";
import { isRegexValue, REGEX_OPERATOR, toRe2Regex } from "./regex.filter";
import { isPlainObject } from "./values";

/**
 * The mingo operators that evaluate regular expressions, replaced so that every match runs on RE2 (linear time):
 * the engine's own regex query operator (what `regex.filter.ts` rewrites `$regex` and regex literals into),
 * `$regex` itself for filters that reach mingo without that rewrite, `$in`/`$nin`/`$all` with regex elements, and
 * the aggregation expressions `$regexMatch`, `$regexFind` and `$regexFindAll`.
 */
type QueryPredicate = (obj: Document) => boolean;

/** mingo's `$regex` resolves the path (through arrays) and calls `exec` on each string: Re2Regex has the same `exec`. */
export function re2RegexOperator(selector: string, value: unknown, options: Options): QueryPredicate {
  if (!(value instanceof Re2Regex)) throw new CommandError("BadValue", `unknown operator: ${REGEX_OPERATOR}`);
  return mingoRegex(selector, value, options);
}

/** mingo hands `$regex` a JS RegExp it built itself; only its source and flags are used, never V8's matcher. */
export function $regex(selector: string, value: unknown, options: Options): QueryPredicate {
  const pattern = value instanceof Re2Regex ? value : isRegexValue(value) ? toRe2Regex(value) : undefined;
  if (!pattern) throw new CommandError("BadValue", "$regex has to be a string");
  return re2RegexOperator(selector, pattern, options);
}

export function $in(selector: string, value: unknown, options: Options): QueryPredicate {
  const split = splitPatterns(value);
  if (!split) return mingoIn(selector, value, options);
  const tests = [
    mingoIn(selector, split.values, options),
    ...split.patterns.map((pattern) => re2RegexOperator(selector, pattern, options)),
  ];
  return (obj) => tests.some((test) => test(obj));
}

export function $nin(selector: string, value: unknown, options: Options): QueryPredicate {
  if (!splitPatterns(value)) return mingoNin(selector, value, options);
  const matchesAny = $in(selector, value, options);
  return (obj) => !matchesAny(obj);
}

export function $all(selector: string, value: unknown, options: Options): QueryPredicate {
  const split = splitPatterns(value);
  if (!split) return mingoAll(selector, value, options);
  const tests = split.patterns.map((pattern) => re2RegexOperator(selector, pattern, options));
  if (split.values.length > 0) tests.push(mingoAll(selector, split.values, options));
  return (obj) => tests.every((test) => test(obj));
}

/** The regex elements of an operand list, compiled, and the other values; undefined when there are no regexes. */
function splitPatterns(value: unknown): { patterns: Re2Regex[]; values: unknown[] } | undefined {
  if (!Array.isArray(value)) return undefined;
  const patterns: Re2Regex[] = [];
  const values: unknown[] = [];
  for (const element of value) {
    if (element instanceof Re2Regex) patterns.push(element);
    else if (isRegexValue(element)) patterns.push(toRe2Regex(element));
    else values.push(element);
  }
  return patterns.length > 0 ? { patterns, values } : undefined;
}

interface RegexCall {
  input: string;
  regex: Re2Regex;
}

/** Evaluates `{input, regex, options}` as mongod does; undefined when input or regex is null (a null result). */
function regexCall(name: string, obj: Document, expr: unknown, options: Options): RegexCall | undefined {
  if (!isPlainObject(expr))
    throw new CommandError("Location51103", `${name} expects an object of named arguments but found: ${typeof expr}`);
  for (const key of Object.keys(expr)) {
    if (key !== "input" && key !== "regex" && key !== "options")
      throw new CommandError("Location31024", `${name} found an unknown argument: ${key}`);
  }
  const input: unknown = evalExpr(obj, expr.input, options);
  const regex: unknown = evalExpr(obj, expr.regex, options);
  const flags: unknown = evalExpr(obj, expr.options, options);
  if (flags !== null && flags !== undefined && typeof flags !== "string") {
    throw new CommandError("Location51106", `${name} needs 'options' to be of type string`);
  }
  const site = expressionRegexSite(name);
  let compiled: Re2Regex | undefined;
  if (typeof regex === "string") compiled = compileRegex(regex, flags ?? "", site);
  else if (isRegexValue(regex)) {
    const own = regex instanceof RegExp ? "" : regex.options;
    if (own.length > 0 && typeof flags === "string" && flags.length > 0) {
      throw new CommandError("Location51107", `${name}: regex option(s) specified in both 'regex' and 'option' fields`);
    }
    const pattern = regex instanceof RegExp ? regex.source : regex.pattern;
    compiled = compileRegex(pattern, own.length > 0 ? own : (flags ?? ""), site);
  } else if (regex !== null && regex !== undefined) {
    throw new CommandError("Location51105", `${name} needs 'regex' to be of type string or regex`);
  }
  if (input === null || input === undefined || !compiled) return undefined;
  if (typeof input !== "string") throw new CommandError("Location51104", `${name} needs 'input' to be of type string`);
  return { input, regex: compiled };
}

interface FoundMatch {
  match: string;
  idx: number;
  captures: Array<string | null>;
}

/** Every match in order; `idx` counts code points, as mongod does. An empty match moves on by one code point. */
function findMatches(call: RegexCall, all: boolean): FoundMatch[] {
  const { input, regex } = call;
  const found: FoundMatch[] = [];
  let from = 0;
  let counted = 0; // UTF-16 units already converted to code points
  let codePoints = 0;
  while (from <= input.length) {
    const match = regex.exec(input, from);
    if (!match) break;
    codePoints += countCodePoints(input, counted, match.index);
    counted = match.index;
    found.push({ match: match.match, idx: codePoints, captures: match.captures.map((capture) => capture ?? null) });
    if (!all) break;
    const end = match.index + match.match.length;
    from = match.match.length > 0 ? end : end + (isHighSurrogate(input.charCodeAt(end)) ? 2 : 1);
  }
  return found;
}

function countCodePoints(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) if (!(isLowSurrogate(text.charCodeAt(i)) && i > 0 && isHighSurrogate(text.charCodeAt(i - 1)))) count++;
  return count;
}

const isHighSurrogate = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff;

export function $regexMatch(obj: Document, expr: unknown, options: Options): boolean {
  const call = regexCall("$regexMatch", obj, expr, options);
  return call ? call.regex.test(call.input) : false;
}

export function $regexFind(obj: Document, expr: unknown, options: Options): FoundMatch | null {
  const call = regexCall("$regexFind", obj, expr, options);
  return call ? (findMatches(call, false)[0] ?? null) : null;
}

export function $regexFindAll(obj: Document, expr: unknown, options: Options): FoundMatch[] {
  const call = regexCall("$regexFindAll", obj, expr, options);
  return call ? findMatches(call, true) : [];
}
