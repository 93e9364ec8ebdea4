import type { mongoose } from "@typegoose/typegoose";
import type { Models } from "../../db/models";
import { inTransaction } from "../../db/transaction";
import { monthCounterExpiry, monthWindow, startOfMonth, startOfNextMonth } from "../../modules/usage/usage-windows";
import { CHECKPOINT_COLLECTION } from "../migration.checkpoint";
import type { MigrationMode } from "../migration.report";
import type { V1Context } from "./v1.context";
import { sourceId, sqlWallTime } from "./v1.values";

interface Figures {
  requests: number;
  tokens: number;
  calls: number;
  response_time_ms: number;
}

interface CounterState extends Figures {
  _id: string;
  kind: "usage_counter";
  source: string;
  window: string;
  license_id: mongoose.Types.ObjectId;
}

const FIGURES = ["requests", "tokens", "calls", "response_time_ms"] as const;

/**
 * This month's quota counters, rebuilt from the v1 logs of this month, so that quotas continue where v1 left them.
 * Requests are counted as v1's check_usage_limit counted them (every log row of the month), but by UTC month.
 *
 * The platform may already be counting into the same counter (both servers live): the import adds what v1 logged
 * and remembers it (a state document per counter); a later run adds only the difference. Counter and memory move
 * in one transaction, so a run killed between the two cannot count anything twice.
 */
export async function rebuildMonthCounters(
  ctx: V1Context,
  models: Models,
  sourceKey: string,
  mode: MigrationMode,
  now: Date,
): Promise<{ month: string; licenses: number; changed: number }> {
  const window = monthWindow(now);
  const kind = ctx.source.dateKinds.usage_logs.created_at ?? "timestamp";
  const bound = (instant: Date): string =>
    kind === "timestamp" ? instant.toISOString().slice(0, 19).replace("T", " ") : sqlWallTime(instant, ctx.zone);
  const rows = await ctx.source.query(
    "SELECT license_id, COUNT(*) AS requests, COALESCE(SUM(tokens_used), 0) AS tokens, COUNT(response_time_ms) AS calls, " +
      "COALESCE(SUM(response_time_ms), 0) AS response_time_ms FROM usage_logs WHERE created_at >= ? AND created_at < ? GROUP BY license_id",
    [bound(startOfMonth(now)), bound(startOfNextMonth(now))],
  );
  const states = ctx.target.collection<CounterState>(CHECKPOINT_COLLECTION);
  const counters = models.UsageCounter.collection;
  const stateId = (licenseId: mongoose.Types.ObjectId): string => `${sourceKey}/usage_counter/${licenseId.toHexString()}/${window}`;
  const known = new Map(
    (await states.find({ kind: "usage_counter", source: sourceKey, window }).toArray()).map((state) => [state._id, state]),
  );

  let licenses = 0;
  let changed = 0;
  for (const row of rows) {
    const licenseId = ctx.licenses.get(sourceId(row.license_id));
    if (!licenseId) continue;
    licenses += 1;
    const wanted: Figures = {
      requests: Number(row.requests),
      tokens: Number(row.tokens),
      calls: Number(row.calls),
      response_time_ms: Number(row.response_time_ms),
    };
    const before = known.get(stateId(licenseId));
    if (FIGURES.every((field) => (before?.[field] ?? 0) === wanted[field])) continue;
    changed += 1;
    if (mode !== "import") continue;
    await inTransaction(models, async (session) => {
      const current = await states.findOne({ _id: stateId(licenseId) }, { session });
      const delta = Object.fromEntries(FIGURES.map((field) => [field, wanted[field] - (current?.[field] ?? 0)]));
      await counters.updateOne(
        { license_id: licenseId, window },
        { $inc: delta, $setOnInsert: { cost_micros: 0, reserved_micros: 0, pending: [], expires_at: monthCounterExpiry(window) } },
        { upsert: true, session },
      );
      await states.updateOne(
        { _id: stateId(licenseId) },
        { $set: { kind: "usage_counter", source: sourceKey, window, license_id: licenseId, ...wanted } },
        { upsert: true, session },
      );
    });
  }
  return { month: window.slice(2), licenses, changed };
}
