import { index, modelOptions, mongoose, prop } from "@typegoose/typegoose";

/**
 * The ordering state of one Paddle subscription (or other entity: transaction, adjustment, …): the `occurred_at` of the newest event applied to it.
 * Advanced only by a guarded write (`last_occurred_at <= this event's`), so an older event arriving late is never
 * applied after a newer one. Later sessions keep the subscription's own billing state here too.
 */
@modelOptions({ schemaOptions: { collection: "billing_subscriptions" }, options: { customName: "BillingSubscription" } })
@index({ key: 1 }, { unique: true })
export class BillingSubscription {
  readonly _id!: mongoose.Types.ObjectId;

  /** The id of the entity the events are about: a subscription (`sub_…`), or a transaction (`txn_…`), adjustment, … */
  @prop({ required: true, type: () => String })
  key!: string;

  @prop({ required: true, type: () => Date })
  last_occurred_at!: Date;

  @prop({ required: true, type: () => String })
  last_event_id!: string;
}
