import { index, modelOptions, mongoose, prop } from "@typegoose/typegoose";

/**
 * The atomic quota state of one license in one UTC window: `m:2026-11`, `h:2026-11-25T10`, `i:2026-11-25T10:41`.
 * Limits are enforced by guarded `$inc`s on these documents; expired windows are removed by the TTL index.
 * `requests` counts admitted requests (in-flight ones included), `cost_micros` settled cost, `reserved_micros`
 * the worst-case cost of calls still in flight.
 */
/** A call admitted and not yet settled (month counters only): what the sweep releases if its process died. */
@modelOptions({ schemaOptions: { _id: false } })
export class PendingReservation {
  @prop({ required: true, type: () => String })
  id!: string;

  @prop({ required: true, type: () => Number })
  micros!: number;

  @prop({ required: true, type: () => Date })
  at!: Date;
}

@modelOptions({ schemaOptions: { collection: "usage_counters" }, options: { customName: "UsageCounter" } })
@index({ license_id: 1, window: 1 }, { unique: true })
@index({ expires_at: 1 }, { expireAfterSeconds: 0 })
@index({ "pending.at": 1 }, { sparse: true })
export class UsageCounter {
  readonly _id!: mongoose.Types.ObjectId;

  @prop({ required: true, type: () => mongoose.Types.ObjectId })
  license_id!: mongoose.Types.ObjectId;

  @prop({ required: true, type: () => String })
  window!: string;

  @prop({ type: () => Number, default: 0 })
  requests!: number;

  @prop({ type: () => Number, default: 0 })
  tokens!: number;

  @prop({ type: () => Number, default: 0 })
  cost_micros!: number;

  @prop({ type: () => Number, default: 0 })
  reserved_micros!: number;

  /** Settled provider calls and the sum of their response times (month windows), for average response times. */
  @prop({ type: () => Number, default: 0 })
  calls!: number;

  @prop({ type: () => Number, default: 0 })
  response_time_ms!: number;

  @prop({ type: () => [PendingReservation], default: [] })
  pending!: PendingReservation[];

  @prop({ required: true, type: () => Date })
  expires_at!: Date;
}
