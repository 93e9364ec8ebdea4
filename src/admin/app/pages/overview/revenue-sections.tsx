import { useMemo, type ReactNode } from "react";
import type { OverviewAdminQuery } from "../../api/operations";
import { Chart } from "../../ui/chart";
import { formatMoney, formatNumber, formatPercent } from "../../ui/format";
import { formatMicroEur } from "../../ui/format";

// The parts of the Overview only owners and admins see: revenue (analytics is admin-only in the API).

function Card({ title, value, children }: { title: string; value: string; children?: ReactNode }) {
  return (
    <article aria-label={title}>
      <header>{title}</header>
      <div className="card-value">{value}</div>
      {children}
    </article>
  );
}

/** "+2 on last month (3)", in words a screen reader reads as well. */
function change(now: number, before: number): string {
  const difference = now - before;
  const sign = difference > 0 ? "+" : difference < 0 ? "−" : "±";
  return `${sign}${formatNumber(Math.abs(difference))} on last month (${formatNumber(before)})`;
}

export function RevenueCards({ data }: { data: OverviewAdminQuery }) {
  const { thisMonth, lastMonth } = data;
  const money = (cents: number) => formatMoney(cents, thisMonth.currency);
  return (
    <section aria-labelledby="revenue-heading">
      <h2 id="revenue-heading">Revenue this month ({thisMonth.currency})</h2>
      <div className="cards">
        <Card title="MRR" value={money(thisMonth.mrrCents)} />
        <Card title="ARR" value={money(thisMonth.arrCents)} />
        <Card title="Active subscribers" value={formatNumber(thisMonth.activeSubscribers)} />
        <Card title="Customer churn" value={formatPercent(thisMonth.customerChurnRate)}>
          <small>{formatNumber(thisMonth.churnedCustomers)} customers lost this month</small>
        </Card>
        <Card title="New this month" value={formatNumber(thisMonth.movements.new.count)}>
          <small>{change(thisMonth.movements.new.count, lastMonth.movements.new.count)}</small>
        </Card>
      </div>
    </section>
  );
}

export function FoundersProgress({ data }: { data: OverviewAdminQuery }) {
  const { founders, oneTime, currency } = data.thisMonth;
  if (founders.length === 0) return null;
  return (
    <section aria-labelledby="founders-heading">
      <h2 id="founders-heading">Founders Deal</h2>
      {founders.map((plan) => {
        const soldOut = plan.remaining === 0;
        const id = `founders-${plan.planId}`;
        return (
          <article key={plan.planId}>
            <p>
              <strong id={id}>
                {plan.plan}: {formatNumber(plan.sold)} sold{plan.limit === null ? " (no cap)" : ` of ${formatNumber(plan.limit)}`}
              </strong>{" "}
              {soldOut && <span className="badge badge-sold-out">Sold out</span>}
            </p>
            {plan.limit !== null && <progress aria-labelledby={id} value={plan.sold} max={plan.limit} />}
            <p>
              One-time revenue, all time: <strong>{formatMoney(oneTime.revenueAllTimeCents, currency)}</strong> from{" "}
              {formatNumber(oneTime.salesAllTime)} sales (net of refunds, tax included)
            </p>
          </article>
        );
      })}
    </section>
  );
}

const COLORS = ["#1e66f5", "#d20f39", "#40a02b", "#df8e1d", "#8839ef", "#179299"];

export function AiUsageCharts({ data }: { data: OverviewAdminQuery }) {
  const { ai } = data.recentAi;
  const labels = useMemo(() => ai.byProvider.map((row) => row.provider), [ai]);
  const requests = useMemo(
    () => [{ label: "AI calls", values: ai.byProvider.map((row) => row.requests), color: COLORS[0] as string }],
    [ai],
  );
  const cost = useMemo(() => [{ label: "AI cost", values: ai.byProvider.map((row) => row.costMicros), color: COLORS[1] as string }], [ai]);
  return (
    <section aria-labelledby="ai-heading">
      <h2 id="ai-heading">AI usage, last 30 days</h2>
      <p>
        {formatNumber(ai.requests)} calls, {formatMicroEur(ai.costMicros)} cost
      </p>
      {labels.length === 0 ? (
        <p>No AI calls in the last 30 days.</p>
      ) : (
        <div className="grid-2">
          <Chart caption="AI calls by provider, last 30 days" labels={labels} series={requests} format={formatCount} bars />
          <Chart caption="AI cost by provider, last 30 days" labels={labels} series={cost} format={formatMicroEur} bars />
        </div>
      )}
    </section>
  );
}

const formatCount = (value: number): string => formatNumber(value);
