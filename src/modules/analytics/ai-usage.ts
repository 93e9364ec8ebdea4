import type { Models } from "../../db/models";

/** AI calls in a period, from `usage_logs` (one document per provider call); cost in micro-euros. */
export interface UsageFigures {
  requests: number;
  tokens: number;
  costMicros: number;
}

export interface ProviderUsage extends UsageFigures {
  /** "unknown" for records without one (migrated data). */
  provider: string;
}

export interface DayUsage extends UsageFigures {
  /** YYYY-MM-DD (UTC). */
  date: string;
  byProvider: ProviderUsage[];
}

export interface AiUsage extends UsageFigures {
  byProvider: ProviderUsage[];
  /** Days with usage only, oldest first. */
  byDay: DayUsage[];
}

interface Row {
  _id: { day: string; provider: string };
  requests: number;
  tokens: number;
  costMicros: number;
}

/** Usage with from ≤ created_at ≤ to, by UTC day and provider, in one aggregation. */
export async function loadAiUsage(models: Models, from: Date, to: Date): Promise<AiUsage> {
  const rows = await models.UsageLog.aggregate<Row>([
    { $match: { created_at: { $gte: from, $lte: to } } },
    {
      $group: {
        // $dateToString works in UTC unless told otherwise: the analytics day.
        _id: { day: { $dateToString: { format: "%Y-%m-%d", date: "$created_at" } }, provider: { $ifNull: ["$provider", "unknown"] } },
        requests: { $sum: 1 },
        tokens: { $sum: { $ifNull: ["$tokens_used", 0] } },
        costMicros: { $sum: { $ifNull: ["$cost_micros", 0] } },
      },
    },
  ]).exec();
  const days = new Map<string, DayUsage>();
  const providers = new Map<string, ProviderUsage>();
  for (const row of rows) {
    const figures = { requests: row.requests, tokens: row.tokens, costMicros: row.costMicros };
    let day = days.get(row._id.day);
    if (!day) days.set(row._id.day, (day = { date: row._id.day, ...zero(), byProvider: [] }));
    add(day, figures);
    day.byProvider.push({ provider: row._id.provider, ...figures });
    let provider = providers.get(row._id.provider);
    if (!provider) providers.set(row._id.provider, (provider = { provider: row._id.provider, ...zero() }));
    add(provider, figures);
  }
  const byDay = [...days.values()].sort((a, b) => a.date.localeCompare(b.date));
  for (const day of byDay) day.byProvider.sort(byName);
  const byProvider = [...providers.values()].sort(byName);
  const totals = zero();
  for (const provider of byProvider) add(totals, provider);
  return { ...totals, byProvider, byDay };
}

const zero = (): UsageFigures => ({ requests: 0, tokens: 0, costMicros: 0 });

function add(into: UsageFigures, figures: UsageFigures): void {
  into.requests += figures.requests;
  into.tokens += figures.tokens;
  into.costMicros += figures.costMicros;
}

const byName = (a: ProviderUsage, b: ProviderUsage): number => a.provider.localeCompare(b.provider);
