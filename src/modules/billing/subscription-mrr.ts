import type { RecurringItem, SubscriptionStatus } from "./subscription-snapshot";

/** Statuses that pay nothing this month: a trial has not been charged yet, a paused or cancelled one no longer is. */
const NOT_PAYING: readonly SubscriptionStatus[] = ["trialing", "paused", "canceled"];

/** Months per cycle unit, as a fraction (numerator, denominator): a year is 12 months, a week 12/52, a day 12/365. */
const MONTHS_PER: Record<RecurringItem["interval"], [number, number]> = {
  month: [1, 1],
  year: [12, 1],
  week: [12, 52],
  day: [12, 365],
};

/**
 * The list MRR of recurring items: Σ unit price × quantity normalised to a month (÷ months per cycle × frequency),
 * in integer cents rounded half up once, on the exact sum (so three items of 1/3 cent add up before rounding).
 */
export function listMrrCents(items: readonly RecurringItem[]): number {
  let numerator = 0;
  let denominator = 1;
  for (const item of items) {
    const [months, per] = MONTHS_PER[item.interval];
    // amount × quantity ÷ (months ÷ per × frequency) = amount × quantity × per ÷ (months × frequency)
    const itemNumerator = item.unitAmountCents * item.quantity * per;
    const itemDenominator = months * item.frequency;
    numerator = numerator * itemDenominator + itemNumerator * denominator;
    denominator *= itemDenominator;
    const divisor = gcd(numerator, denominator);
    numerator /= divisor;
    denominator /= divisor;
  }
  return roundHalfUp(numerator, denominator);
}

/** The discount of the latest recurring charge, as Paddle's amounts of it (no discount: 0 of anything). */
export interface ChargeDiscount {
  discountCents: number;
  subtotalCents: number;
}

/** What the subscription adds to MRR: list MRR less the latest charge's discount ratio; 0 when it is not paying. */
export function effectiveMrrCents(listCents: number, status: SubscriptionStatus, discount: ChargeDiscount | null): number {
  if (NOT_PAYING.includes(status)) return 0;
  if (!discount || discount.subtotalCents <= 0 || discount.discountCents <= 0) return listCents;
  const kept = Math.max(0, discount.subtotalCents - Math.min(discount.discountCents, discount.subtotalCents));
  return roundHalfUp(listCents * kept, discount.subtotalCents);
}

function roundHalfUp(numerator: number, denominator: number): number {
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y !== 0) [x, y] = [y, x % y];
  return x === 0 ? 1 : x;
}
