import { systemClock, type Clock } from "../../clock";
import type { Models } from "../../db/models";
import { fixedWindow, retryAfterSeconds, type WindowUnit } from "../usage/usage-windows";

export interface Limit {
  max: number;
  per: WindowUnit;
}

export interface WindowState {
  limit: Limit;
  count: number;
  /** When the window ends (UTC-aligned). */
  resetAt: Date;
}

export interface ThrottleVerdict {
  allowed: boolean;
  /** Whole seconds until the tightest window ends (at least 1), by the service's clock. */
  retryAfter: number;
  /** The window with the fewest requests left (for the X-RateLimit headers), or the one exceeded. */
  tightest: WindowState;
}

/**
 * Fixed UTC-aligned windows counted with one atomic upsert-and-increment each, in MongoDB, so the limits hold
 * across instances (contract §1.5). A request over any of its limits is refused.
 */
export class ThrottleService {
  constructor(
    private readonly models: Models,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Counts one request against every limit of a scope; `client` is already a digest (never a raw key). */
  async hit(scope: string, client: string, limits: readonly Limit[]): Promise<ThrottleVerdict> {
    const now = this.clock();
    const states = await Promise.all(limits.map((limit) => this.count(scope, client, limit, now, 1)));
    return verdict(states, now);
  }

  /** The current counts without counting (for responses to requests that do not count). */
  async peek(scope: string, client: string, limits: readonly Limit[]): Promise<ThrottleVerdict> {
    const now = this.clock();
    const states = await Promise.all(limits.map((limit) => this.count(scope, client, limit, now, 0)));
    return verdict(states, now);
  }

  private async count(scope: string, client: string, limit: Limit, now: number, increment: 0 | 1): Promise<WindowState> {
    const { start, end: resetAt } = fixedWindow(now, limit.per);
    const id = `${scope}|${limit.per}|${client}|${start}`;
    if (increment === 0) {
      const current = await this.models.RateWindow.findById(id).lean().exec();
      return { limit, count: current?.count ?? 0, resetAt };
    }
    const updated = await this.models.RateWindow.findOneAndUpdate(
      { _id: id },
      { $inc: { count: 1 }, $setOnInsert: { expires_at: resetAt } },
      { upsert: true, returnDocument: "after" },
    )
      .lean()
      .exec();
    return { limit, count: updated?.count ?? 1, resetAt };
  }
}

function verdict(states: WindowState[], now: number): ThrottleVerdict {
  const exceeded = states.find((state) => state.count > state.limit.max);
  const tightest = exceeded ?? states.reduce((best, state) => (state.limit.max - state.count < best.limit.max - best.count ? state : best));
  return { allowed: exceeded === undefined, tightest, retryAfter: retryAfterSeconds(tightest.resetAt, now) };
}
