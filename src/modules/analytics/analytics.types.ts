import { GraphQLDate } from "graphql-scalars";
import { Field, Float, ID, Int, ObjectType } from "type-graphql";
import { DateTimeISO, SafeInt } from "../../graphql/scalars";
import { AiUsage } from "./ai-usage.types";

/**
 * The GraphQL shapes of the analytics. Amounts are integer minor units of `currency` (cents; SafeInt), AI cost is
 * micro-euros; rates are decimal fractions (0.25 = 25 %), null when undefined. Definitions: README "Analytics".
 */

@ObjectType("MrrMovement", { description: "One kind of MRR movement: its MRR and how many customer moves" })
export class MrrMovement {
  @Field(() => SafeInt, { description: "Always positive: the size of the moves" })
  amountCents!: number;

  @Field(() => Int)
  count!: number;
}

@ObjectType("MrrMovements", { description: "MRR movements per customer, diffed at the end of each UTC day" })
export class MrrMovements {
  @Field(() => MrrMovement, { description: "0 → >0, for a customer who never paid before" })
  new!: MrrMovement;

  @Field(() => MrrMovement, { description: "Up, from >0" })
  expansion!: MrrMovement;

  @Field(() => MrrMovement, { description: "Down, to >0" })
  contraction!: MrrMovement;

  @Field(() => MrrMovement, { description: ">0 → 0" })
  churn!: MrrMovement;

  @Field(() => MrrMovement, { description: "0 → >0, for a customer who paid before" })
  reactivation!: MrrMovement;

  @Field(() => SafeInt, { description: "new + expansion + reactivation − contraction − churn = MRR at the end − MRR at the start" })
  netCents!: number;
}

@ObjectType("AnalyticsStart", { description: "The state just before the period began" })
export class AnalyticsStart {
  @Field(() => SafeInt)
  mrrCents!: number;

  @Field(() => Int, { description: "Customers with MRR > 0" })
  subscribers!: number;
}

@ObjectType("AmountCount")
export class AmountCount {
  @Field(() => SafeInt)
  amountCents!: number;

  @Field(() => Int)
  count!: number;
}

@ObjectType("FoundersSeats", { description: "A lifetime plan's seats now (its counters: not historical)" })
export class FoundersSeats {
  @Field(() => ID)
  planId!: string;

  @Field()
  plan!: string;

  @Field(() => Int, { nullable: true, description: "null: no limit" })
  limit!: number | null;

  @Field(() => Int, { description: "Live (not cancelled) licenses on the plan" })
  sold!: number;

  @Field(() => Int, { nullable: true })
  remaining!: number | null;
}

@ObjectType("OneTimeRevenue", { description: "One-time sales (Founders): never in MRR; tax included, net of refunds" })
export class OneTimeRevenue {
  @Field(() => Int, { description: "One-time payments in the period" })
  sales!: number;

  @Field(() => SafeInt, { description: "One-time payments in the period − adjustments of one-time payments approved in it" })
  revenueCents!: number;

  @Field(() => Int, { description: "One-time payments up to the end of the period" })
  salesAllTime!: number;

  @Field(() => SafeInt, { description: "The same, from the beginning up to the end of the period" })
  revenueAllTimeCents!: number;
}

@ObjectType("CashCollected", { description: "Money that moved in the period (tax included, provider fees not deducted)" })
export class CashCollected {
  @Field(() => SafeInt, { description: "Settled payments dated in the period" })
  collectedCents!: number;

  @Field(() => Int)
  payments!: number;

  @Field(() => SafeInt, { description: "Approved adjustments in the period (refunds, credits, chargebacks; reversals subtract)" })
  refundedCents!: number;

  @Field(() => SafeInt, { description: "collectedCents − refundedCents" })
  netCents!: number;
}

@ObjectType("PlanRevenue")
export class PlanRevenue {
  @Field(() => ID, { nullable: true, description: "null: no plan known" })
  planId!: string | null;

  @Field({ description: "The plan's name, or unknown" })
  plan!: string;

  @Field(() => SafeInt, { description: "MRR of the plan's subscriptions at the end of the period" })
  mrrCents!: number;

  @Field(() => Int, { description: "Customers paying for the plan at the end of the period" })
  subscribers!: number;

  @Field(() => SafeInt, { description: "Settled payments for the plan in the period" })
  collectedCents!: number;

  @Field(() => SafeInt, { description: "Approved adjustments of the plan's payments in the period" })
  refundedCents!: number;
}

@ObjectType("CurrencyAnalytics", { description: "The figures in one currency (shared by Analytics and AnalyticsDay)" })
export class CurrencyAnalytics {
  @Field({ description: "ISO 4217: every amount here is in it" })
  currency!: string;

  @Field(() => SafeInt, { description: "Sum of the subscriptions' normalised monthly value, tax excluded, after discounts" })
  mrrCents!: number;

  @Field(() => SafeInt, { description: "MRR × 12" })
  arrCents!: number;

  @Field(() => Int, { description: "Distinct customers with MRR > 0" })
  activeSubscribers!: number;

  @Field(() => SafeInt, { nullable: true, description: "MRR ÷ active subscribers, rounded half up; null with none" })
  arpaCents!: number | null;

  @Field(() => AnalyticsStart)
  start!: AnalyticsStart;

  @Field(() => MrrMovements)
  movements!: MrrMovements;

  @Field(() => Int, { description: "Customers paying at the start who pay nothing at the end" })
  churnedCustomers!: number;

  @Field(() => Float, { nullable: true, description: "churnedCustomers ÷ start.subscribers (decimal fraction)" })
  customerChurnRate!: number | null;

  @Field(() => Float, { nullable: true, description: "(churn + contraction) ÷ start.mrrCents (decimal fraction)" })
  grossMrrChurnRate!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: "(churn + contraction − expansion − reactivation) ÷ start.mrrCents (decimal fraction; negative when MRR grew)",
  })
  netMrrChurnRate!: number | null;

  @Field(() => OneTimeRevenue)
  oneTime!: OneTimeRevenue;

  @Field(() => AmountCount, { description: "Refunds, credits and chargebacks approved in the period" })
  refunds!: AmountCount;

  @Field(() => CashCollected)
  cash!: CashCollected;

  @Field(() => [PlanRevenue], { description: "MRR by plan at the end, and cash by plan in the period" })
  revenueByPlan!: PlanRevenue[];

  @Field(() => [String], { description: "Currencies with figures that are not in these (never converted)" })
  excludedCurrencies!: string[];

  @Field(() => AiUsage)
  ai!: AiUsage;
}

@ObjectType("Analytics", { description: "Revenue analytics at an instant, with the movements of a period ending there" })
export class Analytics extends CurrencyAnalytics {
  @Field(() => DateTimeISO, { description: "The instant of the balances (MRR, subscribers, ARPA, MRR by plan)" })
  at!: Date;

  @Field(() => DateTimeISO, { description: "The period [from, to] of movements, rates, cash and AI usage" })
  from!: Date;

  @Field(() => DateTimeISO)
  to!: Date;

  @Field(() => [FoundersSeats], { description: "Lifetime plans (Founders): sold, limit, remaining, now" })
  founders!: FoundersSeats[];
}

@ObjectType("AnalyticsDay", { description: "One UTC day: the state at its end and the day's movements" })
export class AnalyticsDay extends CurrencyAnalytics {
  @Field(() => GraphQLDate)
  date!: string;

  @Field({ description: "False for today (computed up to now)" })
  complete!: boolean;

  @Field({ description: "snapshot (stored after the day ended) or computed (from the records, now)" })
  source!: string;
}
