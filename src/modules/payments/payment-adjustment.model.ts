import { index, modelOptions, mongoose, prop, Severity } from "@typegoose/typegoose";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { DateTimeISO } from "../../graphql/scalars";

/** Paddle's adjustment actions (research: next-anchors.md §1.2); a manual adjustment uses the same words. */
export enum AdjustmentAction {
  refund = "refund",
  credit = "credit",
  credit_reverse = "credit_reverse",
  chargeback = "chargeback",
  chargeback_reverse = "chargeback_reverse",
  chargeback_warning = "chargeback_warning",
  chargeback_warning_reverse = "chargeback_warning_reverse",
}
registerEnumType(AdjustmentAction, { name: "AdjustmentAction" });

/** Paddle's adjustment statuses; only an `approved` adjustment moves money (ledger.service.ts). */
export enum AdjustmentStatus {
  pending_approval = "pending_approval",
  approved = "approved",
  rejected = "rejected",
  reversed = "reversed",
}
registerEnumType(AdjustmentStatus, { name: "AdjustmentStatus" });

/**
 * A refund, credit or chargeback against one payment. `adjustment_id` is unique per provider, so a replayed webhook
 * cannot apply it twice; `applied_cents` is what this adjustment currently adds to the payment's `refunded_cents`
 * (signed: a reversal takes back), so a status change applies exactly the difference.
 */
@ObjectType("PaymentAdjustment", { description: "A refund, credit or chargeback of a payment" })
@modelOptions({
  schemaOptions: { collection: "payment_adjustments", timestamps: { createdAt: "created_at", updatedAt: "updated_at" } },
  options: { customName: "PaymentAdjustment", allowMixed: Severity.ALLOW },
})
@index({ provider: 1, adjustment_id: 1 }, { unique: true })
@index({ payment_id: 1, _id: -1 })
export class PaymentAdjustment {
  @Field(() => ID, { name: "id" })
  readonly _id!: mongoose.Types.ObjectId;

  @prop({ required: true, type: () => mongoose.Types.ObjectId })
  payment_id!: mongoose.Types.ObjectId;

  @Field()
  @prop({ required: true, type: () => String })
  provider!: string;

  @Field({ name: "adjustmentId" })
  @prop({ required: true, type: () => String })
  adjustment_id!: string;

  @Field(() => AdjustmentAction)
  @prop({ required: true, enum: AdjustmentAction, type: () => String })
  action!: AdjustmentAction;

  @Field(() => Int, { name: "amountCents", description: "As the provider reports it (tax included), always positive" })
  @prop({ required: true, type: () => Number })
  amount_cents!: number;

  @Field({ description: "ISO 4217, upper case" })
  @prop({ required: true, type: () => String })
  currency!: string;

  @Field(() => AdjustmentStatus)
  @prop({ required: true, enum: AdjustmentStatus, type: () => String })
  status!: AdjustmentStatus;

  @Field(() => Int, { name: "appliedCents", description: "What it adds to the payment's refundedCents now (negative for a reversal)" })
  @prop({ required: true, type: () => Number, default: 0 })
  applied_cents!: number;

  @Field(() => String, { nullable: true })
  @prop({ type: () => String, default: null })
  reason?: string | null;

  @Field(() => String, { description: "The event that last changed it: a webhook event id, or manual" })
  @prop({ required: true, type: () => String })
  cause!: string;

  /**
   * When its current status took effect (Paddle: the event's `occurred_at`): the business date analytics use for a
   * refund. Missing on adjustments written before it: `updated_at` stands in.
   */
  @Field(() => DateTimeISO, { name: "effectiveAt", nullable: true, description: "When its current status took effect" })
  @prop({ type: () => Date, default: null })
  effective_at?: Date | null;

  @Field(() => DateTimeISO, { name: "createdAt" })
  created_at!: Date;

  @Field(() => DateTimeISO, { name: "updatedAt" })
  updated_at!: Date;
}
