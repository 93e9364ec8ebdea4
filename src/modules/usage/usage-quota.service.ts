import { randomUUID } from "node:crypto";
import type { mongoose } from "@typegoose/typegoose";
import type { mongo } from "mongoose";
import { systemClock, type Clock } from "../../clock";
import type { Models } from "../../db/models";
import type { Plan } from "../plans/plan.model";
import { evaluateLimits, limitResetsAt, type LimitFactor, type WindowUsage } from "./usage-limits";
import {
  counterExpiry,
  endOfHour,
  endOfMinute,
  hourWindow,
  minuteWindow,
  monthCounterExpiry,
  monthWindow,
  retryAfterSeconds,
  startOfNextMonth,
} from "./usage-windows";
import type { UsageCounter } from "./usage-counter.model";
import type { UsageMetric, UsageReading, UsageThresholdNotifier } from "./usage-threshold.notifier";
import { type UsageStatus } from "./usage-log.model";

/** What one admitted call holds until it is settled or released (DOMAIN.md: reserve, call, settle). */
export interface Reservation {
  /** Also the id of the call's entry in the month counter's `pending` list. */
  id: string;
  licenseId: mongoose.Types.ObjectId;
  /** The windows the call was admitted in: it is charged there even if it ends in the next one (B7). */
  windows: { month: string; hour: string; minute: string };
  estimateMicros: number;
  /** The plan's monthly limits at admission (0: unlimited), for the usage thresholds at settlement. */
  monthlyRequests: number;
  monthlyBudgetMicros: number;
}

/** A refusal names the limit, when it lifts, and the whole seconds until then (by the service's clock). */
export type QuotaRefusal = { ok: false; limit: LimitFactor; resetAt: Date; retryAfter: number };

export type ReserveOutcome = { ok: true; reservation: Reservation } | QuotaRefusal;

/** What the provider's answer cost, and the record of the call (exactly one usage_logs document per call). */
export interface Settlement {
  endpoint: string;
  provider: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  costMicros: number;
  responseTimeMs: number;
  status: UsageStatus;
  site: string | null;
  ip: string | null;
  userAgent: string | null;
}

/** A usage_counters document as the driver sees it (the UsageCounter model without mongoose). */
type CounterDocument = Omit<UsageCounter, "_id">;

/**
 * Admission to the AI proxy (plugin contract §4.3): one request in the month, minute and hour counters and the
 * worst-case cost against the monthly budget, each taken by one guarded `$inc` on `usage_counters` (the guard is
 * the limit), so no limit is exceeded under any concurrency or number of instances. The month counter also
 * lists the in-flight reservations (`pending`), which is what lets a settlement happen exactly once and a sweep
 * release what a dead process left behind.
 */
export class UsageQuotaService {
  constructor(
    private readonly models: Models,
    private readonly clock: Clock = systemClock,
    /** Told the month's figures after each write that changes them (80 % / 100 % messages). */
    private readonly thresholds?: UsageThresholdNotifier,
  ) {}

  private now(): Date {
    return new Date(this.clock());
  }

  // Every AI call makes five of these writes; the driver's collection skips mongoose's casting and document
  // building, which were a third of a call's CPU (bench:proxy). The values written are already of the right types.
  private get counters(): mongo.Collection<CounterDocument> {
    return this.models.UsageCounter.collection as unknown as mongo.Collection<CounterDocument>;
  }

  async reserve(licenseId: mongoose.Types.ObjectId, plan: Plan, estimateMicros: number, now = this.now()): Promise<ReserveOutcome> {
    const reservation: Reservation = {
      id: randomUUID(),
      licenseId,
      windows: { month: monthWindow(now), hour: hourWindow(now), minute: minuteWindow(now) },
      estimateMicros,
      monthlyRequests: plan.monthly_requests,
      monthlyBudgetMicros: plan.monthly_budget_micros,
    };
    const month = await this.takeMonth(reservation, plan, now);
    if (!month) {
      // Which limit refused is read afterwards, in the contract's order (§4.3): the minute and the hour come before
      // the budget. Should a concurrent release have made room meanwhile, the month's own guard is the answer.
      const limit = plan.monthly_budget_micros > 0 ? "monthly_budget" : "monthly_requests";
      const used = await this.usedIn(licenseId, now);
      const [blocking] = evaluateLimits(plan, used, estimateMicros).blocking;
      await this.noteMonthRefusal(reservation, blocking, used);
      return refusal(blocking ?? limit, now);
    }
    // The minute and the hour are taken together (one round trip less); the minute's refusal comes first (§4.3).
    const [minute, hour] = await Promise.all([
      this.takeRequest(licenseId, reservation.windows.minute, plan.requests_per_minute, endOfMinute(now)),
      this.takeRequest(licenseId, reservation.windows.hour, plan.requests_per_hour, endOfHour(now)),
    ]);
    if (minute && hour) {
      // Only for an admitted call: a call the minute or hour refuses gives its month request back.
      await this.thresholds?.afterCount(this.reading(reservation, "requests", month.requests));
      return { ok: true, reservation };
    }
    await Promise.all([
      this.releaseMonth(reservation),
      minute ? this.giveBack(licenseId, reservation.windows.minute) : undefined,
      hour ? this.giveBack(licenseId, reservation.windows.hour) : undefined,
    ]);
    const limit: LimitFactor = minute ? "requests_per_hour" : "requests_per_minute";
    return refusal(limit, now);
  }

