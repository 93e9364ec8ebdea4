import type { SourceTimeZone } from "../source-time-zone";

/** Conversions of v1 column values; each says what it could not convert instead of guessing. */

export type Converted<T> = { ok: true; value: T } | { ok: false; problem: string };

const SQL_DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?$/;

/**
 * A TIMESTAMP or DATETIME as the driver returns it with `dateStrings` ("2025-08-04 10:30:00[.ffffff]"). TIMESTAMPs
 * arrive in UTC (the session's time zone is +00:00, so the server converts them); DATETIMEs are naive wall-clock
 * values, read in `zone`. NULL stays null; a zero date (0000-00-00, or a zero month or day) is a problem.
 */
export function sqlDate(text: string | null, kind: "timestamp" | "datetime", zone: SourceTimeZone): Converted<Date | null> {
  if (text === null) return { ok: true, value: null };
  const match = SQL_DATETIME.exec(text);
  if (!match) return { ok: false, problem: `unreadable date "${text}"` };
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (year === 0 || month === 0 || day === 0) return { ok: false, problem: `zero date "${text}"` };
  const millis = Number((match[7] ?? "0").padEnd(3, "0").slice(0, 3));
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const check = new Date(wall);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return { ok: false, problem: `invalid date "${text}"` };
  return { ok: true, value: new Date(kind === "timestamp" ? wall : zone.toUtc(wall)) };
}

/** The wall-clock text of an instant in `zone`, for comparing DATETIME columns in SQL. */
export function sqlWallTime(instant: Date, zone: SourceTimeZone): string {
  return new Date(zone.fromUtc(instant.getTime())).toISOString().slice(0, 19).replace("T", " ");
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** A DECIMAL (as its exact string) in integer cents: no float ever holds it. */
export function decimalToCents(text: string | number | null): Converted<number> {
  if (text === null) return { ok: false, problem: "amount is NULL" };
  const match = DECIMAL.exec(String(text));
  if (!match) return { ok: false, problem: `unreadable amount "${String(text)}"` };
  const [, sign, whole, fraction = ""] = match as unknown as [string, string, string, string | undefined];
  if (/[1-9]/.test(fraction.slice(2))) return { ok: false, problem: `amount ${String(text)} is not a whole number of cents` };
  const cents = BigInt(whole) * 100n + BigInt(fraction.slice(0, 2).padEnd(2, "0"));
  if (cents > BigInt(Number.MAX_SAFE_INTEGER))
    return { ok: false, problem: `amount ${String(text)} is too large to hold exactly in cents` };
  const value = Number(cents);
  return { ok: true, value: sign === "-" && value !== 0 ? -value : value };
}

/**
 * A JSON column (MariaDB stores JSON as text, and a table created without the JSON_VALID check may hold anything).
 * An object is kept as it is; SQL NULL is an empty object. Anything else (invalid JSON, a bare value, or keys
 * MongoDB cannot store: leading `$` or a `.`) is kept as its raw text under `v1_raw`, and reported.
 */
export function jsonObject(text: string | null): Converted<Record<string, unknown>> & { raw?: Record<string, unknown> } {
  if (text === null) return { ok: true, value: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, problem: "invalid JSON", raw: { v1_raw: text } };
  }
  if (parsed === null) return { ok: true, value: {} };
  if (typeof parsed !== "object" || Array.isArray(parsed))
    return { ok: false, problem: "JSON that is not an object", raw: { v1_raw: text } };
  if (hasUnstorableKey(parsed)) return { ok: false, problem: "JSON keys MongoDB cannot store ($ or .)", raw: { v1_raw: text } };
  return { ok: true, value: parsed as Record<string, unknown> };
}

/** A JSON array of strings (plans.features). */
export function jsonStringArray(text: string | null): Converted<string[] | null> {
  if (text === null) return { ok: true, value: null };
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed) && parsed.every((item) => typeof item === "string")) return { ok: true, value: parsed };
    return { ok: false, problem: "JSON that is not a list of strings" };
  } catch {
    return { ok: false, problem: "invalid JSON" };
  }
}

function hasUnstorableKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasUnstorableKey);
  if (typeof value !== "object" || value === null) return false;
  return Object.entries(value).some(
    ([key, inner]) => key.startsWith("$") || key.includes(".") || key.includes("\0") || hasUnstorableKey(inner),
  );
}

/** A source id: INT arrives as a number, BIGINT as a string (the driver's bigNumberStrings). */
export function sourceId(value: unknown): number {
  const id = typeof value === "number" ? value : Number(value);
  if (!Number.isSafeInteger(id)) throw new Error(`source id ${String(value)} is not a safe integer`);
  return id;
}

/** A nullable integer column (INT may arrive as a number; counters never exceed 2^53). */
export function intOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  return typeof value === "number" ? value : Number(value);
}

/** "…AB12": a secret shown in a report. */
export function maskSecret(value: unknown): string | null {
  if (typeof value !== "string") return null;
  return value.length <= 4 ? "…" : `…${value.slice(-4)}`;
}
