import { paginate, type Page, type PageRequest } from "../../db/pagination";
import type { Models } from "../../db/models";
import { conflict, isDuplicateKey, notFound } from "../../errors";
import type { mongoose } from "@typegoose/typegoose";
import { WebhookEventStatus, type WebhookEvent } from "./webhook-event.model";

/** An event whose signature was verified and whose envelope was read (paddle-webhook.route.ts). */
export interface IncomingWebhookEvent {
  provider: string;
  eventId: string;
  eventType: string;
  occurredAt: Date | null;
  notificationId: string | null;
  groupKey: string | null;
  payload: Record<string, unknown>;
}

export interface WebhookEventFilter {
  status?: WebhookEventStatus;
  needsAttention?: boolean;
  eventType?: string;
}

/** Stores received events once, lists them, and puts a failed one back in line. */
export class WebhookEventService {
  constructor(private readonly models: Models) {}

  /**
   * Insert first, under the unique event id: a repeat (Paddle's retry, a replay, a second instance receiving the
   * same event at once) gets the duplicate-key error and is "already stored", never a second record.
   */
  async store(event: IncomingWebhookEvent): Promise<"stored" | "duplicate"> {
    try {
      await this.models.WebhookEvent.create({
        provider: event.provider,
        event_id: event.eventId,
        event_type: event.eventType,
        occurred_at: event.occurredAt,
        notification_id: event.notificationId,
        group_key: event.groupKey,
        payload: event.payload,
        status: WebhookEventStatus.pending,
      });
      return "stored";
    } catch (error) {
      if (isDuplicateKey(error)) return "duplicate";
      throw error;
    }
  }

  list(filter: WebhookEventFilter, page: PageRequest): Promise<Page<WebhookEvent>> {
    const query: Record<string, unknown> = {};
    if (filter.status !== undefined) query["status"] = filter.status;
    if (filter.eventType !== undefined) query["event_type"] = filter.eventType;
    if (filter.needsAttention !== undefined) query["attention"] = filter.needsAttention ? { $ne: null } : null;
    return paginate<WebhookEvent>(this.models.WebhookEvent, query, page);
  }

  /** A failed event is tried again at once (by the next worker pass); any other status is refused. */
  async retry(id: mongoose.Types.ObjectId): Promise<WebhookEvent> {
    const updated = await this.models.WebhookEvent.findOneAndUpdate(
      { _id: id, status: WebhookEventStatus.failed },
      { $set: { status: WebhookEventStatus.pending, next_attempt_at: null } },
      { returnDocument: "after" },
    )
      .lean<WebhookEvent>()
      .exec();
    if (updated) return updated;
    const existing = await this.models.WebhookEvent.findById(id).lean<WebhookEvent>().exec();
    if (!existing) throw notFound("Webhook event");
    throw conflict(`Only a failed event can be retried (this one is ${existing.status})`, { status: existing.status });
  }
}
