import { index, modelOptions, mongoose, prop, Severity } from "@typegoose/typegoose";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { DateTimeISO } from "../../graphql/scalars";

export enum PaymentStatus {
  pending = "pending",
  completed = "completed",
  refunded = "refunded",
  failed = "failed",
}
registerEnumType(PaymentStatus, { name: "PaymentStatus" });

/** A payment; `transaction_id` is unique per provider, so a replayed webhook cannot record it twice. */
@ObjectType("Payment")
@modelOptions({
  schemaOptions: { collection: "payments", timestamps: { createdAt: "created_at", updatedAt: "updated_at" } },
  options: { customName: "Payment", allowMixed: Severity.ALLOW },
})
@index({ provider: 1, transaction_id: 1 }, { unique: true })
@index({ customer_id: 1, _id: -1 })
@index({ license_id: 1, _id: -1 })
@index({ status: 1, _id: -1 })
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
