import { index, modelOptions, mongoose, prop } from "@typegoose/typegoose";
import { Field, ID, Int, ObjectType } from "type-graphql";
import { DateTimeISO } from "../../graphql/scalars";

/**
 * The ordering state of one Paddle subscription (or other entity: transaction, adjustment, …): the `occurred_at` of the newest event applied to it.
 * Advanced only by a guarded write (`last_occurred_at <= this event's`), so an older event arriving late is never
 * applied after a newer one.
 *
 * For a subscription (`sub_…`) the same document keeps its billing state, written by the subscription lifecycle
 * in the transaction of the license change it goes with (or its own when the license does not change). Rows of
 * other entities have only the ordering fields (`status` unset).
 */
@ObjectType("BillingSubscription", { description: "A Paddle subscription's billing state, as its newest applied event left it" })
@modelOptions({ schemaOptions: { collection: "billing_subscriptions" }, options: { customName: "BillingSubscription" } })
@index({ key: 1 }, { unique: true })
@index({ status: 1, _id: -1 }, { sparse: true })
@index({ customer_id: 1 }, { sparse: true })
export class BillingSubscription {
  @Field(() => ID, { name: "id" })
  readonly _id!: mongoose.Types.ObjectId;

  /** The id of the entity the events are about: a subscription (`sub_…`), or a transaction (`txn_…`), adjustment, … */
  @Field({ name: "paddleSubscriptionId" })
  @prop({ required: true, type: () => String })
  key!: string;

  @Field(() => DateTimeISO, { name: "lastEventAt", description: "occurred_at of the newest event applied" })
  @prop({ required: true, type: () => Date })
  last_occurred_at!: Date;

  @prop({ required: true, type: () => String })
  last_event_id!: string;

  /** The occurred_at of the snapshot the billing state below reflects (an older snapshot never overwrites it). */
  @prop({ type: () => Date })
  snapshot_at?: Date;

  /** Paddle's status: active, trialing, past_due, paused, canceled. */
  @Field(() => String, { nullable: true })
  @prop({ type: () => String })
  status?: string;

  @prop({ type: () => String })
  paddle_customer_id?: string;

  @prop({ type: () => mongoose.Types.ObjectId })
  customer_id?: mongoose.Types.ObjectId;

  /** The license the subscription sells; set once, in the transaction that issues it (the exactly-once guard). */
  @prop({ type: () => mongoose.Types.ObjectId, default: undefined })
  license_id?: mongoose.Types.ObjectId | null;

  /** The plan the license is on (null: the price sells no plan yet). */
  @prop({ type: () => mongoose.Types.ObjectId, default: undefined })
  plan_id?: mongoose.Types.ObjectId | null;

  /** The first recurring item's price (`pri_…`). */
  @Field(() => String, { name: "priceId", nullable: true })
  @prop({ type: () => String })
  price_id?: string;

  @Field(() => String, { nullable: true })
  @prop({ type: () => String })
  currency?: string;

  @Field(() => DateTimeISO, { name: "currentPeriodEndsAt", nullable: true })
  @prop({ type: () => Date, default: undefined })
  current_period_ends_at?: Date | null;

  /** `scheduled_change.effective_at` when its action is `cancel`: the license expires then. */
  @Field(() => DateTimeISO, { name: "scheduledCancelAt", nullable: true })
  @prop({ type: () => Date, default: undefined })
  scheduled_cancel_at?: Date | null;

  /** The expires_at this lifecycle last put on the license (so it only clears an expiry it set itself). */
  @prop({ type: () => Date, default: undefined })
  billing_expires_at?: Date | null;

  @Field(() => DateTimeISO, { name: "pastDueSince", nullable: true })
  @prop({ type: () => Date, default: undefined })
  past_due_since?: Date | null;

  /** The event that moved it to past_due: the cause named when the grace period ends. */
  @prop({ type: () => String, default: undefined })
  past_due_event_id?: string | null;

  @Field(() => DateTimeISO, { name: "graceUntil", nullable: true })
  @prop({ type: () => Date, default: undefined })
  grace_until?: Date | null;

  /** Set when the grace sweeper suspended the license for this past_due period (it does so once). */
  @prop({ type: () => Date, default: undefined })
  grace_suspended_at?: Date | null;

  /** Σ recurring items' unit price × quantity, per month, before discounts (integer cents). */
  @Field(() => Int, { name: "listMrrCents", nullable: true })
  @prop({ type: () => Number })
  list_mrr_cents?: number;

  /** The MRR of the subscription's latest current mrr_changes row (0 when trialing, paused or cancelled). */
  @Field(() => Int, { name: "mrrCents", nullable: true })
  @prop({ type: () => Number })
  mrr_cents?: number;

  /** The plan of that row, to write a new one when only the plan changed. */
  @prop({ type: () => mongoose.Types.ObjectId, default: undefined })
  mrr_plan_id?: mongoose.Types.ObjectId | null;

  /** The future zero row of a scheduled cancellation (its cause), removed when the customer undoes it. */
  @prop({ type: () => String, default: undefined })
  scheduled_mrr_cause?: string | null;

  /** The discount of the latest recurring charge: discount_cents ÷ discount_subtotal_cents (see SubscriptionMrrService). */
  @prop({ type: () => Number })
  discount_cents?: number;

  @prop({ type: () => Number })
  discount_subtotal_cents?: number;

  /** Paddle's `discount.id` on the subscription, for people (its amount is known only from charges). */
  @Field(() => String, { name: "discountId", nullable: true })
  @prop({ type: () => String, default: undefined })
  discount_id?: string | null;

  @Field(() => DateTimeISO, { name: "updatedAt", nullable: true })
  @prop({ type: () => Date })
  updated_at?: Date;
}
