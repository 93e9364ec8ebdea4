import { mongoose } from "@typegoose/typegoose";
import { SourceTimeZone } from "../source-time-zone";

/**
 * Conversions of v2 field values. v2 is schemaless: a field may be missing, null, or of another type than its code
 * wrote (a script, a hand edit in Compass). Each conversion says what it could not convert instead of guessing, and
 * `note` says when a value was converted but was not of the expected type (reported, yet imported).
 */
export type Read<T> = { ok: true; value: T; note?: string } | { ok: false; problem: string };

export const UTC = SourceTimeZone.parse("UTC");

const ok = <T>(value: T, note?: string): Read<T> => (note === undefined ? { ok: true, value } : { ok: true, value, note });
const fail = (problem: string): { ok: false; problem: string } => ({ ok: false, problem });

const bsonType = (value: unknown): string | undefined =>
  typeof value === "object" && value !== null ? (value as { _bsontype?: string })._bsontype : undefined;

/** A value as a report shows it. */
export function shown(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "an invalid date" : value.toISOString();
  const tag = bsonType(value);
  if (tag !== undefined) return `${tag}(${String(value)})`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

const DECIMAL_TEXT = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Decimal text (with an optional exponent, as Decimal128 prints itself) in integer units of 10^-decimals, exactly:
 * no float ever holds it. Undefined when it is not decimal text, or not a whole number of units.
 */
export function decimalTextToUnits(text: string, decimals: number): { value: number } | { problem: string } | undefined {
  const match = DECIMAL_TEXT.exec(text.trim());
  if (!match) return undefined;
  const [, sign, whole = "", fraction = "", exponent = "0"] = match;
  if (whole === "" && fraction === "") return undefined;
  const digits = BigInt(`${whole}${fraction}` || "0");
  const shift = Number(exponent) - fraction.length + decimals;
  if (!Number.isSafeInteger(shift) || Math.abs(shift) > 400) return { problem: `${text.trim()} is out of range` };
  let units: bigint;
  if (shift >= 0) units = digits * 10n ** BigInt(shift);
  else {
    const divisor = 10n ** BigInt(-shift);
    if (digits % divisor !== 0n) return { problem: `${text.trim()} is not a whole number of ${unitName(decimals)}` };
    units = digits / divisor;
  }
  if (units > BigInt(Number.MAX_SAFE_INTEGER)) return { problem: `${text.trim()} is too large to hold exactly in ${unitName(decimals)}` };
  const value = Number(units);
  return { value: sign === "-" && value !== 0 ? -value : value };
}

const unitName = (decimals: number): string => (decimals === 2 ? "cents" : decimals === 6 ? "micro-euros" : `10^-${decimals} units`);

/**
 * A money field in integer units (cents: 2 decimals; micro-euros: 6). v2 stored money as Python floats, so 7.99 is
 * the double nearest 7.99 and a sum such as 0.1 + 0.2 is 0.30000000000000004: a double within a few units in the
 * last place of a whole number of units is that number (the float's own rounding, not a fraction of a cent). A
 * double further away (7.995) is a problem. Decimal128 and numeric strings are read exactly from their text.
 */
export function moneyUnits(value: unknown, decimals: 2 | 6): Read<number | null> {
  if (value === null || value === undefined) return ok(null);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return fail(`${String(value)} is not an amount`);
    const exact = decimalTextToUnits(String(value), decimals);
    if (exact && "value" in exact) return ok(exact.value);
    const scale = 10 ** decimals;
    const units = Math.round(value * scale);
    if (!Number.isSafeInteger(units)) return fail(`${String(value)} is too large to hold exactly in ${unitName(decimals)}`);
    if (Math.abs(value - units / scale) > 4 * Number.EPSILON * Math.abs(value))
      return fail(`${String(value)} is not a whole number of ${unitName(decimals)}`);
    return ok(units === 0 ? 0 : units);
  }
  const tag = bsonType(value);
  if (tag === "Decimal128") {
    const converted = decimalTextToUnits(String(value), decimals);
    if (!converted) return fail(`Decimal128 ${String(value)} is not an amount`);
    return "value" in converted ? ok(converted.value) : fail(converted.problem);
  }
  if (tag === "Int32" || tag === "Double" || tag === "Long") return moneyUnits(Number(String(value)), decimals);
  if (typeof value === "string") {
    const converted = decimalTextToUnits(value, decimals);
    if (!converted) return fail(`${shown(value)} is not an amount`);
    return "value" in converted ? ok(converted.value, `a string (${shown(value)}), not a number`) : fail(converted.problem);
  }
  return fail(`${shown(value)} is not an amount`);
}

