import { index, modelOptions, prop, Severity } from "@typegoose/typegoose";
import { mongoose } from "@typegoose/typegoose";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { DateTimeISO, SafeInt } from "../../graphql/scalars";

export enum Billing {
  monthly = "monthly",
  lifetime = "lifetime",
}
registerEnumType(Billing, { name: "Billing", description: "How a plan is paid: every month, or once for life" });

/** Models a plan may use, per provider; an empty list allows only the provider's default model. */
export type AllowedModels = Record<string, string[]>;

/**
 * A plan. Limits of 0 mean unlimited; max_sites -1 means unlimited. Money is integers: price in cents,
 * budgets and rates in micro-euros (1 EUR = 1,000,000).
 */
@ObjectType("Plan")
@modelOptions({
  schemaOptions: { collection: "plans", timestamps: { createdAt: "created_at", updatedAt: "updated_at" } },
  options: { customName: "Plan", allowMixed: Severity.ALLOW },
})
@index({ name: 1 }, { unique: true })
@index({ paddle_price_ids: 1 })
export class Plan {
  @Field(() => ID, { name: "id" })
  readonly _id!: mongoose.Types.ObjectId;

  @Field()
  @prop({ required: true, type: () => String })
  name!: string;

  @Field({ name: "displayName" })
  @prop({ required: true, type: () => String })
  display_name!: string;

  @Field(() => Int, { name: "priceCents" })
  @prop({ required: true, type: () => Number })
  price_cents!: number;

  @Field()
  @prop({ required: true, type: () => String, default: "EUR" })
  currency!: string;

  @Field(() => Billing)
  @prop({ required: true, enum: Billing, type: () => String })
  billing!: Billing;

  @Field(() => Int, { name: "monthlyRequests", description: "0 means unlimited" })
  @prop({ required: true, type: () => Number, default: 0 })
  monthly_requests!: number;

  @Field(() => Int, { name: "requestsPerMinute", description: "0 means unlimited" })
  @prop({ required: true, type: () => Number, default: 0 })
  requests_per_minute!: number;

  @Field(() => Int, { name: "requestsPerHour", description: "0 means unlimited" })
  @prop({ required: true, type: () => Number, default: 0 })
  requests_per_hour!: number;

  @Field(() => SafeInt, { name: "monthlyBudgetMicros", description: "Monthly AI budget in micro-euros; 0 means unlimited" })
  @prop({ required: true, type: () => Number, default: 0 })
  monthly_budget_micros!: number;

  @Field(() => SafeInt, { name: "costPer1kTokensMicros", description: "Flat rate for models missing from the price table" })
  @prop({ required: true, type: () => Number, default: 0 })
  cost_per_1k_tokens_micros!: number;

  @Field(() => Int, { name: "maxSites", description: "-1 means unlimited" })
  @prop({ required: true, type: () => Number })
  max_sites!: number;

  @Field(() => Int, { name: "maxTokens", description: "Largest max_tokens a request may ask for" })
  @prop({ required: true, type: () => Number })
  max_tokens!: number;

  @prop({ type: () => mongoose.Schema.Types.Mixed, default: {} })
  allowed_models!: AllowedModels;

  @Field(() => [String])
  @prop({ type: () => [String], default: [] })
  features!: string[];

  /** Paddle price ids (`pri_…`) sold as this plan: a subscription or purchase of one of them is this plan. */
  @Field(() => [String], { name: "paddlePriceIds", description: "Paddle prices (pri_…) that sell this plan; a price belongs to one plan" })
  @prop({ type: () => [String], default: [] })
  paddle_price_ids!: string[];

  @Field({ name: "isActive" })
  @prop({ required: true, type: () => Boolean, default: true })
  is_active!: boolean;

  @Field({ name: "isLifetime" })
  @prop({ required: true, type: () => Boolean, default: false })
  is_lifetime!: boolean;

  @Field(() => Int, { name: "lifetimeLimit", nullable: true, description: "How many lifetime licenses may ever be sold" })
  @prop({ type: () => Number, default: null })
  lifetime_limit?: number | null;

  @Field(() => Int, { name: "lifetimeSold" })
  @prop({ required: true, type: () => Number, default: 0 })
  lifetime_sold!: number;

  @Field({ name: "isLimitedOffer" })
  @prop({ type: () => Boolean, default: false })
  is_limited_offer!: boolean;

  @Field(() => DateTimeISO, { name: "offerExpiresAt", nullable: true })
  @prop({ type: () => Date, default: null })
  offer_expires_at?: Date | null;

  @prop({ type: () => mongoose.Schema.Types.Mixed, default: {} })
  metadata!: Record<string, unknown>;

  @Field(() => DateTimeISO, { name: "createdAt" })
  created_at!: Date;

  @Field(() => DateTimeISO, { name: "updatedAt" })
  updated_at!: Date;
}
