import type { LicenseVerdict } from "../licenses/license-check.service";
import type { ThrottleService } from "./throttle.service";

const LIMIT = { max: 20, per: "minute" } as const;

/**
 * Slows down key guessing (contract §1.5): once one client IP has looked up more than 20 non-existent keys in a
 * UTC minute, its requests that carry a key are refused until the minute ends. Other IPs are unaffected.
 */
export class FailedLookupGuard {
  constructor(private readonly throttle: ThrottleService) {}

  readonly message = `${LIMIT.max} failed license lookups per 1 ${LIMIT.per}`;

  /** The window's end when the IP is blocked, else undefined. */
  async blockedUntil(ip: string, now = Date.now()): Promise<Date | undefined> {
    const { tightest } = await this.throttle.peek("failed-lookups", ip, [LIMIT], now);
    return tightest.count > LIMIT.max ? tightest.resetAt : undefined;
  }

  /** Records a license check's refusal of a key: unknown keys count for the guard, and every refusal costs the same. */
  async recordVerdict(ip: string, verdict: LicenseVerdict): Promise<void> {
    if (verdict.valid) return;
    await (verdict.code === "LICENSE_NOT_FOUND" ? this.recordFailure(ip) : this.recordRefusal(ip));
  }

  async recordFailure(ip: string, now = Date.now()): Promise<void> {
    await this.throttle.hit("failed-lookups", ip, [LIMIT], now);
  }

  /**
   * A key that exists but was refused (inactive, suspended, expired) is not a failed lookup, yet it costs the same
   * write as one, so that an unknown key cannot be told from a refused one by its timing (reliability K4).
   * Nothing reads these windows; they expire like the others.
   */
  private async recordRefusal(ip: string, now = Date.now()): Promise<void> {
    await this.throttle.hit("refused-lookups", ip, [LIMIT], now);
  }
}
