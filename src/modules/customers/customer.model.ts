import { index, modelOptions, mongoose, prop } from "@typegoose/typegoose";
import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { DateTimeISO } from "../../graphql/scalars";

export enum CustomerStatus {
  active = "active",
  inactive = "inactive",
  suspended = "suspended",
}
registerEnumType(CustomerStatus, { name: "CustomerStatus", description: "A suspended customer's licenses do not pass either" });

/** Somebody who buys licenses. The email is unique and stored lower-cased. */
@ObjectType("Customer")
@modelOptions({
  schemaOptions: { collection: "customers", timestamps: { createdAt: "created_at", updatedAt: "updated_at" } },
  options: { customName: "Customer" },
})
@index({ email: 1 }, { unique: true })
@index({ status: 1, _id: -1 })
@index({ paddle_customer_id: 1 }, { sparse: true })
export class Customer {
  @Field(() => ID, { name: "id" })
  readonly _id!: mongoose.Types.ObjectId;

  @Field()
  @prop({ required: true, type: () => String, lowercase: true, trim: true })
  email!: string;

  @Field(() => String, { nullable: true })
  @prop({ type: () => String, default: null })
  name?: string | null;

  @Field(() => String, { nullable: true })
  @prop({ type: () => String, default: null })
  company?: string | null;

  @Field(() => String, { nullable: true })
  @prop({ type: () => String, default: null })
  notes?: string | null;

  @Field(() => String, { nullable: true })
  @prop({ type: () => String, default: null })
  phone?: string | null;

  @Field(() => String, { nullable: true })
  @prop({ type: () => String, default: null })
  address?: string | null;

  @Field(() => String, { nullable: true, description: "ISO 3166-1 alpha-2 code" })
  @prop({ type: () => String, default: null })
  country?: string | null;

  @Field(() => CustomerStatus)
  @prop({ required: true, enum: CustomerStatus, type: () => String, default: CustomerStatus.active })
  status!: CustomerStatus;

  @Field(() => String, { name: "paddleCustomerId", nullable: true })
  @prop({ type: () => String, default: undefined })
  paddle_customer_id?: string;

  @Field(() => String, { name: "paddleSubscriptionId", nullable: true })
  @prop({ type: () => String, default: undefined })
  paddle_subscription_id?: string;

  @prop({ type: () => String, default: undefined })
  stripe_customer_id?: string;

  @prop({ type: () => String, default: undefined })
  paypal_customer_id?: string;

  @Field(() => DateTimeISO, { name: "createdAt" })
  created_at!: Date;

  @Field(() => DateTimeISO, { name: "updatedAt" })
  updated_at!: Date;
}
