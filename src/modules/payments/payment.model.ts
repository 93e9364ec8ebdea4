import { index, modelOptions, mongoose, prop, Severity } from "@typegoose/typegoose";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { DateTimeISO } from "../../graphql/scalars";

export enum PaymentStatus {
  pending = "pending",
  completed = "completed",
  refunded = "refunded",
  failed = "failed",
  partially_refunded = "partially_refunded",
}
registerEnumType(PaymentStatus, { name: "PaymentStatus" });

/** Statuses whose money counts: the customer paid (and may have been refunded since). */
export const SETTLED_STATUSES: readonly PaymentStatus[] = [
  PaymentStatus.completed,
  PaymentStatus.partially_refunded,
  PaymentStatus.refunded,
];

/** The provider of payments recorded by an admin (sales outside Paddle). */
export const MANUAL_PROVIDER = "manual";

/**
 * A payment; `transaction_id` is unique per provider, so a replayed webhook cannot record it twice. Amounts are integer
 * minor units of `currency`, as the provider sends them. Fields added with the ledger (subtotal … failure_reason) are
 * absent from documents written before it and from the importers' documents: readers fall back (paid_at → created_at,
 * refunded_cents → 0, the rest → null).
 */
@ObjectType("Payment")
@modelOptions({
  schemaOptions: { collection: "payments", timestamps: { createdAt: "created_at", updatedAt: "updated_at" } },
  options: { customName: "Payment", allowMixed: Severity.ALLOW },
})
@index({ provider: 1, transaction_id: 1 }, { unique: true })
@index({ customer_id: 1, _id: -1 })
@index({ license_id: 1, _id: -1 })
@index({ status: 1, _id: -1 })
@index({ paid_at: -1 })
export class Payment {
  @Field(() => ID, { name: "id" })
  readonly _id!: mongoose.Types.ObjectId;

  @prop({ required: true, type: () => mongoose.Types.ObjectId })
  customer_id!: mongoose.Types.ObjectId;

  @prop({ type: () => mongoose.Types.ObjectId, default: null })
  license_id?: mongoose.Types.ObjectId | null;

  @Field(() => Int, { name: "amountCents" })
  @prop({ required: true, type: () => Number })
  amount_cents!: number;

  @Field()
  @prop({ required: true, type: () => String, default: "EUR" })
  currency!: string;

  @Field(() => Int, { name: "subtotalCents", nullable: true, description: "Before tax; null when unknown" })
  @prop({ type: () => Number, default: null })
  subtotal_cents?: number | null;

  @Field(() => Int, { name: "taxCents", nullable: true, description: "Null when unknown" })
  @prop({ type: () => Number, default: null })
  tax_cents?: number | null;

  @Field(() => Int, { name: "feeCents", nullable: true, description: "The provider's fee; null when unknown" })
  @prop({ type: () => Number, default: null })
  fee_cents?: number | null;

  @Field(() => String, { name: "invoiceNumber", nullable: true })
  @prop({ type: () => String, default: null })
  invoice_number?: string | null;

  /** The business date (date ranges and totals use it); missing on older documents, which use created_at. */
  @prop({ type: () => Date })
  paid_at?: Date;

  /** The sum of the applied adjustments (ledger.service.ts); missing on older documents, meaning 0. */
  @prop({ type: () => Number, default: 0 })
  refunded_cents?: number;

  @Field(() => String, { name: "failureReason", nullable: true })
  @prop({ type: () => String, default: null })
  failure_reason?: string | null;

  @Field(() => PaymentStatus)
  @prop({ required: true, enum: PaymentStatus, type: () => String })
  status!: PaymentStatus;

  @Field()
  @prop({ required: true, type: () => String })
  provider!: string;

  @Field({ name: "transactionId" })
  @prop({ required: true, type: () => String })
  transaction_id!: string;

  @prop({ type: () => mongoose.Schema.Types.Mixed, default: {} })
  metadata!: Record<string, unknown>;

  @Field(() => DateTimeISO, { name: "createdAt" })
  created_at!: Date;
}
