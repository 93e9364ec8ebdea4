import { centsToDecimal, microsToDecimal } from "../../money";
import type { HistoryRow } from "./daily-snapshot.service";
import type { MovementKind } from "./mrr-timeline";

/**
 * The history as CSV: a header row, then one line per UTC day, oldest first (columns in the README's "Analytics"
 * section). Money of the chosen currency is a decimal string with 2 decimals; AI cost is euros with 6 decimals
 * (micro-euro precision); rates are decimal fractions with 6 decimals; an undefined value (ARPA with no subscriber, a
 * rate with nothing at the start) is an empty field.
 */
const MOVEMENT_COLUMNS = (["new", "expansion", "contraction", "churn", "reactivation"] as const satisfies readonly MovementKind[]).flatMap(
  (kind) =>
    [
      [`${kind}_mrr`, (row: HistoryRow) => centsToDecimal(row.figures.movements[kind].amountCents)],
      [`${kind}_count`, (row: HistoryRow) => String(row.figures.movements[kind].count)],
    ] as const,
);

const COLUMNS: ReadonlyArray<readonly [string, (row: HistoryRow) => string]> = [
  ["date", (row) => row.date],
  ["complete", (row) => String(row.complete)],
  ["source", (row) => row.source],
  ["currency", (row) => row.figures.currency],
  ["mrr", (row) => centsToDecimal(row.figures.mrrCents)],
  ["arr", (row) => centsToDecimal(row.figures.arrCents)],
  ["active_subscribers", (row) => String(row.figures.activeSubscribers)],
  ["arpa", (row) => (row.figures.arpaCents === null ? "" : centsToDecimal(row.figures.arpaCents))],
  ...MOVEMENT_COLUMNS,
  ["customers_at_start", (row) => String(row.figures.start.subscribers)],
  ["mrr_at_start", (row) => centsToDecimal(row.figures.start.mrrCents)],
  ["churned_customers", (row) => String(row.figures.churnedCustomers)],
  ["customer_churn_rate", (row) => rate(row.figures.customerChurnRate)],
  ["gross_mrr_churn_rate", (row) => rate(row.figures.grossMrrChurnRate)],
  ["net_mrr_churn_rate", (row) => rate(row.figures.netMrrChurnRate)],
  ["cash_collected", (row) => centsToDecimal(row.figures.cash.collectedCents)],
  ["refunds", (row) => centsToDecimal(row.figures.cash.refunds.amountCents)],
  ["refunds_count", (row) => String(row.figures.cash.refunds.count)],
  ["one_time_sales", (row) => String(row.figures.cash.oneTime.sales)],
  ["one_time_revenue", (row) => centsToDecimal(row.figures.cash.oneTime.revenueCents)],
  ["one_time_revenue_all_time", (row) => centsToDecimal(row.figures.cash.oneTime.revenueAllTimeCents)],
  ["ai_requests", (row) => String(row.ai.requests)],
  ["ai_tokens", (row) => String(row.ai.tokens)],
  ["ai_cost_eur", (row) => microsToDecimal(row.ai.costMicros, 6)],
  ["excluded_currencies", (row) => row.excludedCurrencies.join(" ")],
];

export const CSV_HEADER = COLUMNS.map(([name]) => name).join(",");

export function historyCsvLine(row: HistoryRow): string {
  return COLUMNS.map(([, value]) => field(value(row))).join(",");
}

export function historyCsv(rows: readonly HistoryRow[]): string {
  return [CSV_HEADER, ...rows.map(historyCsvLine)].map((line) => `${line}\n`).join("");
}

function rate(value: number | null): string {
  return value === null ? "" : value.toFixed(6);
}

// RFC 4180 quoting, for safety: no column produces a comma, quote or line break today.
function field(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
