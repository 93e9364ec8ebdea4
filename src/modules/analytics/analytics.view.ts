import type { AiUsage as AiUsageFigures } from "./ai-usage";
import type { CurrencyFigures } from "./analytics.figures";
import type { AnalyticsFigures } from "./analytics.service";
import type { Analytics, AnalyticsDay, CurrencyAnalytics, PlanRevenue } from "./analytics.types";
import type { HistoryRow } from "./daily-snapshot.service";

// The service's figures in the GraphQL shapes (analytics.types.ts): movements' net, cash net, revenue by plan merged.

/** The figures of one currency in the GraphQL shape. */
export function toCurrencyAnalytics(figures: CurrencyFigures, excludedCurrencies: string[], ai: AiUsageFigures): CurrencyAnalytics {
  const { movements, cash } = figures;
  const plans = new Map<string, PlanRevenue>();
  const plan = (planId: string | null, name: string): PlanRevenue => {
    const key = planId ?? `name:${name}`;
    let found = plans.get(key);
    if (!found) plans.set(key, (found = { planId, plan: name, mrrCents: 0, subscribers: 0, collectedCents: 0, refundedCents: 0 }));
    return found;
  };
  for (const row of figures.mrrByPlan) Object.assign(plan(row.planId, row.plan), { mrrCents: row.mrrCents, subscribers: row.subscribers });
  for (const row of cash.byPlan)
    Object.assign(plan(row.planId, row.plan), { collectedCents: row.collectedCents, refundedCents: row.refundedCents });
  return {
    currency: figures.currency,
    mrrCents: figures.mrrCents,
    arrCents: figures.arrCents,
    activeSubscribers: figures.activeSubscribers,
    arpaCents: figures.arpaCents,
    start: figures.start,
    movements: {
      ...movements,
      netCents:
        movements.new.amountCents +
        movements.expansion.amountCents +
        movements.reactivation.amountCents -
        movements.contraction.amountCents -
        movements.churn.amountCents,
    },
    churnedCustomers: figures.churnedCustomers,
    customerChurnRate: figures.customerChurnRate,
    grossMrrChurnRate: figures.grossMrrChurnRate,
    netMrrChurnRate: figures.netMrrChurnRate,
    oneTime: cash.oneTime,
    refunds: cash.refunds,
    cash: {
      collectedCents: cash.collectedCents,
      payments: cash.payments,
      refundedCents: cash.refundedCents,
      netCents: cash.collectedCents - cash.refundedCents,
    },
    revenueByPlan: [...plans.values()].sort(
      (a, b) => b.mrrCents - a.mrrCents || b.collectedCents - a.collectedCents || a.plan.localeCompare(b.plan),
    ),
    excludedCurrencies,
    ai,
  };
}

export function toAnalytics(figures: AnalyticsFigures): Analytics {
  return {
    ...toCurrencyAnalytics(figures, figures.excludedCurrencies, figures.ai),
    at: figures.at,
    from: figures.from,
    to: figures.to,
    founders: figures.founders,
  };
}

export function toAnalyticsDay(row: HistoryRow): AnalyticsDay {
  return {
    ...toCurrencyAnalytics(row.figures, row.excludedCurrencies, row.ai),
    date: row.date,
    complete: row.complete,
    source: row.source,
  };
}
