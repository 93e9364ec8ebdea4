import { index, modelOptions, prop } from "@typegoose/typegoose";

/**
 * One fixed throttling window of one client on one route: `_id` is "<scope>|<client>|<window start ms>".
 * Kept in MongoDB so that every instance of the platform shares the counts; the TTL index removes old windows.
 */
@modelOptions({ schemaOptions: { collection: "rate_limits", _id: false }, options: { customName: "RateWindow" } })
@index({ expires_at: 1 }, { expireAfterSeconds: 0 })
export class RateWindow {
  @prop({ required: true, type: () => String })
  _id!: string;

  @prop({ required: true, type: () => Number, default: 0 })
  count!: number;

  /** The failed-lookup guard's windows only: how many of the counted lookups were of unknown keys. */
  @prop({ type: () => Number })
  failed?: number;

  @prop({ required: true, type: () => Date })
  expires_at!: Date;
}
