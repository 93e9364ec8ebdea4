import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { mongoose } from "@typegoose/typegoose";
import type { Clock } from "../../clock";
import type { Models } from "../../db/models";
import { conflict, notFound } from "../../errors";
import { retryDelayMs } from "../billing/webhook-processor.service";
import { DeliveryStatus, type Notification, type NotificationKind } from "./notification.model";
import type { NotificationOutbox } from "./notification-outbox.service";

export const DELIVERY_CHANNELS = ["webhook", "email"] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];

/** Sends one message on one channel; throws when it was not delivered (the error's message is recorded). */
export interface ChannelSender {
  send(notification: Notification, secret: Record<string, string>): Promise<void>;
  close?(): void;
}

export interface DeliveryAttempt {
  notificationId: string;
  idempotencyKey: string;
  kind: NotificationKind;
  channel: DeliveryChannel;
  attempts: number;
  /** Set for a failed attempt, with when the next one is due. */
  error?: string;
  nextAttemptAt?: Date;
}

/** What a pass did, for the worker to log (the service itself does not log). */
export interface DrainReport {
  delivered: DeliveryAttempt[];
  failed: DeliveryAttempt[];
}

/** Longer than a sender's own timeout (10 s): an instance that dies mid-send leaves the message to others after this. */
const LEASE_MS = 60_000;
/** Messages sent at once per channel: a slow receiver does not hold the whole outbox up to its timeout per message. */
const LANES_PER_CHANNEL = 4;
const MAX_ERROR_LENGTH = 1000;

/**
 * Delivers the outbox at least once on each configured channel. A delivery is claimed with one atomic write (due and
 * pending, or leased by an instance whose lease ran out → sending, leased to us), so two instances never send one
 * message at the same time; only the lease owner records the outcome. A failure goes back to pending with a backoff
 * (10 s doubling, capped at 1 h, as webhook events) and its error.
 */
export class NotificationDeliveryService {
  /** Unique per instance (and per process on one host), so a lease names who holds it. */
  private readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  private running: Promise<DrainReport> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly models: Models,
    private readonly outbox: NotificationOutbox,
    private readonly senders: Partial<Record<DeliveryChannel, ChannelSender>>,
    private readonly clock: Clock,
  ) {}

  /** The channels this instance delivers (those configured). */
  get channels(): DeliveryChannel[] {
    return DELIVERY_CHANNELS.filter((channel) => this.senders[channel] !== undefined);
  }

  /**
   * Sends every due delivery and resolves when none is left. A call during a pass joins it and makes it look once
   * more, so a message written meanwhile is not left for the next timer tick.
   */
  drain(): Promise<DrainReport> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** No new pass starts; resolves when the current one has finished (before the database closes). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running?.catch(() => undefined);
    for (const sender of Object.values(this.senders)) sender.close?.();
  }

  /** Makes the message's pending (waiting or failed) deliveries due now; delivered and skipped ones are left alone. */
  async retry(id: mongoose.Types.ObjectId): Promise<Notification> {
    const existing = await this.models.Notification.findById(id).lean<Notification>().exec();
    if (!existing) throw notFound("Notification");
    const now = new Date(this.clock());
    let retried = 0;
    for (const channel of DELIVERY_CHANNELS) {
      const result = await this.models.Notification.updateOne(
        { _id: id, [`${channel}.status`]: DeliveryStatus.pending },
        { $set: { [`${channel}.next_attempt_at`]: now } },
      ).exec();
      retried += result.matchedCount;
    }
    if (retried === 0) {
      throw conflict(`Nothing to retry: the webhook delivery is ${existing.webhook.status} and the e-mail is ${existing.email.status}`, {
        webhook: existing.webhook.status,
        email: existing.email.status,
      });
    }
    const updated = await this.models.Notification.findById(id).lean<Notification>().exec();
    if (!updated) throw notFound("Notification");
    return updated;
  }

  private async run(): Promise<DrainReport> {
    const report: DrainReport = { delivered: [], failed: [] };
    do {
      this.again = false;
      const lanes = this.channels.flatMap((channel) => Array.from({ length: LANES_PER_CHANNEL }, () => this.lane(channel, report)));
      await Promise.all(lanes);
    } while (this.again && !this.stopped);
    return report;
  }

  private async lane(channel: DeliveryChannel, report: DrainReport): Promise<void> {
    while (!this.stopped) {
      const notification = await this.claimNext(channel);
      if (!notification) return;
      await this.deliver(channel, notification, report);
    }
  }

  private claimNext(channel: DeliveryChannel): Promise<Notification | null> {
    const now = new Date(this.clock());
    return this.models.Notification.findOneAndUpdate(
      {
        $or: [
          { [`${channel}.status`]: DeliveryStatus.pending, [`${channel}.next_attempt_at`]: { $lte: now } },
          { [`${channel}.status`]: DeliveryStatus.sending, [`${channel}.lease_until`]: { $lt: now } },
        ],
      },
      {
        $set: {
          [`${channel}.status`]: DeliveryStatus.sending,
          [`${channel}.lease_owner`]: this.owner,
          [`${channel}.lease_until`]: new Date(now.getTime() + LEASE_MS),
        },
        $inc: { [`${channel}.attempts`]: 1 },
      },
      // Oldest first: messages go out in the order their causes happened, as far as retries allow.
      { sort: { _id: 1 }, returnDocument: "after" },
    )
      .lean<Notification>()
      .exec();
  }

  private async deliver(channel: DeliveryChannel, notification: Notification, report: DrainReport): Promise<void> {
    const sender = this.senders[channel];
    const attempt: DeliveryAttempt = {
      notificationId: notification._id.toHexString(),
      idempotencyKey: notification.idempotency_key,
      kind: notification.kind,
      channel,
      attempts: notification[channel].attempts,
    };
    try {
      if (!sender) throw new Error(`${channel} is not configured on this instance`);
      await sender.send(notification, this.outbox.revealSecret(notification));
    } catch (error) {
      const message = errorMessage(error).slice(0, MAX_ERROR_LENGTH);
      const nextAttemptAt = new Date(this.clock() + retryDelayMs(attempt.attempts));
      await this.record(channel, notification, {
        status: DeliveryStatus.pending,
        last_error: message,
        next_attempt_at: nextAttemptAt,
      });
      report.failed.push({ ...attempt, error: message, nextAttemptAt });
      return;
    }
    await this.record(channel, notification, {
      status: DeliveryStatus.delivered,
      delivered_at: new Date(this.clock()),
      next_attempt_at: null,
    });
    report.delivered.push(attempt);
  }

  /** The outcome, written only while the lease is still ours (else another instance has taken the message over). */
  private async record(channel: DeliveryChannel, notification: Notification, fields: Record<string, unknown>): Promise<void> {
    const set: Record<string, unknown> = { [`${channel}.lease_owner`]: null, [`${channel}.lease_until`]: null };
    for (const [field, value] of Object.entries(fields)) set[`${channel}.${field}`] = value;
    await this.models.Notification.updateOne({ _id: notification._id, [`${channel}.lease_owner`]: this.owner }, { $set: set }).exec();
  }
}

/** By shape, not `instanceof Error`: errors from Node's own realm (sockets, fetch) fail that test under some runners. */
function errorMessage(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === "string" ? message : String(error);
}
