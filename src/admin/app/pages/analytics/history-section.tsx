import { useMemo } from "react";
import type { AnalyticsPageQuery } from "../../api/operations";
import { Chart } from "../../ui/chart";
import { formatMoney, formatNumber } from "../../ui/format";
import { DataTable } from "../../ui/table";

type Month = AnalyticsPageQuery["analyticsMonths"][number];

export const MOVEMENTS = [
  { key: "new", label: "New", color: "#40a02b" },
  { key: "expansion", label: "Expansion", color: "#1e66f5" },
  { key: "contraction", label: "Contraction", color: "#df8e1d" },
  { key: "churn", label: "Churn", color: "#d20f39" },
  { key: "reactivation", label: "Reactivation", color: "#8839ef" },
] as const;

/** "2026-11" as the browser names the month ("Nov 2026"); the month is a UTC calendar month. */
export function monthLabel(month: string): string {
  const [year, number] = month.split("-").map(Number);
  return new Intl.DateTimeFormat(undefined, { month: "short", year: "numeric", timeZone: "UTC" }).format(
    new Date(Date.UTC(year ?? 1970, (number ?? 1) - 1, 1)),
  );
}

/** MRR at the end of each month (a line) and the month's movements (bars), with the figures as a table. */
export function MrrHistory({ months, currency }: { months: Month[]; currency: string }) {
  const labels = useMemo(() => months.map((row) => monthLabel(row.month)), [months]);
  const money = useMemo(() => (cents: number) => formatMoney(cents, currency), [currency]);
  const mrr = useMemo(() => [{ label: "MRR", values: months.map((row) => row.mrrCents), color: "#1e66f5" }], [months]);
  const movements = useMemo(
    () =>
      MOVEMENTS.map((kind) => ({
        label: kind.label,
        // Churn and contraction go down: drawn below zero.
        values: months.map((row) => (kind.key === "churn" || kind.key === "contraction" ? -1 : 1) * row.movements[kind.key].amountCents),
        color: kind.color,
      })),
    [months],
  );
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">MRR history</h2>
      <div className="grid-2">
        <Chart caption="MRR at the end of each month" labels={labels} series={mrr} format={money} />
        <Chart caption="MRR movements by month (churn and contraction below zero)" labels={labels} series={movements} format={money} />
      </div>
      <DataTable
        caption={`MRR and its movements by month (${currency}; the current month up to now)`}
        columns={[
          { header: "Month", cell: (row) => monthLabel(row.month) + (row.complete ? "" : " (so far)") },
          { header: "MRR", cell: (row) => money(row.mrrCents), numeric: true },
          { header: "Subscribers", cell: (row) => formatNumber(row.activeSubscribers), numeric: true },
          ...MOVEMENTS.map((kind) => ({
            header: kind.label,
            cell: (row: Month) => `${money(row.movements[kind.key].amountCents)} (${formatNumber(row.movements[kind.key].count)})`,
            numeric: true,
          })),
          { header: "Net", cell: (row) => money(row.movements.netCents), numeric: true },
          { header: "One-time", cell: (row) => money(row.oneTime.revenueCents), numeric: true },
          { header: "Refunds", cell: (row) => money(row.refunds.amountCents), numeric: true },
        ]}
        rows={months}
        rowKey={(row) => row.month}
        empty="No month in this range."
      />
    </section>
  );
}
