import type { mongoose } from "@typegoose/typegoose";
import type { Models } from "../../db/models";
import { microsToDecimal } from "../../money";
import { NotificationKind } from "../notifications/notification.model";
import type { NotificationOutbox } from "../notifications/notification-outbox.service";

/** What a threshold is counted on: the month's admitted requests, or its AI spend against the monthly budget. */
export type UsageMetric = "requests" | "budget";

/** Percentages of a monthly limit at which the customer is told, once each per license, month and metric. */
export const USAGE_THRESHOLDS = [80, 100] as const;
type Threshold = (typeof USAGE_THRESHOLDS)[number];

export interface UsageReading {
  licenseId: mongoose.Types.ObjectId;
  /** `YYYY-MM` (UTC), the month counted in. */
  month: string;
  metric: UsageMetric;
  /** After the counter's write: requests, or micro-euros. */
  used: number;
  /** The plan's monthly limit in the same unit (0: unlimited, never notified). */
  limit: number;
  resetsAt: Date;
}

const SUBJECTS: Record<UsageMetric, Record<Threshold, string>> = {
  requests: { 80: "80 % of your monthly AI requests used", 100: "Your monthly AI request limit is reached" },
  budget: { 80: "80 % of your monthly AI budget used", 100: "Your monthly AI budget is used up" },
};

/**
 * Writes the usage_threshold messages. The quota service calls it with the figures its one atomic counter write
 * returned, so the message follows the change that crossed the threshold. The idempotency key
 * (`usage_threshold:<license>:<YYYY-MM>:<metric>:<80|100>`) makes a repeat (another request, another instance)
 * harmless; this process remembers which keys it has written, so the path over a threshold costs one outbox write
 * per key and process, and the path under it only arithmetic.
 */
export class UsageThresholdNotifier {
  /** Keys written (or being written) by this process this month; cleared when the month changes. */
  private readonly written = new Map<string, Promise<void>>();
  private month = "";

  constructor(
    private readonly models: Models,
    private readonly outbox: NotificationOutbox,
  ) {}

  /** After a counter write: tells of each threshold that `used` is at or over. Resolves, never rejects. */
  afterCount(reading: UsageReading): Promise<void> | undefined {
    if (reading.limit <= 0) return undefined;
    const reached = USAGE_THRESHOLDS.filter((threshold) => reading.used * 100 >= reading.limit * threshold);
    return reached.length === 0 ? undefined : this.notify(reading, reached);
  }

  /**
   * A call refused because the month's limit cannot admit it: the limit is used up for the customer, whatever the
   * settled figures say (a budget refuses a call whose worst case no longer fits, before the spend reaches it).
   */
  limitReached(reading: UsageReading): Promise<void> | undefined {
    return reading.limit <= 0 ? undefined : this.notify(reading, USAGE_THRESHOLDS);
  }

  private notify(reading: UsageReading, thresholds: readonly Threshold[]): Promise<void> | undefined {
    if (reading.month !== this.month) {
      this.written.clear();
      this.month = reading.month;
    }
    const writes: Array<Promise<void>> = [];
    for (const threshold of thresholds) {
      const key = `usage_threshold:${reading.licenseId.toHexString()}:${reading.month}:${reading.metric}:${threshold}`;
      let write = this.written.get(key);
      if (write === undefined) {
        write = this.write(key, reading, threshold);
        this.written.set(key, write);
        // Not remembered when it failed: the next reading over the threshold writes it again.
        write.catch(() => this.written.delete(key));
      }
      writes.push(write);
    }
    // Never rejects: an AI call does not fail for its notification, and a failed write is tried again (above).
    return Promise.allSettled(writes).then(() => undefined);
  }

  private async write(key: string, reading: UsageReading, threshold: Threshold): Promise<void> {
    const license = await this.models.License.findById(reading.licenseId, { customer_id: 1 }).lean().exec();
    const customer = license ? await this.models.Customer.findById(license.customer_id, { email: 1 }).lean().exec() : null;
    const money = reading.metric === "budget";
    await this.outbox.enqueue({
      kind: NotificationKind.usage_threshold,
      idempotencyKey: key,
      subject: SUBJECTS[reading.metric][threshold],
      data: {
        licenseId: reading.licenseId.toHexString(),
        month: reading.month,
        metric: reading.metric,
        threshold,
        // Budgets in euros as exact decimal strings, as GraphQL shows money.
        used: money ? microsToDecimal(reading.used) : reading.used,
        limit: money ? microsToDecimal(reading.limit) : reading.limit,
        ...(money ? { currency: "EUR" } : {}),
        resetsAt: reading.resetsAt.toISOString(),
      },
      customerId: license?.customer_id ?? null,
      licenseId: reading.licenseId,
      recipientEmail: customer?.email ?? null,
      cause: "usage",
    });
  }
}
