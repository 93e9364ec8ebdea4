/**
 * Money that moved: settled payments (by their paid_at, else created_at) and approved adjustments (refunds, credits,
 * chargebacks and their reversals, by the time they were approved). Amounts are what the ledger holds: tax
 * included, provider fees not deducted. Each row knows its plan and whether it was a one-time sale.
 */
export interface CashPayment {
  at: number;
  currency: string;
  amountCents: number;
  /** The plan's id, or null when neither the payment's metadata nor its license name one. */
  planId: string | null;
  /** The plan's name ("unknown" when there is no plan). */
  plan: string;
  oneTime: boolean;
}

export interface CashAdjustment {
  at: number;
  currency: string;
  /** Signed: positive takes money back from us (refund, credit, chargeback), negative gives it back (a reversal). */
  appliedCents: number;
  planId: string | null;
  plan: string;
  oneTime: boolean;
}

export interface PlanCash {
  planId: string | null;
  plan: string;
  collectedCents: number;
  refundedCents: number;
}

export interface CashFigures {
  /** Settled payments in the period: what customers paid (tax included). */
  collectedCents: number;
  payments: number;
  /** The signed sum of the approved adjustments in the period. */
  refundedCents: number;
  /** Refunds, credits and chargebacks approved in the period (positive adjustments only). */
  refunds: { amountCents: number; count: number };
  oneTime: {
    sales: number;
    revenueCents: number;
    salesAllTime: number;
    revenueAllTimeCents: number;
  };
  byPlan: PlanCash[];
}

/** Rows sorted by `at`, so that a period is a slice. */
export class CashFlow {
  constructor(
    private readonly payments: readonly CashPayment[],
    private readonly adjustments: readonly CashAdjustment[],
  ) {}

  /** The currencies that had money moving in [from, to]. */
  currenciesIn(from: number, to: number): Set<string> {
    const rows = [...slice(this.payments, from, to), ...slice(this.adjustments, from, to)];
    return new Set(rows.map((row) => row.currency));
  }

  figures(currency: string, from: number, to: number): CashFigures {
    const payments = slice(this.payments, from, to).filter((row) => row.currency === currency);
    const adjustments = slice(this.adjustments, from, to).filter((row) => row.currency === currency);
    const refunds = adjustments.filter((row) => row.appliedCents > 0);
    const oneTimePaid = payments.filter((row) => row.oneTime);
    const allTimePaid = slice(this.payments, Number.NEGATIVE_INFINITY, to).filter((row) => row.currency === currency && row.oneTime);
    const allTimeAdjusted = slice(this.adjustments, Number.NEGATIVE_INFINITY, to).filter((row) => row.currency === currency && row.oneTime);
    return {
      collectedCents: sum(payments.map((row) => row.amountCents)),
      payments: payments.length,
      refundedCents: sum(adjustments.map((row) => row.appliedCents)),
      refunds: { amountCents: sum(refunds.map((row) => row.appliedCents)), count: refunds.length },
      oneTime: {
        sales: oneTimePaid.length,
        revenueCents:
          sum(oneTimePaid.map((row) => row.amountCents)) - sum(adjustments.filter((row) => row.oneTime).map((row) => row.appliedCents)),
        salesAllTime: allTimePaid.length,
        revenueAllTimeCents: sum(allTimePaid.map((row) => row.amountCents)) - sum(allTimeAdjusted.map((row) => row.appliedCents)),
      },
      byPlan: byPlan(payments, adjustments),
    };
  }
}

function byPlan(payments: readonly CashPayment[], adjustments: readonly CashAdjustment[]): PlanCash[] {
  const plans = new Map<string, PlanCash>();
  const entry = (row: { planId: string | null; plan: string }): PlanCash => {
    const key = row.planId ?? `name:${row.plan}`;
    let found = plans.get(key);
    if (!found) plans.set(key, (found = { planId: row.planId, plan: row.plan, collectedCents: 0, refundedCents: 0 }));
    return found;
  };
  for (const row of payments) entry(row).collectedCents += row.amountCents;
  for (const row of adjustments) entry(row).refundedCents += row.appliedCents;
  return [...plans.values()];
}

/** The rows with from ≤ at ≤ to (binary search on rows sorted by `at`). */
function slice<T extends { at: number }>(rows: readonly T[], from: number, to: number): readonly T[] {
  return rows.slice(firstAtOrAfter(rows, from), firstAtOrAfter(rows, to + 1));
}

function firstAtOrAfter(rows: readonly { at: number }[], instant: number): number {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((rows[middle] as { at: number }).at < instant) low = middle + 1;
    else high = middle;
  }
  return low;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
