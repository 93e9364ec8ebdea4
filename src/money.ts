/**
 * Money is integers inside the platform (DOMAIN.md): prices in cents, AI costs and budgets in micro-euros. These
 * are the only conversions to what callers see: euro numbers for the plugin's JSON, exact decimal strings for GraphQL.
 */
const MICROS_PER_EUR = 1_000_000;
const CENTS_PER_EUR = 100;

/** Euros as a JSON number (a plan's price, a budget): exact for any whole number of cents. */
export const centsToEur = (cents: number): number => cents / CENTS_PER_EUR;
export const microsToEur = (micros: number): number => micros / MICROS_PER_EUR;

/** Euros rounded to 4 decimals: the plugin contract's `cost_eur` (§1.3). */
export const microsToEur4 = (micros: number): number => Math.round(micros / 100) / 10_000;

/** An exact decimal string with `places` decimals (rounded half away from zero), e.g. 29.00 or 0.001520. */
export function microsToDecimal(micros: number, places = 6): string {
  return decimal(micros, 6, places);
}

export function centsToDecimal(cents: number): string {
  return decimal(cents, 2, 2);
}

// Integer arithmetic only, so no binary floating point shows up in an amount.
function decimal(units: number, unitPlaces: number, places: number): string {
  const sign = units < 0 ? "-" : "";
  const scaled = Math.round(Math.abs(units) / 10 ** (unitPlaces - places));
  const whole = Math.floor(scaled / 10 ** places);
  const fraction = places === 0 ? "" : `.${String(scaled % 10 ** places).padStart(places, "0")}`;
  return `${sign}${whole}${fraction}`;
}
