import { index, modelOptions, mongoose, prop, Severity } from "@typegoose/typegoose";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { DateTimeISO, JSONObject } from "../../graphql/scalars";

/** What a message is about; receivers switch on it. */
export enum NotificationKind {
  license_issued = "license_issued",
  payment_failed = "payment_failed",
  grace_period_ending = "grace_period_ending",
  license_suspended = "license_suspended",
  usage_threshold = "usage_threshold",
  founders_almost_sold_out = "founders_almost_sold_out",
}
registerEnumType(NotificationKind, { name: "NotificationKind" });

export enum DeliveryStatus {
  /** Waiting for its first or next attempt (`next_attempt_at`). */
  pending = "pending",
  /** Claimed by one instance until `lease_until`. */
  sending = "sending",
  delivered = "delivered",
  /** Not configured (no NOTIFY_WEBHOOK_URL / SMTP_URL), or no address to send to: never attempted. */
  skipped = "skipped",
}
registerEnumType(DeliveryStatus, { name: "DeliveryStatus" });

/** One channel's delivery of one message (webhook or e-mail), retried with backoff until delivered. */
@ObjectType("NotificationDelivery")
export class NotificationDelivery {
  @Field(() => DeliveryStatus)
  @prop({ required: true, enum: DeliveryStatus, type: () => String, default: DeliveryStatus.pending })
  status!: DeliveryStatus;

  @Field(() => Int)
  @prop({ required: true, type: () => Number, default: 0 })
  attempts!: number;

  @Field(() => DateTimeISO, { name: "nextAttemptAt", nullable: true })
  @prop({ type: () => Date, default: null })
  next_attempt_at?: Date | null;

  @Field(() => String, { name: "lastError", nullable: true })
  @prop({ type: () => String, default: null })
  last_error?: string | null;

  @Field(() => DateTimeISO, { name: "deliveredAt", nullable: true })
  @prop({ type: () => Date, default: null })
  delivered_at?: Date | null;

  @prop({ type: () => String, default: null })
  lease_owner?: string | null;

  @prop({ type: () => Date, default: null })
  lease_until?: Date | null;
}

/**
 * The notifications outbox: a message is written in the same transaction as the change that causes it (so there is
 * never a change without its message, nor the reverse), then delivered at least once by a worker. `idempotency_key`
 * is unique: a retried cause writes no second message, and receivers get the key to drop repeated deliveries.
 */
@ObjectType("Notification")
@modelOptions({
  schemaOptions: { collection: "notifications", timestamps: { createdAt: "created_at", updatedAt: "updated_at" } },
  options: { customName: "Notification", allowMixed: Severity.ALLOW },
})
@index({ idempotency_key: 1 }, { unique: true })
@index({ "webhook.status": 1, "webhook.next_attempt_at": 1 })
@index({ "email.status": 1, "email.next_attempt_at": 1 })
@index({ kind: 1, _id: -1 })
@index({ customer_id: 1, _id: -1 })
@index({ license_id: 1, _id: -1 })
export class Notification {
  @Field(() => ID, { name: "id" })
  readonly _id!: mongoose.Types.ObjectId;

  @Field(() => NotificationKind)
  @prop({ required: true, enum: NotificationKind, type: () => String })
  kind!: NotificationKind;

  /** E.g. `license_issued:<license id>`, `usage_threshold:<license>:<month>:requests:80`. */
  @Field({ name: "idempotencyKey" })
  @prop({ required: true, type: () => String })
  idempotency_key!: string;

  @Field(() => ID, { name: "customerId", nullable: true })
  @prop({ type: () => mongoose.Types.ObjectId, default: null })
  customer_id?: mongoose.Types.ObjectId | null;

  @Field(() => ID, { name: "licenseId", nullable: true })
  @prop({ type: () => mongoose.Types.ObjectId, default: null })
  license_id?: mongoose.Types.ObjectId | null;

  /** The customer's address when the message is for the customer (null: operators only, e.g. Founders 90 % sold). */
  @Field(() => String, { name: "recipientEmail", nullable: true })
  @prop({ type: () => String, default: null })
  recipient_email?: string | null;

  @Field()
  @prop({ required: true, type: () => String })
  subject!: string;

  /** What the message says, as JSON (no secrets: those are in `secret_encrypted`). */
  @Field(() => JSONObject)
  @prop({ required: true, type: () => mongoose.Schema.Types.Mixed, default: {} })
  data!: Record<string, unknown>;

  /** Secret fields of the message (the license key), AES-GCM encrypted with APP_SECRET; decrypted only to deliver. */
  @prop({ type: () => String, default: null })
  secret_encrypted?: string | null;

  /** Why: the webhook event id, `admin:<id>`, `system`, … */
  @Field()
  @prop({ required: true, type: () => String })
  cause!: string;

  @Field(() => NotificationDelivery)
  @prop({ required: true, type: () => NotificationDelivery, _id: false })
  webhook!: NotificationDelivery;

  @Field(() => NotificationDelivery)
  @prop({ required: true, type: () => NotificationDelivery, _id: false })
  email!: NotificationDelivery;

  @Field(() => DateTimeISO, { name: "createdAt" })
  created_at!: Date;

  @Field(() => DateTimeISO, { name: "updatedAt" })
  updated_at!: Date;
}
