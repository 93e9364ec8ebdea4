import { GraphQLDate } from "graphql-scalars";
import { Arg, Ctx, Float, Int, Query, Resolver } from "type-graphql";
import type { GraphQLContext } from "../../graphql/context";
import { DateTimeISO } from "../../graphql/scalars";
import { License } from "../licenses/license.model";
import { toCurrencyAnalytics } from "./analytics.view";
import { AnalyticsMonth, CohortRetention, LicenseCount, LicenseQuotaUse, PlanAiCost } from "./dashboard.types";

/** The figures the admin dashboard's Overview and Analytics pages need beyond `analytics` (definitions: README). */
@Resolver()
export class DashboardResolver {
  @Query(() => [LicenseCount], { description: "Licenses counted by plan and status (one row per pair that has any)" })
  licenseCounts(@Ctx() ctx: GraphQLContext): Promise<LicenseCount[]> {
    return ctx.services.licenseOverview.counts();
  }

  @Query(() => [LicenseQuotaUse], {
    description: "Licenses at or over `share` of their plan's monthly requests or budget this UTC month, most used first",
  })
  licensesNearQuota(
    @Arg("share", () => Float, { defaultValue: 0.8 }) share: number,
    @Arg("first", () => Int, { defaultValue: 20 }) first: number,
    @Ctx() ctx: GraphQLContext,
  ): Promise<LicenseQuotaUse[]> {
    return ctx.services.licenseOverview.nearQuota(share, first);
  }

  @Query(() => [License], { description: "Licenses in a billing grace period (payment past due), the soonest to end first" })
  licensesInGrace(@Arg("first", () => Int, { defaultValue: 20 }) first: number, @Ctx() ctx: GraphQLContext): Promise<License[]> {
    return ctx.services.licenseOverview.inGrace(first);
  }

  @Query(() => [AnalyticsMonth], {
    description: "One row per UTC month from the month of `from` to the month of `to` (at most 36; months after now left out)",
  })
  async analyticsMonths(
    @Arg("from", () => GraphQLDate) from: Date,
    @Arg("to", () => GraphQLDate) to: Date,
    @Arg("currency", () => String, { defaultValue: "EUR" }) currency: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AnalyticsMonth[]> {
    const months = await ctx.services.analyticsBreakdown.months(from, to, currency);
    return months.map((row) => ({
      ...toCurrencyAnalytics(row.figures, [], row.ai),
      month: row.month,
      from: row.from,
      to: row.to,
      complete: row.complete,
    }));
  }

  @Query(() => [CohortRetention], { description: "Cohorts by the month of the customer's first positive MRR, from `from` to `to`" })
  cohortRetention(
    @Arg("from", () => GraphQLDate) from: Date,
    @Arg("to", () => GraphQLDate) to: Date,
    @Ctx() ctx: GraphQLContext,
  ): Promise<CohortRetention[]> {
    return ctx.services.analyticsBreakdown.cohorts(from, to);
  }

  @Query(() => [PlanAiCost], { description: "AI calls and cost of [from, to] by the plan of the calling license" })
  aiCostByPlan(
    @Arg("from", () => DateTimeISO) from: Date,
    @Arg("to", () => DateTimeISO) to: Date,
    @Ctx() ctx: GraphQLContext,
  ): Promise<PlanAiCost[]> {
    return ctx.services.analyticsBreakdown.aiCostByPlan(from, to);
  }
}
