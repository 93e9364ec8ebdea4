import type { AnalyticsData } from "./analytics-data";
import { endOfDay } from "./analytics.dates";
import type { CashFigures } from "./cash-flow";
import { diffCustomers, MrrTimeline, noMovements, type CustomerMrr, type Movements } from "./mrr-timeline";

/** MRR of one plan at the end of a period, in one currency. */
export interface PlanMrr {
  planId: string | null;
  plan: string;
  mrrCents: number;
  /** Distinct customers paying for this plan. */
  subscribers: number;
}

/**
 * Every currency-bound figure of one period [from, to], in one currency (integer minor units; never converted).
 * Balances (MRR, subscribers, MRR by plan) are the state at `to`; `start` is the state just before `from`.
 */
export interface CurrencyFigures {
  currency: string;
  mrrCents: number;
  arrCents: number;
  activeSubscribers: number;
  /** MRR ÷ active subscribers, rounded half up to a cent; null with no subscriber. */
  arpaCents: number | null;
  start: { mrrCents: number; subscribers: number };
  movements: Movements;
  /** Customers paying at the start who pay nothing at the end (churned, not reactivated by the end). */
  churnedCustomers: number;
  /** Decimal fractions (0.25 = 25 %); null when nobody / nothing was paying at the start. */
  customerChurnRate: number | null;
  grossMrrChurnRate: number | null;
  netMrrChurnRate: number | null;
  mrrByPlan: PlanMrr[];
  cash: CashFigures;
}

const UNKNOWN_PLAN = "unknown";

/**
 * The figures of consecutive periods from one loaded data set. The timeline moves forward only, so periods must be
 * asked for in time order without overlap (days of a history, or one period).
 */
export class FiguresCalculator {
  private readonly timeline: MrrTimeline;

  constructor(private readonly data: AnalyticsData) {
    this.timeline = new MrrTimeline(data.mrrRows);
  }

  /**
   * Figures per currency for [from, to]. `only` limits them to one currency; otherwise every currency with any
   * non-zero figure is returned, sorted by code.
   */
  period(from: Date, to: Date, only?: string): CurrencyFigures[] {
    const { timeline } = this;
    const { cash } = this.data;
    const sweep = sweepPeriod(timeline, from.getTime(), to.getTime(), only);
    const currencies = only
      ? [only]
      : [
          ...new Set([
            ...sweep.start.keys(),
            ...sweep.end.keys(),
            ...sweep.movements.keys(),
            ...cash.currenciesIn(-Infinity, to.getTime()),
          ]),
        ].sort();
    const paying = timeline.paying();
    return currencies
      .map((currency) => {
        const start = sweep.start.get(currency) ?? new Map<string, number>();
        const end = sweep.end.get(currency) ?? new Map<string, number>();
        return this.figures(
          currency,
          start,
          end,
          sweep.movements.get(currency) ?? noMovements(),
          paying.filter((state) => state.currency === currency),
          cash.figures(currency, from.getTime(), to.getTime()),
        );
      })
      .filter((figures) => only !== undefined || hasAnyFigure(figures));
  }

  private figures(
    currency: string,
    start: CustomerMrr,
    end: CustomerMrr,
    movements: Movements,
    paying: Array<{ customerId: string; planId: string | null; mrrCents: number }>,
    cash: CashFigures,
  ): CurrencyFigures {
    const mrrCents = total(end);
    const startMrr = total(start);
    const churnedCustomers = [...start.keys()].filter((customer) => !end.has(customer)).length;
    const lost = movements.churn.amountCents + movements.contraction.amountCents;
    const won = movements.expansion.amountCents + movements.reactivation.amountCents;
    return {
      currency,
      mrrCents,
      arrCents: mrrCents * 12,
      activeSubscribers: end.size,
      arpaCents: end.size === 0 ? null : Math.round(mrrCents / end.size),
      start: { mrrCents: startMrr, subscribers: start.size },
      movements,
      churnedCustomers,
      customerChurnRate: start.size === 0 ? null : churnedCustomers / start.size,
      grossMrrChurnRate: startMrr === 0 ? null : lost / startMrr,
      netMrrChurnRate: startMrr === 0 ? null : (lost - won) / startMrr,
      mrrByPlan: this.byPlan(paying),
      cash,
    };
  }

  private byPlan(paying: Array<{ customerId: string; planId: string | null; mrrCents: number }>): PlanMrr[] {
    const plans = new Map<string, { planId: string | null; mrrCents: number; customers: Set<string> }>();
    for (const state of paying) {
      const key = state.planId ?? "";
      let entry = plans.get(key);
      if (!entry) plans.set(key, (entry = { planId: state.planId, mrrCents: 0, customers: new Set() }));
      entry.mrrCents += state.mrrCents;
      entry.customers.add(state.customerId);
    }
    return [...plans.values()]
      .map((entry) => ({
        planId: entry.planId,
        plan: (entry.planId ? this.data.plans.get(entry.planId)?.name : undefined) ?? UNKNOWN_PLAN,
        mrrCents: entry.mrrCents,
        subscribers: entry.customers.size,
      }))
      .sort((a, b) => b.mrrCents - a.mrrCents || a.plan.localeCompare(b.plan));
  }
}

interface Sweep {
  start: Map<string, CustomerMrr>;
  end: Map<string, CustomerMrr>;
  movements: Map<string, Movements>;
}

/**
 * The customers' MRR just before `from` and at `to`, and the movements between, diffed at the end of every UTC day
 * in between (and at `to`): a customer who joins and leaves on different days shows as new, then churn.
 */
function sweepPeriod(timeline: MrrTimeline, from: number, to: number, only: string | undefined): Sweep {
  let previous = from - 1;
  timeline.advanceTo(previous);
  const states = (): Map<string, CustomerMrr> => {
    const currencies = only ? [only] : [...timeline.currencies()];
    return new Map(currencies.map((currency) => [currency, timeline.customers(currency)]));
  };
  const start = states();
  let before = start;
  const movements = new Map<string, Movements>();
  const step = (boundary: number): void => {
    timeline.advanceTo(boundary);
    const after = states();
    const paidBy = previous;
    for (const currency of new Set([...before.keys(), ...after.keys()])) {
      let into = movements.get(currency);
      if (!into) movements.set(currency, (into = noMovements()));
      diffCustomers(
        before.get(currency) ?? new Map(),
        after.get(currency) ?? new Map(),
        (customer) => timeline.paidBy(customer, paidBy),
        into,
      );
    }
    before = after;
    previous = boundary;
  };
  for (let boundary = endOfDay(previous + 1).getTime(); boundary < to; boundary = endOfDay(boundary + 1).getTime()) step(boundary);
  if (to > previous) step(to);
  return { start, end: before, movements };
}

function total(customers: CustomerMrr): number {
  let sum = 0;
  for (const cents of customers.values()) sum += cents;
  return sum;
}

function hasAnyFigure(figures: CurrencyFigures): boolean {
  const moved = Object.values(figures.movements).some((movement) => movement.count > 0);
  const { cash } = figures;
  return (
    figures.mrrCents !== 0 ||
    figures.start.mrrCents !== 0 ||
    moved ||
    cash.payments > 0 ||
    cash.refundedCents !== 0 ||
    cash.refunds.count > 0 ||
    cash.oneTime.salesAllTime > 0 ||
    cash.oneTime.revenueAllTimeCents !== 0
  );
}
