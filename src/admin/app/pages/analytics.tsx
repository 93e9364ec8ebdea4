import { useState, type ReactNode } from "react";
import { AnalyticsPageDocument, type AnalyticsPageQuery } from "../api/operations";
import { formatMoney, formatNumber } from "../ui/format";
import { Page, QueryView } from "../ui/states";
import { useQuery } from "../ui/use-api";
import { useUrlState } from "../ui/url-state";
import { CsvExport } from "./analytics/csv-export";
import { MrrHistory } from "./analytics/history-section";
import { AiCostVsRevenue, CohortTable, RevenueByPlan } from "./analytics/plan-sections";
import { defaultRange, rangeFrom, rangeVariables, type DayRange } from "./analytics/range";

/** Revenue over a date range (in the URL; default the last 12 months): one query document, one round trip. */
export function AnalyticsPage() {
  // "Now" is fixed when the page opens, so the variables (and the request) do not change on every render.
  const [now] = useState(() => Date.now());
  const [params, update] = useUrlState();
  const range = rangeFrom(params, now);
  const valid = "from" in range;
  const state = useQuery(AnalyticsPageDocument, rangeVariables(valid ? range : defaultRange(now), now), { skip: !valid });
  const shown = valid ? range : defaultRange(now);

  return (
    <Page title="Analytics">
      <form className="filters" aria-label="Date range" onSubmit={(event) => event.preventDefault()}>
        <label htmlFor="range-from">
          From
          <input
            id="range-from"
            type="date"
            value={params.get("from") ?? shown.from}
            onChange={(event) => update({ from: event.target.value })}
          />
        </label>
        <label htmlFor="range-to">
          To
          <input id="range-to" type="date" value={params.get("to") ?? shown.to} onChange={(event) => update({ to: event.target.value })} />
        </label>
        {valid && <CsvExport range={range} currency="EUR" />}
      </form>
      <p>
        <small>Days and months are UTC, as the analytics count them. Amounts in EUR (other currencies are never converted).</small>
      </p>
      {valid ? (
        <QueryView state={state} what="the analytics">
          {(data) => <AnalyticsView data={data} range={range} />}
        </QueryView>
      ) : (
        <p role="alert" className="error-box">
          {range.error}
        </p>
      )}
    </Page>
  );
}

function AnalyticsView({ data, range }: { data: AnalyticsPageQuery; range: DayRange }) {
  const { currency, movements } = data.range;
  const money = (cents: number) => formatMoney(cents, currency);
  return (
    <>
      <section aria-labelledby="range-heading">
        <h2 id="range-heading">
          {range.from} to {range.to}
        </h2>
        <div className="cards">
          <Figure title="MRR at the end" value={money(data.range.mrrCents)} />
          <Figure title="Net MRR change" value={money(movements.netCents)} />
          <Figure title="Cash collected" value={money(data.range.cash.collectedCents)} />
          <Figure title="One-time revenue" value={money(data.range.oneTime.revenueCents)}>
            <small>{formatNumber(data.range.oneTime.sales)} sales</small>
          </Figure>
          <Figure title="Refunds" value={money(data.range.refunds.amountCents)}>
            <small>{formatNumber(data.range.refunds.count)} refunds</small>
          </Figure>
        </div>
        {data.range.excludedCurrencies.length > 0 && (
          <p className="notice">Not included (never converted): figures in {data.range.excludedCurrencies.join(", ")}.</p>
        )}
      </section>
      <MrrHistory months={data.analyticsMonths} currency={currency} />
      <RevenueByPlan data={data} />
      <CohortTable cohorts={data.cohortRetention} />
      <AiCostVsRevenue data={data} />
    </>
  );
}

function Figure({ title, value, children }: { title: string; value: string; children?: ReactNode }) {
  return (
    <article aria-label={title}>
      <header>{title}</header>
      <div className="card-value">{value}</div>
      {children}
    </article>
  );
}
