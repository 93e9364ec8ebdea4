import type { mongoose } from "@typegoose/typegoose";
import type { NotificationsConfig } from "../../config";
import type { Models } from "../../db/models";
import type { Session } from "../../db/transaction";
import { paginate, type Page, type PageRequest } from "../../db/pagination";
import { isDuplicateKey } from "../../errors";
import type { Secrets } from "../../security/secrets";
import { DeliveryStatus, type Notification, type NotificationKind } from "./notification.model";

/** What admins filter the outbox by; `status` matches a message when either channel's delivery has it. */
export interface NotificationFilter {
  kind?: NotificationKind;
  customerId?: mongoose.Types.ObjectId;
  licenseId?: mongoose.Types.ObjectId;
  status?: DeliveryStatus;
  /** Only messages with a delivery whose last attempt failed and that is waiting for its next one. */
  failing?: boolean;
}

export interface NewNotification {
  kind: NotificationKind;
  /** Unique per message: the same key twice (a retried cause) writes one message. */
  idempotencyKey: string;
  subject: string;
  /** What receivers get as `data` (no secrets). */
  data: Record<string, unknown>;
  /** Fields delivered but stored encrypted and never shown in GraphQL (the license key). */
  secret?: Record<string, string>;
  customerId?: mongoose.Types.ObjectId | null;
  licenseId?: mongoose.Types.ObjectId | null;
  /** Set for messages to the customer; null for operators' messages. */
  recipientEmail?: string | null;
  /** The webhook event id, `admin:<id>`, `system`, … */
  cause: string;
}

/**
 * Writes messages into the outbox. Callers pass the session of the transaction that makes the change, so the
 * message exists exactly when the change does; the delivery worker sends it afterwards.
 */
export class NotificationOutbox {
  constructor(
    private readonly models: Models,
    private readonly secrets: Secrets,
    private readonly config: NotificationsConfig,
  ) {}

  /** Returns false when a message with this idempotency key already exists (nothing is written). */
  async enqueue(message: NewNotification, session?: Session): Promise<boolean> {
    const wantsEmail = this.config.smtpUrl !== undefined && Boolean(message.recipientEmail);
    try {
      return await this.insertOnce(message, wantsEmail, session);
    } catch (error) {
      // Two writers of one key at once (e.g. two instances seeing a usage threshold): the upserts meet at the
      // unique index and one fails; the message exists, which is all this asks. Inside a transaction the error
      // must reach the caller, whose transaction the server has aborted.
      if (session === undefined && isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** The outbox, newest first, paginated like every admin list. */
  list(filter: NotificationFilter, page: PageRequest): Promise<Page<Notification>> {
    const query: Record<string, unknown> = {};
    if (filter.kind !== undefined) query["kind"] = filter.kind;
    if (filter.customerId !== undefined) query["customer_id"] = filter.customerId;
    if (filter.licenseId !== undefined) query["license_id"] = filter.licenseId;
    const clauses: Array<Record<string, unknown>> = [];
    if (filter.status !== undefined) clauses.push({ $or: [{ "webhook.status": filter.status }, { "email.status": filter.status }] });
    if (filter.failing)
      clauses.push({
        $or: ["webhook", "email"].map((channel) => ({
          [`${channel}.status`]: DeliveryStatus.pending,
          [`${channel}.last_error`]: { $type: "string" },
        })),
      });
    if (clauses.length) query["$and"] = clauses;
    return paginate<Notification>(this.models.Notification, query, page);
  }

  private async insertOnce(message: NewNotification, wantsEmail: boolean, session: Session | undefined): Promise<boolean> {
    const result = await this.models.Notification.updateOne(
      { idempotency_key: message.idempotencyKey },
      {
        $setOnInsert: {
          kind: message.kind,
          idempotency_key: message.idempotencyKey,
          subject: message.subject,
          data: message.data,
          secret_encrypted: message.secret ? this.secrets.encrypt(JSON.stringify(message.secret)) : null,
          customer_id: message.customerId ?? null,
          license_id: message.licenseId ?? null,
          recipient_email: message.recipientEmail ?? null,
          cause: message.cause,
          webhook: delivery(this.config.webhookUrl !== undefined),
          email: delivery(wantsEmail),
        },
      },
      { upsert: true, session },
    ).exec();
    return result.upsertedCount > 0;
  }

  /** The secret fields of a message, for the delivery worker only. */
  revealSecret(notification: Pick<Notification, "secret_encrypted">): Record<string, string> {
    if (!notification.secret_encrypted) return {};
    return JSON.parse(this.secrets.decrypt(notification.secret_encrypted)) as Record<string, string>;
  }
}

function delivery(configured: boolean): Record<string, unknown> {
  return configured
    ? { status: DeliveryStatus.pending, attempts: 0, next_attempt_at: new Date(0) }
    : { status: DeliveryStatus.skipped, attempts: 0, next_attempt_at: null };
}
