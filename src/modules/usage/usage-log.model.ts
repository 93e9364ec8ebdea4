import { index, modelOptions, mongoose, prop } from "@typegoose/typegoose";
import { registerEnumType } from "type-graphql";

export enum UsageStatus {
  ok = "ok",
  provider_error = "provider_error",
  timeout = "timeout",
}
registerEnumType(UsageStatus, { name: "UsageStatus" });

/** One document per provider call, never more (written by the AI proxy when it settles a call). */
@modelOptions({ schemaOptions: { collection: "usage_logs" }, options: { customName: "UsageLog" } })
@index({ license_id: 1, created_at: -1 })
@index({ created_at: -1 })
export class UsageLog {
  readonly _id!: mongoose.Types.ObjectId;

  @prop({ required: true, type: () => mongoose.Types.ObjectId })
  license_id!: mongoose.Types.ObjectId;

  @prop({ required: true, type: () => String })
  endpoint!: string;

  @prop({ type: () => String, default: null })
  provider?: string | null;

  @prop({ type: () => String, default: null })
  model?: string | null;

  @prop({ type: () => Number, default: 0 })
  prompt_tokens!: number;

  @prop({ type: () => Number, default: 0 })
  completion_tokens!: number;

  @prop({ type: () => Number, default: 0 })
  tokens_used!: number;

  @prop({ type: () => Number, default: 0 })
  cost_micros!: number;

  @prop({ type: () => Number, default: 0 })
  response_time_ms!: number;

  @prop({ type: () => String, enum: UsageStatus, default: UsageStatus.ok })
  status!: UsageStatus;

  @prop({ type: () => String, default: null })
  site?: string | null;

  @prop({ type: () => String, default: null })
  ip_address?: string | null;

  @prop({ type: () => String, default: null })
  user_agent?: string | null;

  @prop({ required: true, type: () => Date, default: () => new Date() })
  created_at!: Date;
}
