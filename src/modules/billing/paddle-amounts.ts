/**
 * A signed event whose content cannot be read (an amount that is not a whole number, a currency that is not a code, a
 * missing id). Thrown by the readers of Paddle entities: the event fails with this message as its `lastError`.
 */
export class MalformedEvent extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedEvent";
  }
}

const WHOLE = /^\d{1,15}$/;
const CURRENCY = /^[A-Z]{3}$/;

export type Fields = Record<string, unknown>;

/** A nested object, or an empty one when the field is absent or not an object (optional parts of an entity). */
export function objectAt(object: Fields, key: string): Fields {
  const value = object[key];
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Fields) : {};
}

export function arrayAt(object: Fields, key: string): Fields[] {
  const value = object[key];
  return Array.isArray(value) ? value.filter((item): item is Fields => typeof item === "object" && item !== null) : [];
}

/**
 * Paddle sends amounts as strings of minor units ("65215"): read as integer cents, never through a float. A missing
 * amount is null when optional; anything else that is not a whole number ("12.50", "-3", "abc") is malformed.
 */
export function centsAt(object: Fields, key: string, where: string, required: true): number;
export function centsAt(object: Fields, key: string, where: string, required?: false): number | null;
export function centsAt(object: Fields, key: string, where: string, required = false): number | null {
  const value = object[key];
  if (value === null || value === undefined) {
    if (required) throw new MalformedEvent(`${where}.${key} is missing: an amount in minor units is required`);
    return null;
  }
  if (typeof value === "string" && WHOLE.test(value)) return Number(value);
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
  throw new MalformedEvent(
    `${where}.${key} must be a whole number of minor units as a string (e.g. "65215"), got ${JSON.stringify(value)}`,
  );
}

export function currencyAt(object: Fields, key: string, where: string): string {
  const value = object[key];
  if (typeof value === "string" && CURRENCY.test(value)) return value;
  throw new MalformedEvent(`${where}.${key} must be a 3-letter ISO 4217 code in upper case, got ${JSON.stringify(value ?? null)}`);
}

export function requiredId(object: Fields, key: string, prefix: string, where: string): string {
  const value = object[key];
  if (typeof value === "string" && value.startsWith(prefix) && value.length <= 200) return value;
  throw new MalformedEvent(`${where}.${key} must be a Paddle id starting with ${prefix}, got ${JSON.stringify(value ?? null)}`);
}

export function optionalString(object: Fields, key: string): string | null {
  const value = object[key];
  return typeof value === "string" && value.length > 0 ? value : null;
}

/** A timestamp, or null when absent or not a date (Paddle's zero value 0001-01-01 counts as absent). */
export function optionalDate(object: Fields, key: string): Date | null {
  const value = object[key];
  if (typeof value !== "string") return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) || date.getUTCFullYear() < 2000 ? null : date;
}
