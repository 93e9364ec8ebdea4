import { index, modelOptions, mongoose, prop } from "@typegoose/typegoose";

/** A processed webhook event; the unique event id makes a repeated delivery a no-op. */
@modelOptions({ schemaOptions: { collection: "webhook_events" }, options: { customName: "WebhookEvent" } })
@index({ event_id: 1 }, { unique: true })
export class WebhookEvent {
  readonly _id!: mongoose.Types.ObjectId;

  @prop({ required: true, type: () => String })
  event_id!: string;

  @prop({ required: true, type: () => String })
  event_type!: string;

  @prop({ type: () => Date, default: null })
  occurred_at?: Date | null;

  @prop({ required: true, type: () => Date, default: () => new Date() })
  processed_at!: Date;
}
