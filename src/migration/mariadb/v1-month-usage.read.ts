import { startOfMonth, startOfNextMonth } from "../../modules/usage/usage-windows";
import type { LicenseUsage } from "../usage-counters.rebuild";
import type { V1Context } from "./v1.context";
import { sourceId, sqlWallTime } from "./v1.values";

/**
 * This month's usage of every imported license, from the v1 logs: every log row of the UTC month counts a request,
 * as v1's check_usage_limit counted them. DATETIME columns are compared in the source's zone.
 */
export async function v1MonthUsage(ctx: V1Context, now: Date): Promise<LicenseUsage[]> {
  const kind = ctx.source.dateKinds.usage_logs.created_at ?? "timestamp";
  const bound = (instant: Date): string =>
    kind === "timestamp" ? instant.toISOString().slice(0, 19).replace("T", " ") : sqlWallTime(instant, ctx.zone);
  const rows = await ctx.source.query(
    "SELECT license_id, COUNT(*) AS requests, COALESCE(SUM(tokens_used), 0) AS tokens, COUNT(response_time_ms) AS calls, " +
      "COALESCE(SUM(response_time_ms), 0) AS response_time_ms FROM usage_logs WHERE created_at >= ? AND created_at < ? GROUP BY license_id",
    [bound(startOfMonth(now)), bound(startOfNextMonth(now))],
  );
  const usage: LicenseUsage[] = [];
  for (const row of rows) {
    const licenseId = ctx.licenses.get(sourceId(row.license_id));
    if (!licenseId) continue;
    usage.push({
      licenseId,
      requests: Number(row.requests),
      tokens: Number(row.tokens),
      calls: Number(row.calls),
      response_time_ms: Number(row.response_time_ms),
    });
  }
  return usage;
}