/** A count or limit: a whole number (an integral double is one; 1.5 is not). */
export function integer(value: unknown): Read<number | null> {
  if (value === null || value === undefined) return ok(null);
  if (typeof value === "number") {
    if (Number.isSafeInteger(value)) return ok(value === 0 ? 0 : value);
    return fail(`${String(value)} is not a whole number`);
  }
  const tag = bsonType(value);
  if (tag === "Int32" || tag === "Double" || tag === "Long" || tag === "Decimal128") {
    const converted = decimalTextToUnits(String(value), 0);
    if (converted && "value" in converted)
      return tag === "Decimal128" ? ok(converted.value, "a Decimal128, not an integer") : ok(converted.value);
    return fail(`${String(value)} is not a whole number`);
  }
  if (typeof value === "string" && /^\s*[+-]?\d+\s*$/.test(value)) {
    const number = Number(value);
    if (Number.isSafeInteger(number)) return ok(number === 0 ? 0 : number, `a string (${shown(value)}), not a number`);
  }
  return fail(`${shown(value)} is not a whole number`);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * A date as UTC. v2 wrote datetimes through pymongo, which stores a naive datetime as it is, as if it were UTC:
 * `zone` is where such a wall-clock time was taken (UTC for all but the log timestamps of the API server). A date
 * written as a string is read the same way (an explicit offset wins), and reported.
 */
export function dateValue(value: unknown, zone: SourceTimeZone = UTC): Read<Date | null> {
  if (value === null || value === undefined) return ok(null);
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return fail("an invalid date");
    return ok(new Date(zone.toUtc(value.getTime())));
  }
  if (typeof value === "string") {
    const match = ISO_DATE.exec(value.trim());
    if (!match) return fail(`${shown(value)} is not a date`);
    const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0)) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const millis = Number((match[7] ?? "0").padEnd(3, "0").slice(0, 3));
    const wall = Date.UTC(year, month - 1, day, hour, minute, second, millis);
    const check = new Date(wall);
    if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23)
      return fail(`${shown(value)} is not a valid date`);
    const offset = match[8];
    const note = `a string (${shown(value)}), not a date`;
    if (offset === undefined) return ok(new Date(zone.toUtc(wall)), note);
    if (offset.toUpperCase() === "Z") return ok(new Date(wall), note);
    const [, sign, hours, minutes = "00"] = /^([+-])(\d{2}):?(\d{2})?$/.exec(offset) ?? [];
    const offsetMs = (Number(hours) * 60 + Number(minutes)) * 60_000 * (sign === "-" ? -1 : 1);
    return ok(new Date(wall - offsetMs), note);
  }
  return fail(`${shown(value)} is not a date`);
}

/** A reference: an ObjectId, or its 24 hex digits as a string (reported), as hex. */
export function objectIdHex(value: unknown): Read<string | null> {
  if (value === null || value === undefined) return ok(null);
  if (value instanceof mongoose.Types.ObjectId) return ok(value.toHexString());
  if (typeof value === "string" && /^[0-9a-fA-F]{24}$/.test(value))
    return ok(value.toLowerCase(), `a string (${shown(value)}), not an ObjectId`);
  return fail(`${shown(value)} is not an ObjectId`);
}

/** Text: a number or boolean is written out (reported); an object is a problem. */
export function text(value: unknown): Read<string | null> {
  if (value === null || value === undefined) return ok(null);
  if (typeof value === "string") return ok(value);
  if (typeof value === "number" || typeof value === "boolean") return ok(String(value), `${shown(value)} is not text`);
  if (value instanceof mongoose.Types.ObjectId) return ok(value.toHexString(), `an ObjectId, not text`);
  return fail(`${shown(value)} is not text`);
}

/** A flag: true/false, or 0/1 and "true"/"false" (reported). */
export function flag(value: unknown): Read<boolean | null> {
  if (value === null || value === undefined) return ok(null);
  if (typeof value === "boolean") return ok(value);
  if (value === 0 || value === 1) return ok(value === 1, `${shown(value)} is not true or false`);
  if (typeof value === "string" && /^(true|false)$/i.test(value.trim()))
    return ok(value.trim().toLowerCase() === "true", `${shown(value)} is not true or false`);
  return fail(`${shown(value)} is not true or false`);
}

/** A free-form object (metadata, details): kept as it is. Missing is an empty object. */
export function plainObject(value: unknown): Read<Record<string, unknown>> {
  if (value === null || value === undefined) return ok({});
  if (isPlainObject(value)) return ok(value);
  return fail(`${shown(value)} is not an object`);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date) && bsonType(value) === undefined;
}

/** A list of strings (plans.features). */
export function stringList(value: unknown): Read<string[] | null> {
  if (value === null || value === undefined) return ok(null);
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) return ok(value as string[]);
  return fail(`${shown(value)} is not a list of strings`);
}
