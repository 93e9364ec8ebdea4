import { index, modelOptions, mongoose, prop, Severity } from "@typegoose/typegoose";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { DateTimeISO, JSONObject } from "../../graphql/scalars";

export enum WebhookEventStatus {
  /** Stored, waiting for the worker. */
  pending = "pending",
  /** Claimed by one instance until `lease_until`. */
  processing = "processing",
  processed = "processed",
  /** No handler for its type: kept for the record, never acted on. */
  ignored = "ignored",
  /** The handler threw; retried at `next_attempt_at`. */
  failed = "failed",
}
registerEnumType(WebhookEventStatus, { name: "WebhookEventStatus" });

/**
 * A webhook event as received, stored before it is acted on. The unique event id makes a repeated delivery a no-op;
 * the status and lease make each event processed by exactly one instance.
 */
@ObjectType("WebhookEvent")
@modelOptions({
  schemaOptions: { collection: "webhook_events", timestamps: { createdAt: "received_at", updatedAt: "updated_at" } },
  options: { customName: "WebhookEvent", allowMixed: Severity.ALLOW },
})
@index({ event_id: 1 }, { unique: true })
@index({ status: 1, next_attempt_at: 1 })
@index({ status: 1, _id: -1 })
@index({ event_type: 1, _id: -1 })
@index({ attention: 1, _id: -1 }, { sparse: true })
export class WebhookEvent {
  @Field(() => ID, { name: "id" })
  readonly _id!: mongoose.Types.ObjectId;

  @Field()
  @prop({ required: true, type: () => String, default: "paddle" })
  provider!: string;

  @Field({ name: "eventId" })
  @prop({ required: true, type: () => String })
  event_id!: string;

  @Field({ name: "eventType" })
  @prop({ required: true, type: () => String })
  event_type!: string;

  @Field(() => DateTimeISO, { name: "occurredAt", nullable: true })
  @prop({ type: () => Date, default: null })
  occurred_at?: Date | null;

  @Field(() => String, { name: "notificationId", nullable: true })
  @prop({ type: () => String, default: null })
  notification_id?: string | null;

  /** What ordering is kept within: the id of the entity the event is about (`sub_…`, `txn_…`; null: no ordering). */
  @Field(() => String, { name: "groupKey", nullable: true })
  @prop({ type: () => String, default: null })
  group_key?: string | null;

  /** The parsed body exactly as received (snake_case, as Paddle sends it). */
  @Field(() => JSONObject, { description: "The body as received (owners and admins only)" })
  @prop({ required: true, type: () => mongoose.Schema.Types.Mixed })
  payload!: Record<string, unknown>;

  @Field(() => WebhookEventStatus)
  @prop({ required: true, enum: WebhookEventStatus, type: () => String, default: WebhookEventStatus.pending })
  status!: WebhookEventStatus;

  /** Why it ended as it did without its handler's effect, e.g. `superseded` or `no handler`. */
  @Field(() => String, { nullable: true })
  @prop({ type: () => String, default: null })
  note?: string | null;

  /**
   * Set by a handler when the event needs a person: `unknown_price` (no plan sells its price: no license was issued),
   * `refund_needed` (a Founders sale over the cap: recorded, no license, refund it in Paddle), … Null otherwise.
   */
  @Field(() => String, {
    nullable: true,
    description: "Why this event needs an operator (unknown_price, refund_needed, …); null when it does not",
  })
  @prop({ type: () => String, default: null })
  attention?: string | null;

  @Field(() => Int, { description: "How many times processing was started" })
  @prop({ required: true, type: () => Number, default: 0 })
  attempts!: number;

  @Field(() => DateTimeISO, { name: "nextAttemptAt", nullable: true })
  @prop({ type: () => Date, default: null })
  next_attempt_at?: Date | null;

  @Field(() => String, { name: "lastError", nullable: true })
  @prop({ type: () => String, default: null })
  last_error?: string | null;

  @prop({ type: () => String, default: null })
  lease_owner?: string | null;

  @prop({ type: () => Date, default: null })
  lease_until?: Date | null;

  @Field(() => DateTimeISO, { name: "processedAt", nullable: true })
  @prop({ type: () => Date, default: null })
  processed_at?: Date | null;

  @Field(() => DateTimeISO, { name: "receivedAt" })
  received_at!: Date;
}
