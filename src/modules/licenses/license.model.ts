import { index, modelOptions, mongoose, prop, Severity } from "@typegoose/typegoose";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { DateTimeISO } from "../../graphql/scalars";

export enum LicenseStatus {
  active = "active",
  inactive = "inactive",
  suspended = "suspended",
  expired = "expired",
  cancelled = "cancelled",
}
registerEnumType(LicenseStatus, { name: "LicenseStatus", description: "Only active licenses pass validation" });

/**
 * A license. The key itself is never stored: it is looked up by `key_digest` (HMAC-SHA256 with APP_SECRET)
 * and kept AES-256-GCM-encrypted in `key_encrypted` so an admin can reveal it (audited).
 */
@ObjectType("License")
@modelOptions({
  schemaOptions: { collection: "licenses", timestamps: { createdAt: "created_at", updatedAt: "updated_at" } },
  options: { customName: "License", allowMixed: Severity.ALLOW },
})
@index({ key_digest: 1 }, { unique: true })
@index({ customer_id: 1, _id: -1 })
@index({ plan_id: 1, status: 1 })
@index({ status: 1, _id: -1 })
@index({ key_last4: 1 })
@index({ paddle_subscription_id: 1 }, { sparse: true })
// Only licenses in a billing grace period have it: the grace sweeper's query reads this small index.
@index({ grace_until: 1 }, { sparse: true })
// One license per one-time purchase: a replayed or concurrent transaction.completed cannot issue a second.
@index({ paddle_transaction_id: 1 }, { unique: true, sparse: true })
export class License {
  @Field(() => ID, { name: "id" })
  readonly _id!: mongoose.Types.ObjectId;

  @prop({ required: true, type: () => String })
  key_digest!: string;

  @prop({ required: true, type: () => String })
  key_encrypted!: string;

  @Field({ name: "keyLast4", description: "The last 4 characters of the key, to recognise it" })
  @prop({ required: true, type: () => String })
  key_last4!: string;

  @prop({ required: true, type: () => mongoose.Types.ObjectId })
  customer_id!: mongoose.Types.ObjectId;

  @prop({ required: true, type: () => mongoose.Types.ObjectId })
  plan_id!: mongoose.Types.ObjectId;

  @Field(() => String, { nullable: true })
  @prop({ type: () => String, default: null })
  domain?: string | null;

  @Field(() => LicenseStatus)
  @prop({ required: true, enum: LicenseStatus, type: () => String, default: LicenseStatus.active })
  status!: LicenseStatus;

  @Field(() => String, { name: "statusReason", nullable: true })
  @prop({ type: () => String, default: null })
  status_reason?: string | null;

  @Field(() => DateTimeISO, { name: "activatedAt", nullable: true })
  @prop({ type: () => Date, default: null })
  activated_at?: Date | null;

  @Field(() => DateTimeISO, { name: "expiresAt", nullable: true, description: "null: never expires" })
  @prop({ type: () => Date, default: null })
  expires_at?: Date | null;

  @Field(() => DateTimeISO, { name: "lastCheck", nullable: true })
  @prop({ type: () => Date, default: null })
  last_check?: Date | null;

  @prop({ type: () => mongoose.Schema.Types.Mixed, default: {} })
  metadata!: Record<string, unknown>;

  @Field(() => String, { name: "paddleSubscriptionId", nullable: true, description: "The Paddle subscription (sub_…) that sells it" })
  @prop({ type: () => String, default: undefined })
  paddle_subscription_id?: string;

  @Field(() => String, {
    name: "paddleTransactionId",
    nullable: true,
    description: "The Paddle one-time purchase (txn_…) it was bought with",
  })
  @prop({ type: () => String, default: undefined })
  paddle_transaction_id?: string;

  /**
   * Set while its subscription is past due and the license still valid (billing lifecycle); unset otherwise. Kept on
   * the license so that /api/validate can show the grace period without reading the billing state.
   */
  @Field(() => DateTimeISO, { name: "graceUntil", nullable: true, description: "Payment past due: valid until then, then suspended" })
  @prop({ type: () => Date, default: undefined })
  grace_until?: Date | null;

  @Field(() => Int, { name: "activeSites", description: "Sites using a seat (development sites are free)" })
  @prop({ required: true, type: () => Number, default: 0 })
  active_sites!: number;

  @Field(() => DateTimeISO, { name: "createdAt" })
  created_at!: Date;

  @Field(() => DateTimeISO, { name: "updatedAt" })
  updated_at!: Date;
}
