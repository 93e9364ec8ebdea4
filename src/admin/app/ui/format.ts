// Dates in the browser's time zone and language; money in its own currency (never a float sum: cents in, text out).

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

export function formatDateTime(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : "—";
}

export function formatDate(iso: string | null | undefined): string {
  return iso ? dateOnly.format(new Date(iso)) : "—";
}

/** A calendar date ("2026-12-03", no time zone) as the browser writes dates. */
export function formatDay(day: string): string {
  const [year, month, date] = day.split("-").map(Number);
  return dateOnly.format(new Date(year ?? 1970, (month ?? 1) - 1, date ?? 1));
}

export function formatMoney(cents: number | null | undefined, currency: string): string {
  if (cents === null || cents === undefined) return "—";
  return new Intl.NumberFormat(undefined, { style: "currency", currency }).format(cents / 100);
}

/** A decimal fraction (0.125) as a percentage ("12.5 %" in the browser's language). */
export function formatPercent(fraction: number | null | undefined, digits = 1): string {
  if (fraction === null || fraction === undefined) return "—";
  return new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: digits }).format(fraction);
}

export function formatNumber(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : new Intl.NumberFormat().format(value);
}

/** Micro-euros (the AI ledger's unit: usage_logs.cost_micros, the plans' budgets) as euros, to a hundredth of a cent. */
export function formatMicroEur(micros: number | null | undefined): string {
  if (micros === null || micros === undefined) return "—";
  return new Intl.NumberFormat(undefined, { style: "currency", currency: "EUR", maximumFractionDigits: 4 }).format(micros / 1e6);
}
