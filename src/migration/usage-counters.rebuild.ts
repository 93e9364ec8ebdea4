import type { mongoose } from "@typegoose/typegoose";
import type { mongo } from "mongoose";
import type { Models } from "../db/models";
import { inTransaction } from "../db/transaction";
import { monthCounterExpiry, monthWindow } from "../modules/usage/usage-windows";
import { CHECKPOINT_COLLECTION } from "./migration.checkpoint";
import type { MigrationMode, MigrationReport } from "./migration.report";

export interface UsageFigures {
  requests: number;
  tokens: number;
  calls: number;
  response_time_ms: number;
}

/** One imported license's usage this month, as the source logged it. */
export interface LicenseUsage extends UsageFigures {
  licenseId: mongoose.Types.ObjectId;
}

interface CounterState extends UsageFigures {
  _id: string;
  kind: "usage_counter";
  source: string;
  window: string;
  license_id: mongoose.Types.ObjectId;
}

const FIGURES = ["requests", "tokens", "calls", "response_time_ms"] as const;

/**
 * This month's quota counters, rebuilt from the source's logs of this month, so that quotas continue where the old
 * server left them. Requests are counted as the old server counted them (every log of the month), by UTC month.
 *
 * The platform may already be counting into the same counter (both servers live): the import adds what the source
 * logged and remembers it (a state document per counter); a later run adds only the difference. Counter and memory
 * move in one transaction, so a run killed between the two cannot count anything twice.
 */
export async function rebuildMonthCounters(
  target: mongo.Db,
  models: Models,
  sourceKey: string,
  mode: MigrationMode,
  now: Date,
  usage: LicenseUsage[],
): Promise<MigrationReport["usageCounters"]> {
  const window = monthWindow(now);
  const states = target.collection<CounterState>(CHECKPOINT_COLLECTION);
  const counters = models.UsageCounter.collection;
  const stateId = (licenseId: mongoose.Types.ObjectId): string => `${sourceKey}/usage_counter/${licenseId.toHexString()}/${window}`;
  const known = new Map(
    (await states.find({ kind: "usage_counter", source: sourceKey, window }).toArray()).map((state) => [state._id, state]),
  );

  let changed = 0;
  for (const wanted of usage) {
    const { licenseId } = wanted;
    const before = known.get(stateId(licenseId));
    if (FIGURES.every((field) => (before?.[field] ?? 0) === wanted[field])) continue;
    changed += 1;
    if (mode !== "import") continue;
    const figures: UsageFigures = {
      requests: wanted.requests,
      tokens: wanted.tokens,
      calls: wanted.calls,
      response_time_ms: wanted.response_time_ms,
    };
    await inTransaction(models, async (session) => {
      const current = await states.findOne({ _id: stateId(licenseId) }, { session });
      const delta = Object.fromEntries(FIGURES.map((field) => [field, figures[field] - (current?.[field] ?? 0)]));
      await counters.updateOne(
        { license_id: licenseId, window },
        { $inc: delta, $setOnInsert: { cost_micros: 0, reserved_micros: 0, pending: [], expires_at: monthCounterExpiry(window) } },
        { upsert: true, session },
      );
      await states.updateOne(
        { _id: stateId(licenseId) },
        { $set: { kind: "usage_counter", source: sourceKey, window, license_id: licenseId, ...figures } },
        { upsert: true, session },
      );
    });
  }
  return { month: window.slice(2), licenses: usage.length, changed };
}
