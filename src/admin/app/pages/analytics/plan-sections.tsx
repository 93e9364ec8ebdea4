import type { AnalyticsPageQuery } from "../../api/operations";
import { formatMoney, formatNumber, formatPercent } from "../../ui/format";
import { DataTable } from "../../ui/table";
import { formatMicroEur } from "../../ui/format";
import { monthLabel } from "./history-section";

type Data = AnalyticsPageQuery;

export function RevenueByPlan({ data }: { data: Data }) {
  const { currency } = data.range;
  return (
    <section aria-labelledby="plans-heading">
      <h2 id="plans-heading">Revenue by plan</h2>
      <DataTable
        caption={`MRR by plan at the end of the range; money collected and refunded in it (${currency})`}
        columns={[
          { header: "Plan", cell: (row) => row.plan },
          { header: "MRR", cell: (row) => formatMoney(row.mrrCents, currency), numeric: true },
          { header: "Subscribers", cell: (row) => formatNumber(row.subscribers), numeric: true },
          { header: "Collected", cell: (row) => formatMoney(row.collectedCents, currency), numeric: true },
          { header: "Refunded", cell: (row) => formatMoney(row.refundedCents, currency), numeric: true },
        ]}
        rows={data.range.revenueByPlan}
        rowKey={(row) => row.planId ?? `name:${row.plan}`}
        empty="No revenue in this range."
      />
    </section>
  );
}

/**
 * Each plan's AI cost (the calls of its licenses in the range, micro-euros) against its revenue (collected − refunded
 * in the range). Plans with either appear; the cost is in euros whatever the revenue's currency.
 */
export function AiCostVsRevenue({ data }: { data: Data }) {
  const { currency } = data.range;
  const rows = new Map<string, { plan: string; revenueCents: number; costMicros: number; requests: number }>();
  const row = (planId: string | null, plan: string) => {
    const key = planId ?? `name:${plan}`;
    let found = rows.get(key);
    if (!found) rows.set(key, (found = { plan, revenueCents: 0, costMicros: 0, requests: 0 }));
    return found;
  };
  for (const plan of data.range.revenueByPlan) row(plan.planId, plan.plan).revenueCents += plan.collectedCents - plan.refundedCents;
  for (const plan of data.aiCostByPlan) {
    const into = row(plan.planId, plan.plan);
    into.costMicros += plan.costMicros;
    into.requests += plan.requests;
  }
  return (
    <section aria-labelledby="ai-cost-heading">
      <h2 id="ai-cost-heading">AI cost vs revenue per plan</h2>
      <DataTable
        caption="AI cost of each plan's licenses and the plan's net revenue in the range"
        columns={[
          { header: "Plan", cell: (entry) => entry.plan },
          { header: "Revenue", cell: (entry) => formatMoney(entry.revenueCents, currency), numeric: true },
          { header: "AI calls", cell: (entry) => formatNumber(entry.requests), numeric: true },
          { header: "AI cost (EUR)", cell: (entry) => formatMicroEur(entry.costMicros), numeric: true },
          {
            header: "Cost ÷ revenue",
            // Only meaningful when both are euros and there was revenue.
            cell: (entry) =>
              currency === "EUR" && entry.revenueCents > 0 ? formatPercent(entry.costMicros / 1e4 / entry.revenueCents, 2) : "—",
            numeric: true,
          },
        ]}
        rows={[...rows.entries()].map(([key, entry]) => ({ key, ...entry }))}
        rowKey={(entry) => entry.key}
        empty="No revenue and no AI calls in this range."
      />
    </section>
  );
}

export function CohortTable({ cohorts }: { cohorts: Data["cohortRetention"] }) {
  const width = Math.max(0, ...cohorts.map((cohort) => cohort.retained.length));
  const columns = Array.from({ length: width }, (_unused, index) => index + 1);
  return (
    <section aria-labelledby="cohort-heading">
      <h2 id="cohort-heading">Cohort retention</h2>
      <p>Customers grouped by the month of their first subscription; the share still paying at the end of each following month.</p>
      <DataTable
        caption="Share of each cohort still subscribed after 1, 2, 3… months"
        columns={[
          { header: "Cohort", cell: (cohort) => monthLabel(cohort.month) },
          { header: "Customers", cell: (cohort) => formatNumber(cohort.customers), numeric: true },
          ...columns.map((after) => ({
            header: `Month ${after}`,
            cell: (cohort: Data["cohortRetention"][number]) => {
              const point = cohort.retained.find((one) => one.monthsAfter === after);
              return point ? formatPercent(point.share) : "";
            },
            numeric: true,
          })),
        ]}
        rows={cohorts.filter((cohort) => cohort.customers > 0)}
        rowKey={(cohort) => cohort.month}
        empty="No customer started a subscription in this range."
      />
    </section>
  );
}
