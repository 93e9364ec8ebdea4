import { index, modelOptions, mongoose, prop } from "@typegoose/typegoose";

/**
 * One change of one subscription's monthly recurring revenue: the new value, from `effective_at` on. A
 * subscription's MRR at any instant is the `mrr_cents` of its latest change at or before that instant (none: 0), so
 * MRR, its movements and the daily snapshots of any past day are computed from these rows, never copied forward.
 * Written by the billing lifecycle in the same transaction as the license change it goes with; a scheduled
 * cancellation is written at once with the future `effective_at` of the period's end.
 */
@modelOptions({ schemaOptions: { collection: "mrr_changes", timestamps: { createdAt: "created_at", updatedAt: false } } })
@index({ subscription_id: 1, effective_at: -1, _id: -1 })
@index({ effective_at: 1 })
@index({ customer_id: 1, effective_at: 1 })
// One row per cause and subscription: a retried handler writes nothing twice.
@index({ subscription_id: 1, cause: 1 }, { unique: true })
export class MrrChange {
  readonly _id!: mongoose.Types.ObjectId;

  /** The provider's subscription id (Paddle `sub_…`). */
  @prop({ required: true, type: () => String })
  subscription_id!: string;

  @prop({ required: true, type: () => mongoose.Types.ObjectId })
  customer_id!: mongoose.Types.ObjectId;

  @prop({ type: () => mongoose.Types.ObjectId, default: null })
  license_id?: mongoose.Types.ObjectId | null;

  /** The plan the subscription is on from `effective_at` (for revenue by plan). */
  @prop({ type: () => mongoose.Types.ObjectId, default: null })
  plan_id?: mongoose.Types.ObjectId | null;

  /** The normalised monthly value from `effective_at`: list price × quantity ÷ months per cycle, less discounts, tax excluded; 0 when not paying (cancelled, paused). */
  @prop({ required: true, type: () => Number })
  mrr_cents!: number;

  /** ISO 4217, upper case, as the provider sends it. */
  @prop({ required: true, type: () => String })
  currency!: string;

  @prop({ required: true, type: () => Date })
  effective_at!: Date;

  /** What the subscription's status became (`active`, `past_due`, `paused`, `canceled`, …), for the record. */
  @prop({ required: true, type: () => String })
  status!: string;

  /** Why: the webhook event id (`evt_…`), or `admin:<id>` for a manual change. */
  @prop({ required: true, type: () => String })
  cause!: string;

  created_at!: Date;
}
