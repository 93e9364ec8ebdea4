import { Field, Float, ID, Int, ObjectType } from "type-graphql";
import { DateTimeISO, SafeInt } from "../../graphql/scalars";
import { License } from "../licenses/license.model";
import { CurrencyAnalytics } from "./analytics.types";

/** The GraphQL shapes of the dashboard's overview and analytics figures (license-overview / analytics-breakdown services). */

@ObjectType("LicenseCount", { description: "How many licenses one plan has in one status" })
export class LicenseCount {
  @Field(() => ID)
  planId!: string;

  @Field()
  plan!: string;

  @Field()
  status!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType("LicenseQuotaUse", { description: "A license's use of its plan's monthly limits this UTC month (shares: 0.8 = 80 %)" })
export class LicenseQuotaUse {
  @Field(() => License)
  license!: License;

  @Field(() => Int)
  requests!: number;

  @Field(() => Int, { description: "0 = unlimited" })
  requestLimit!: number;

  @Field(() => Float, { description: "requests ÷ requestLimit (0 when unlimited)" })
  requestsShare!: number;

  @Field(() => SafeInt, { description: "Settled and in-flight cost, micro-euros" })
  costMicros!: number;

  @Field(() => SafeInt, { description: "0 = unlimited" })
  budgetMicros!: number;

  @Field(() => Float, { description: "costMicros ÷ budgetMicros (0 when unlimited)" })
  budgetShare!: number;
}

@ObjectType("AnalyticsMonth", { description: "One UTC calendar month: the state at its end (or now) and its movements" })
export class AnalyticsMonth extends CurrencyAnalytics {
  @Field({ description: "YYYY-MM" })
  month!: string;

  @Field(() => DateTimeISO)
  from!: Date;

  @Field(() => DateTimeISO, { description: "The month's last millisecond, or now for the current month" })
  to!: Date;

  @Field({ description: "False for the current month" })
  complete!: boolean;
}

@ObjectType("CohortPoint")
export class CohortPoint {
  @Field(() => Int, { description: "1: at the end of the month after the cohort's month" })
  monthsAfter!: number;

  @Field(() => Int, { description: "Cohort customers with a positive MRR then" })
  customers!: number;

  @Field(() => Float, { description: "customers ÷ the cohort's customers (decimal fraction)" })
  share!: number;
}

@ObjectType("CohortRetention", { description: "Customers whose first positive MRR began in `month`, and who still paid later" })
export class CohortRetention {
  @Field({ description: "YYYY-MM" })
  month!: string;

  @Field(() => Int)
  customers!: number;

  @Field(() => [CohortPoint], { description: "One per following month that has ended" })
  retained!: CohortPoint[];
}

@ObjectType("PlanAiCost", { description: "AI calls of a plan's licenses (their plan now) in a period" })
export class PlanAiCost {
  @Field(() => ID, { nullable: true, description: "null: licenses that no longer exist" })
  planId!: string | null;

  @Field()
  plan!: string;

  @Field(() => Int)
  requests!: number;

  @Field(() => SafeInt)
  tokens!: number;

  @Field(() => SafeInt, { description: "Micro-euros" })
  costMicros!: number;
}
