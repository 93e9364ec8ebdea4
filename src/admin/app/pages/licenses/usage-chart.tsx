import { useMemo } from "react";
import type { LicenseDetailQuery } from "../../api/operations";
import { Chart, type Series } from "../../ui/chart";
import { formatNumber } from "../../ui/format";
import { DataTable } from "../../ui/table";
import { formatMicroEur } from "../../ui/format";
import { shortDay } from "./format-license";

type Bucket = NonNullable<LicenseDetailQuery["usage"]>[number];

const PROVIDER_COLORS: Record<string, string> = { openai: "#10a37f", anthropic: "#b8572f", deepseek: "#4d6bfe" };
const OTHER_COLORS = ["#7a4fb5", "#6b6b6b", "#b03a7a"];

export interface ProviderTotal {
  provider: string;
  requests: number;
  tokens: number;
  costMicros: number;
}

/** The month's buckets (one per day and provider) summed per provider, providers in alphabetical order. */
export function totalsByProvider(buckets: Bucket[]): ProviderTotal[] {
  const totals = new Map<string, ProviderTotal>();
  for (const bucket of buckets) {
    const provider = bucket.provider ?? "unknown";
    const total = totals.get(provider) ?? { provider, requests: 0, tokens: 0, costMicros: 0 };
    total.requests += bucket.requests;
    total.tokens += bucket.tokens;
    total.costMicros += bucket.costMicros;
    totals.set(provider, total);
  }
  return [...totals.values()].sort((a, b) => a.provider.localeCompare(b.provider));
}

/** AI requests per UTC day of the month, one line per provider, and the month's totals per provider. */
export function UsageChart({ days, buckets }: { days: string[]; buckets: Bucket[] }) {
  const providers = useMemo(() => totalsByProvider(buckets), [buckets]);
  const labels = useMemo(() => days.map(shortDay), [days]);
  const series = useMemo<Series[]>(() => {
    // Days still to come have no figure (not 0): the lines stop at today.
    const today = new Date().toISOString().slice(0, 10);
    return providers.map(({ provider }, index) => ({
      label: provider,
      color: PROVIDER_COLORS[provider] ?? OTHER_COLORS[index % OTHER_COLORS.length] ?? "#6b6b6b",
      values: days.map((day) =>
        day > today ? null : (buckets.find((bucket) => bucket.day === day && bucket.provider === provider)?.requests ?? 0),
      ),
    }));
  }, [providers, days, buckets]);

  if (providers.length === 0) return <p>No AI calls this month yet.</p>;
  return (
    <>
      <Chart caption="AI requests per day (UTC), by provider" labels={labels} series={series} format={formatCount} />
      <DataTable<ProviderTotal>
        caption="This month by provider"
        rows={providers}
        rowKey={(row) => row.provider}
        columns={[
          { header: "Provider", cell: (row) => row.provider },
          { header: "Requests", numeric: true, cell: (row) => formatNumber(row.requests) },
          { header: "Tokens", numeric: true, cell: (row) => formatNumber(row.tokens) },
          { header: "Cost", numeric: true, cell: (row) => formatMicroEur(row.costMicros) },
        ]}
      />
    </>
  );
}

function formatCount(value: number): string {
  return Number.isInteger(value) ? formatNumber(value) : "";
}
