import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Clock } from "../../clock";
import type { Models } from "../../db/models";
import { isDuplicateKey } from "../../errors";
import { WebhookEventStatus, type WebhookEvent } from "./webhook-event.model";
import type { HandlerOutcome, WebhookHandlerRegistry } from "./webhook-handlers";

/** Long enough for any handler; an instance that dies mid-event leaves it to be claimed again after this. */
const LEASE_MS = 60_000;
const FIRST_RETRY_MS = 10_000;
const MAX_RETRY_MS = 60 * 60_000;
const MAX_ERROR_LENGTH = 1000;
const ORDER_WRITE_TRIES = 2;

/** The wait before the next attempt after `failedAttempts` failures: 10 s, 20 s, 40 s, … capped at 1 h. */
export function retryDelayMs(failedAttempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, failedAttempts - 1), MAX_RETRY_MS);
}

/**
 * Applies stored events through their handlers, exactly once across instances: an event is claimed with one atomic
 * write (pending, or failed and due, or leased by an instance whose lease ran out → processing, leased to us), and
 * finished only by its lease owner.
 */
export class WebhookProcessor {
  /** Unique per instance (and per process on one host), so a lease names who holds it. */
  private readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly models: Models,
    readonly handlers: WebhookHandlerRegistry,
    private readonly clock: Clock,
  ) {}

  /**
   * Processes every due event and resolves when none is left. Calls during a pass join it, and make it look once
   * more, so an event stored meanwhile is not left for the next timer tick.
   */
  drain(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /**
   * No new pass starts; resolves when the current one has finished (before the database closes). A pass that failed
   * (the database went away) was reported by whoever started it: stopping must not fail because of it.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running?.catch(() => undefined);
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      while (!this.stopped) {
        const event = await this.claimNext();
        if (!event) break;
        await this.process(event);
      }
    } while (this.again && !this.stopped);
  }

  private async claimNext(): Promise<WebhookEvent | null> {
    const now = new Date(this.clock());
    return this.models.WebhookEvent.findOneAndUpdate(
      {
        $or: [
          { status: WebhookEventStatus.pending },
          { status: WebhookEventStatus.failed, next_attempt_at: { $lte: now } },
          { status: WebhookEventStatus.processing, lease_until: { $lt: now } },
        ],
      },
      {
        $set: { status: WebhookEventStatus.processing, lease_owner: this.owner, lease_until: new Date(now.getTime() + LEASE_MS) },
        $inc: { attempts: 1 },
      },
      // Oldest first, so events of one subscription that wait together are applied in their order.
      { sort: { occurred_at: 1, _id: 1 }, returnDocument: "after" },
    )
      .lean<WebhookEvent>()
      .exec();
  }

  private async process(event: WebhookEvent): Promise<void> {
    const handler = this.handlers.handlerFor(event.event_type);
    if (!handler) return this.finish(event, WebhookEventStatus.ignored, "no handler for this event type");
    if (event.group_key && event.occurred_at && !(await this.takeTurn(event.group_key, event.occurred_at, event.event_id))) {
      return this.finish(event, WebhookEventStatus.ignored, `superseded: a newer event for ${event.group_key} was already applied`);
    }
    let outcome: HandlerOutcome | void;
    try {
      outcome = await handler(event);
    } catch (error) {
      return this.fail(event, error);
    }
    return this.finish(event, WebhookEventStatus.processed, outcome?.note ?? null, outcome?.attention ?? null);
  }

  /**
   * Advances the group's newest applied `occurred_at` to this event's, unless a newer one is there already (then
   * false). One guarded write: of two instances racing, an older event can never move the mark back. A failed
   * event keeps its mark, so its retry (same `occurred_at`) is still its turn.
   */
  private async takeTurn(key: string, occurredAt: Date, eventId: string): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.models.BillingSubscription.updateOne(
          { key, last_occurred_at: { $lte: occurredAt } },
          { $set: { last_occurred_at: occurredAt, last_event_id: eventId } },
          { upsert: true },
        ).exec();
        return true;
      } catch (error) {
        // The key exists with a newer mark (the upsert's insert collided), or two first events raced to create it:
        // one more try tells them apart.
        if (!isDuplicateKey(error)) throw error;
        if (attempt >= ORDER_WRITE_TRIES) return false;
      }
    }
  }

  private async finish(
    event: WebhookEvent,
    status: WebhookEventStatus,
    note: string | null,
    attention: string | null = null,
  ): Promise<void> {
    await this.models.WebhookEvent.updateOne(
      { _id: event._id, lease_owner: this.owner },
      {
        $set: {
          status,
          note,
          attention,
          last_error: null,
          processed_at: new Date(this.clock()),
          next_attempt_at: null,
          lease_owner: null,
          lease_until: null,
        },
      },
    ).exec();
  }

  private async fail(event: WebhookEvent, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    await this.models.WebhookEvent.updateOne(
      { _id: event._id, lease_owner: this.owner },
      {
        $set: {
          status: WebhookEventStatus.failed,
          last_error: message.slice(0, MAX_ERROR_LENGTH),
          next_attempt_at: new Date(this.clock() + retryDelayMs(event.attempts)),
          lease_owner: null,
          lease_until: null,
        },
      },
    ).exec();
  }
}