  /**
   * The limit that would refuse a call now, read without reserving anything: for requests refused anyway (a bad
   * body), which must change nothing but still answer the limit first when one is reached (§6.4 order).
   */
  async wouldRefuse(
    licenseId: mongoose.Types.ObjectId,
    plan: Plan,
    estimateMicros: number,
    now = this.now(),
  ): Promise<Exclude<ReserveOutcome, { ok: true }> | undefined> {
    const [limit] = evaluateLimits(plan, await this.usedIn(licenseId, now), estimateMicros).blocking;
    return limit === undefined ? undefined : refusal(limit, now);
  }

  /** What the license has used in the windows that hold `now`. */
  private async usedIn(licenseId: mongoose.Types.ObjectId, now: Date): Promise<WindowUsage> {
    const windows = { month: monthWindow(now), hour: hourWindow(now), minute: minuteWindow(now) };
    const found = await this.counters
      .find(
        { license_id: licenseId, window: { $in: Object.values(windows) } },
        { projection: { window: 1, requests: 1, cost_micros: 1, reserved_micros: 1 } },
      )
      .toArray();
    const counter = (window: string) => found.find((entry) => entry.window === window);
    const month = counter(windows.month);
    return {
      monthRequests: month?.requests ?? 0,
      committedMicros: (month?.cost_micros ?? 0) + (month?.reserved_micros ?? 0),
      hourRequests: counter(windows.hour)?.requests ?? 0,
      minuteRequests: counter(windows.minute)?.requests ?? 0,
    };
  }

  /**
   * A call the month refused: its limit is reached for the customer (told once; this also writes the message
   * should the write after the counter's have failed, since every later call is refused here).
   */
  private async noteMonthRefusal(reservation: Reservation, blocking: LimitFactor | undefined, used: WindowUsage): Promise<void> {
    if (blocking === "monthly_requests") {
      await this.thresholds?.limitReached(this.reading(reservation, "requests", used.monthRequests));
    } else if (blocking === "monthly_budget") {
      await this.thresholds?.limitReached(this.reading(reservation, "budget", used.committedMicros));
    }
  }

  private reading(reservation: Reservation, metric: UsageMetric, used: number): UsageReading {
    const month = reservation.windows.month.slice(2);
    return {
      licenseId: reservation.licenseId,
      month,
      metric,
      used,
      limit: metric === "requests" ? reservation.monthlyRequests : reservation.monthlyBudgetMicros,
      resetsAt: startOfNextMonth(new Date(`${month}-01T00:00:00.000Z`)),
    };
  }

  /** A call that never got a provider response: it counts toward no limit (§4.1). */
  async release(reservation: Reservation): Promise<void> {
    await Promise.all([
      this.releaseMonth(reservation),
      this.giveBack(reservation.licenseId, reservation.windows.minute),
      this.giveBack(reservation.licenseId, reservation.windows.hour),
    ]);
  }

  /** A call the provider answered: the reservation becomes the actual cost, and the call is recorded once. */
  async settle(reservation: Reservation, settlement: Settlement, now = this.now()): Promise<void> {
    const tokens = settlement.promptTokens + settlement.completionTokens;
    const figures = { cost_micros: settlement.costMicros, tokens, calls: 1, response_time_ms: settlement.responseTimeMs };
    const [settled] = await Promise.all([
      this.counters.findOneAndUpdate(
        { license_id: reservation.licenseId, window: reservation.windows.month, "pending.id": reservation.id },
        { $inc: { ...figures, reserved_micros: -reservation.estimateMicros }, $pull: { pending: { id: reservation.id } } },
        { returnDocument: "after", projection: { cost_micros: 1 } },
      ),
      // Every field of the UsageLog model is given, so its defaults are not needed.
      this.models.UsageLog.collection.insertOne({
        license_id: reservation.licenseId,
        endpoint: settlement.endpoint,
        provider: settlement.provider,
        model: settlement.model,
        prompt_tokens: settlement.promptTokens,
        completion_tokens: settlement.completionTokens,
        tokens_used: tokens,
        cost_micros: settlement.costMicros,
        response_time_ms: settlement.responseTimeMs,
        status: settlement.status,
        site: settlement.site,
        ip_address: settlement.ip,
        user_agent: settlement.userAgent,
        created_at: now,
      }),
    ]);
    // The sweep released this reservation already (the call outlived the sweep's patience): charge it anew.
    const month =
      settled ??
      (await this.counters.findOneAndUpdate(
        { license_id: reservation.licenseId, window: reservation.windows.month },
        {
          $inc: { ...figures, requests: 1 },
          $setOnInsert: { reserved_micros: 0, pending: [], expires_at: monthCounterExpiry(reservation.windows.month) },
        },
        { upsert: true, returnDocument: "after", projection: { cost_micros: 1 } },
      ));
    if (month) await this.thresholds?.afterCount(this.reading(reservation, "budget", month.cost_micros));
  }

