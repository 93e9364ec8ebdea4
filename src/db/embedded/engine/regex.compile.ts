import { RE2JS } from "re2js";
import { CommandError, type ErrorCodeName } from "./errors";

/**
 * Regular expressions for queries and aggregation, compiled with RE2 (re2js): matching time is linear in the input,
 * so no pattern can stall the engine the way a backtracking matcher can (`(a+)+$` on a long string took V8 and
 * PCRE seconds to minutes). mongod uses PCRE; the patterns RE2 cannot run (backreferences, lookaround, possessive
 * quantifiers, atomic groups) are refused with mongod's "invalid regex" code and a message naming the feature.
 */

/** A compiled pattern. Deliberately not a RegExp: mingo copies RegExps with `new RegExp(x)`, which would run V8's matcher. */
export class Re2Regex {
  readonly #re: RE2JS;

  constructor(
    readonly pattern: string,
    readonly options: string,
    re: RE2JS,
  ) {
    this.#re = re;
  }

  test(input: string): boolean {
    return this.#re.test(input);
  }

  /** The first match at or after `from` (a UTF-16 index), with its captures (undefined for a group that took no part). */
  exec(input: string, from = 0): { index: number; match: string; captures: Array<string | undefined> } | null {
    const matcher = this.#re.matcher(input);
    if (!matcher.find(from)) return null;
    const captures: Array<string | undefined> = [];
    for (let group = 1; group <= matcher.groupCount(); group++) captures.push(matcher.group(group) ?? undefined);
    return { index: matcher.start(), match: matcher.group() ?? "", captures };
  }

  /** What JSON.stringify shows (the matcher logs filters, and detects `$expr` by stringifying them). */
  toJSON(): { $regex: string; $options: string } {
    return { $regex: this.pattern, $options: this.options };
  }
}

/** Where a regex is compiled decides mongod's error codes: a query operator, or an aggregation expression. */
export interface RegexSite {
  /** "$regex" for queries; the expression's name ("$regexMatch", ...) for aggregation. */
  readonly name: string;
  readonly invalid: ErrorCodeName;
  readonly patternNul: ErrorCodeName;
  readonly optionsNul: ErrorCodeName;
}

export const QUERY_REGEX: RegexSite = { name: "$regex", invalid: "Location51091", patternNul: "BadValue", optionsNul: "BadValue" };

export function expressionRegexSite(name: string): RegexSite {
  return { name, invalid: "Location51111", patternNul: "Location51109", optionsNul: "Location51110" };
}

/** Compiled patterns by options and pattern; bounded, least recently used out first. */
const CACHE_LIMIT = 1000;
const cache = new Map<string, Re2Regex>();

export function compileRegex(pattern: string, options: string, site: RegexSite = QUERY_REGEX): Re2Regex {
  if (pattern.includes("\0")) {
    throw new CommandError(site.patternNul, "Regular expression cannot contain an embedded null byte");
  }
  if (options.includes("\0")) {
    throw new CommandError(site.optionsNul, "Regular expression options string cannot contain an embedded null byte");
  }
  const key = `${options}\0${pattern}`;
  const cached = cache.get(key);
  if (cached) {
    cache.delete(key);
    cache.set(key, cached);
    return cached;
  }
  const compiled = new Re2Regex(pattern, options, compileRe2(pattern, options, site));
  cache.set(key, compiled);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  return compiled;
}

/** For tests: how many compiled patterns are cached. */
export function regexCacheSize(): number {
  return cache.size;
}

function compileRe2(pattern: string, options: string, site: RegexSite): RE2JS {
  let flags = 0;
  let extended = false;
  for (const flag of options) {
    // mongod's flags (PCRE): i, m, s, x; u is accepted and means nothing (PCRE always runs in UTF-8 mode).
    if (flag === "i") flags |= RE2JS.CASE_INSENSITIVE;
    else if (flag === "m") flags |= RE2JS.MULTILINE;
    else if (flag === "s") flags |= RE2JS.DOTALL;
    else if (flag === "x") extended = true;
    else if (flag !== "u") {
      const prefix = site.name === "$regex" ? "" : `${site.name} `;
      throw new CommandError("Location51108", `${prefix}invalid flag in regex options: ${flag}`);
    }
  }
  try {
    return RE2JS.compile(toRe2Syntax(pattern, extended), flags);
  } catch (error) {
    const detail = (error instanceof Error ? error.message : String(error)).replace(/^error parsing regexp: /, "");
    const feature = unsupportedFeature(detail);
    const reason = feature ? `the embedded engine matches with RE2 (linear time), which does not support ${feature}: ${detail}` : detail;
    const message = site.name === "$regex" ? `Regular expression is invalid: ${reason}` : `Invalid Regex in ${site.name}: ${reason}`;
    throw new CommandError(site.invalid, message);
  }
}

const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;
const EXTENDED_SPACE = /[ \t\n\v\f\r]/;

/**
 * PCRE syntax that RE2 spells differently: `\` before a character that is neither alphanumeric nor ASCII
 * punctuation is a literal in PCRE but an error in RE2, and the `x` option (ignore whitespace, `#` comments to the
 * end of the line, both outside character classes) has no RE2 flag, so it is applied here.
 */
function toRe2Syntax(pattern: string, extended: boolean): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\" && i + 1 < pattern.length) {
      const next = pattern[i + 1];
      i++;
      out += /[A-Za-z0-9]/.test(next) || ASCII_PUNCTUATION.test(next) ? `\\${next}` : next;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      out += c;
      continue;
    }
    if (c === "[") {
      inClass = true;
      out += c;
      // A `]` right after `[` or `[^` is a literal, not the end of the class.
      if (pattern[i + 1] === "^") out += pattern[++i];
      if (pattern[i + 1] === "]") out += pattern[++i];
      continue;
    }
    if (extended && EXTENDED_SPACE.test(c)) continue;
    if (extended && c === "#") {
      while (i + 1 < pattern.length && pattern[i + 1] !== "\n") i++;
      continue;
    }
    out += c;
  }
  return out;
}

/** Names the PCRE feature behind an RE2 syntax error, when the pattern is valid PCRE that RE2 cannot run. */
function unsupportedFeature(detail: string): string | undefined {
  if (/escape sequence: `\\([1-9]|k|g)/.test(detail)) return "backreferences";
  if (/`\(\?[=!]/.test(detail)) return "lookahead assertions";
  if (/`\(\?<[=!]/.test(detail)) return "lookbehind assertions";
  if (/`\(\?>/.test(detail)) return "atomic groups";
  if (/repetition operator: `[*+?}]\+`/.test(detail)) return "possessive quantifiers";
  if (/`\(\?\|/.test(detail)) return "branch reset groups";
  if (/`\(\?\(/.test(detail)) return "conditional groups";
  if (/`\(\?(R|[0-9]|&|P>)/.test(detail)) return "recursion";
  if (/`\(\?[a-zA-Z-]*x/.test(detail)) return "the inline (?x) flag (use the x option)";
  const escape = /escape sequence: `(\\[ZGKRhHvVNXC])`/.exec(detail);
  if (escape) return `the escape ${escape[1]}`;
  return undefined;
}
