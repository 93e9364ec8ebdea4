import { mongoose } from "@typegoose/typegoose";
import { startOfMonth, startOfNextMonth } from "../../modules/usage/usage-windows";
import type { LicenseUsage } from "../usage-counters.rebuild";
import type { V2Context } from "./v2.context";
import { dateValue, integer, objectIdHex } from "./v2.values";

const DAY_MS = 86_400_000;

/**
 * This month's usage of every imported license, from the v2 logs, through the import's own conversions: every log
 * of the UTC month counts a request (as v2 counted them, but by UTC month). created_at is the API server's wall
 * clock, so the query takes a day more on each side and each log's time is converted before it is counted; dates
 * written as strings are read too.
 */
export async function v2MonthUsage(ctx: V2Context, now: Date): Promise<LicenseUsage[]> {
  if (!ctx.source.has("usage_logs")) return [];
  const start = startOfMonth(now).getTime();
  const end = startOfNextMonth(now).getTime();
  const logs = ctx.source.collection("usage_logs").find(
    {
      _id: { $type: "objectId" },
      $or: [
        { created_at: { $gte: new Date(ctx.logZone.fromUtc(start) - DAY_MS), $lt: new Date(ctx.logZone.fromUtc(end) + DAY_MS) } },
        { created_at: { $type: "string" } },
      ],
    },
    { projection: { license_id: 1, tokens_used: 1, response_time_ms: 1, created_at: 1 } },
  );
  const byLicense = new Map<string, LicenseUsage>();
  for await (const log of logs) {
    const at = dateValue(log.created_at, ctx.logZone);
    if (!at.ok || at.value === null || at.value.getTime() < start || at.value.getTime() >= end) continue;
    const hex = objectIdHex(log.license_id);
    const licenseId = hex.ok && hex.value !== null ? ctx.licenses.get(hex.value) : undefined;
    if (!licenseId) continue;
    const key = licenseId.toHexString();
    const usage = byLicense.get(key) ?? {
      licenseId: new mongoose.Types.ObjectId(key),
      requests: 0,
      tokens: 0,
      calls: 0,
      response_time_ms: 0,
    };
    const tokens = integer(log.tokens_used);
    const responseTime = integer(log.response_time_ms);
    usage.requests += 1;
    usage.tokens += tokens.ok ? (tokens.value ?? 0) : 0;
    if (responseTime.ok && responseTime.value !== null) {
      usage.calls += 1;
      usage.response_time_ms += responseTime.value;
    }
    byLicense.set(key, usage);
  }
  return [...byLicense.values()];
}
