import { Field, Float, Int, ObjectType, registerEnumType } from "type-graphql";
import { SafeInt } from "../../graphql/scalars";

export enum UsageGroupBy {
  DAY = "DAY",
  PROVIDER = "PROVIDER",
  MODEL = "MODEL",
  /** One bucket per UTC day and provider (a stacked chart of the month). */
  DAY_AND_PROVIDER = "DAY_AND_PROVIDER",
}
registerEnumType(UsageGroupBy, { name: "UsageGroupBy" });

/** Requests, tokens and cost: the figures every usage type reports. */
@ObjectType("UsageFigures")
abstract class UsageFiguresType {
  @Field(() => Int)
  requests!: number;

  @Field(() => SafeInt)
  tokens!: number;

  @Field(() => SafeInt)
  costMicros!: number;

  @Field({ description: "The cost in euros, as a decimal string" })
  cost!: string;
}

@ObjectType({ description: "This month's usage of a license against its plan (from the atomic counters)" })
export class UsageSummary extends UsageFiguresType {
  @Field({ description: "The UTC month, e.g. 2026-11" })
  month!: string;

  @Field(() => Int, { description: "0 = unlimited" })
  requestLimit!: number;

  @Field(() => SafeInt, { description: "0 = unlimited" })
  budgetMicros!: number;

  @Field(() => Float)
  requestsPercent!: number;

  @Field(() => Float)
  budgetPercent!: number;
}

@ObjectType()
export class UsageBucket extends UsageFiguresType {
  @Field({ description: "The day (YYYY-MM-DD), provider or model; DAY_AND_PROVIDER: day and provider, e.g. 2026-12-03/openai" })
  key!: string;

  @Field(() => String, { nullable: true, description: "The UTC day (YYYY-MM-DD) when grouped by day" })
  day?: string | null;

  @Field(() => String, { nullable: true, description: "The provider when grouped by provider" })
  provider?: string | null;
}
