import { setTimeout as sleep } from "node:timers/promises";
import { systemClock, type Clock } from "../../clock";
import type { Models } from "../../db/models";
import { fixedWindow, retryAfterSeconds } from "../usage/usage-windows";

const MAX_FAILED = 20;
/** How long a lookup may wait for room while other lookups of the same IP are in flight. */
const MAX_WAIT_MS = 5_000;

/** A lookup the guard allowed: settle it once its outcome is known. */
export interface LookupTicket {
  windowId: string;
}

export type LookupAdmission = { allowed: true; ticket: LookupTicket } | { allowed: false; until: Date; retryAfter: number };

/**
 * Slows down key guessing (contract §1.5): one client IP may look up at most 20 non-existent keys in a UTC minute,
 * then every request of it that carries a key is refused until the minute ends. Other IPs are unaffected.
 *
 * The count is taken before the lookup, atomically (one `$inc` of the IP's window, shared by every instance), and
 * given back once the key turns out to exist. So lookups in flight count too, and no amount of concurrency gets
 * more than 21 unknown keys looked up (the 21st trips the guard). A lookup that finds the count full of lookups
 * still in flight (not of failures) waits for them rather than being refused: a busy client sharing one IP is
 * slowed for milliseconds, never refused, while a guesser is stopped at 21.
 */
export class FailedLookupGuard {
  constructor(
    private readonly models: Models,
    private readonly clock: Clock = systemClock,
  ) {}

  readonly message = `${MAX_FAILED} failed license lookups per 1 minute`;

  async admit(ip: string): Promise<LookupAdmission> {
    const deadline = this.clock() + MAX_WAIT_MS;
    for (let attempt = 0; ; attempt++) {
      const now = this.clock();
      const { start, end: until } = fixedWindow(now, "minute");
      const windowId = `failed-lookups|minute|${ip}|${start}`;
      const window = await this.models.RateWindow.findOneAndUpdate(
        { _id: windowId },
        { $inc: { count: 1 }, $setOnInsert: { expires_at: until } },
        { upsert: true, returnDocument: "after" },
      )
        .lean()
        .exec();
      if ((window?.count ?? 1) <= MAX_FAILED + 1) return { allowed: true, ticket: { windowId } };
      if ((window?.failed ?? 0) > MAX_FAILED) return { allowed: false, until, retryAfter: retryAfterSeconds(until, now) };
      // Full of lookups still in flight: give the count back and wait for them to settle.
      await this.models.RateWindow.updateOne({ _id: windowId }, { $inc: { count: -1 } }).exec();
      if (now >= deadline) return { allowed: false, until: new Date(now + 1000), retryAfter: 1 };
      await sleep(Math.min(50, 2 + attempt * 2) * (0.5 + Math.random()));
    }
  }

  /**
   * A key that exists (whatever its status) gives its count back; an unknown one keeps it and is recorded as failed.
   * Both are one write to the same document, so an unknown key and a refused one cost the same (reliability K4).
   */
  async settle(ticket: LookupTicket, known: boolean): Promise<void> {
    await this.models.RateWindow.updateOne({ _id: ticket.windowId }, { $inc: known ? { count: -1 } : { failed: 1 } }).exec();
  }
}