  /**
   * Releases reservations older than `olderThanMs` (their process died between reserving and settling): their
   * cost and their request go back to the month. The minute and hour windows are left to expire.
   * Returns how many were released; each is released once, whoever else sweeps at the same time.
   */
  async sweep(olderThanMs: number, now = this.now()): Promise<number> {
    const cutoff = new Date(now.getTime() - olderThanMs);
    const stale = await this.models.UsageCounter.find({ "pending.at": { $lt: cutoff } }, { license_id: 1, window: 1, pending: 1 })
      .lean()
      .exec();
    let released = 0;
    for (const counter of stale) {
      for (const entry of counter.pending ?? []) {
        if (entry.at.getTime() >= cutoff.getTime()) continue;
        const result = await this.models.UsageCounter.updateOne(
          { _id: counter._id, "pending.id": entry.id },
          { $inc: { requests: -1, reserved_micros: -entry.micros }, $pull: { pending: { id: entry.id } } },
        ).exec();
        released += result.modifiedCount;
      }
    }
    return released;
  }

  /** The month's request and worst-case cost, in one guarded write; the month's request count after it, or null. */
  private takeMonth(reservation: Reservation, plan: Plan, now: Date): Promise<Pick<CounterDocument, "requests"> | null> {
    const guard: Record<string, unknown> = {};
    if (plan.monthly_requests > 0) guard.requests = { $lt: plan.monthly_requests };
    if (plan.monthly_budget_micros > 0) {
      // Settled cost plus in-flight reservations plus this call's worst case must fit the budget (§4.3, check 4).
      // No call is free (evaluateLimits): even a zero worst case needs a micro-euro of room.
      const need = Math.max(reservation.estimateMicros, 1);
      guard.$expr = {
        $lte: [{ $add: [{ $ifNull: ["$cost_micros", 0] }, { $ifNull: ["$reserved_micros", 0] }] }, plan.monthly_budget_micros - need],
      };
    }
    const filter = { license_id: reservation.licenseId, window: reservation.windows.month };
    const update = {
      $inc: { requests: 1, reserved_micros: reservation.estimateMicros },
      $push: { pending: { id: reservation.id, micros: reservation.estimateMicros, at: now } },
    };
    // The count comes back from the same write (one round trip, as an updateOne): the thresholds need no read.
    return this.guardedUpdate(
      filter,
      () => this.counters.findOneAndUpdate({ ...filter, ...guard }, update, { returnDocument: "after", projection: { requests: 1 } }),
      startOfNextMonth(now),
    );
  }

  private async takeRequest(licenseId: mongoose.Types.ObjectId, window: string, limit: number, end: Date): Promise<boolean> {
    const guard = limit > 0 ? { requests: { $lt: limit } } : {};
    const filter = { license_id: licenseId, window };
    const taken = await this.guardedUpdate(
      filter,
      async () => ((await this.counters.updateOne({ ...filter, ...guard }, { $inc: { requests: 1 } })).matchedCount > 0 ? true : null),
      end,
    );
    return taken !== null;
  }

  /**
   * One guarded update of a window's counter. The counter is created on first use by an upsert without the guard
   * (two racing creators meet at the unique index), and the guarded update is then tried once more.
   */
  private async guardedUpdate<T>(filter: Record<string, unknown>, write: () => Promise<T | null>, windowEnds: Date): Promise<T | null> {
    const first = await write();
    if (first !== null) return first;
    try {
      await this.counters.updateOne(
        filter,
        // Kept a while after the window ends, so that a late settlement still finds its counter.
        {
          $setOnInsert: {
            requests: 0,
            tokens: 0,
            cost_micros: 0,
            reserved_micros: 0,
            calls: 0,
            response_time_ms: 0,
            pending: [],
            expires_at: counterExpiry(windowEnds),
          },
        },
        { upsert: true },
      );
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
    }
    return write();
  }

  private async releaseMonth(reservation: Reservation): Promise<void> {
    await this.counters.updateOne(
      { license_id: reservation.licenseId, window: reservation.windows.month, "pending.id": reservation.id },
      { $inc: { requests: -1, reserved_micros: -reservation.estimateMicros }, $pull: { pending: { id: reservation.id } } },
    );
  }

  private async giveBack(licenseId: mongoose.Types.ObjectId, window: string): Promise<void> {
    await this.counters.updateOne({ license_id: licenseId, window, requests: { $gt: 0 } }, { $inc: { requests: -1 } });
  }
}

function refusal(limit: LimitFactor, now: Date): QuotaRefusal {
  const resetAt = limitResetsAt(limit, now);
  return { ok: false, limit, resetAt, retryAfter: retryAfterSeconds(resetAt, now.getTime()) };
}
