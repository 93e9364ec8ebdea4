import { GraphQLDate } from "graphql-scalars";
import { Arg, Ctx, Query, Resolver } from "type-graphql";
import type { GraphQLContext } from "../../graphql/context";
import { DateTimeISO } from "../../graphql/scalars";
import { Analytics, AnalyticsDay } from "./analytics.types";
import { toAnalytics, toAnalyticsDay } from "./analytics.view";

@Resolver()
export class AnalyticsResolver {
  @Query(() => Analytics, {
    description:
      "MRR, subscribers and ARPA at `at` (default: `to`, else now) and the movements, churn, cash and AI usage of [from, to] " +
      "(default: the UTC month of `at`, up to `at`), in one currency (never converted)",
  })
  async analytics(
    @Arg("currency", () => String, { defaultValue: "EUR" }) currency: string,
    @Arg("at", () => DateTimeISO, { nullable: true }) at: Date | undefined,
    @Arg("from", () => DateTimeISO, { nullable: true }) from: Date | undefined,
    @Arg("to", () => DateTimeISO, { nullable: true }) to: Date | undefined,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Analytics> {
    return toAnalytics(
      await ctx.services.analytics.figures({ currency, at: at ?? undefined, from: from ?? undefined, to: to ?? undefined }),
    );
  }

  @Query(() => [AnalyticsDay], {
    description:
      "One row per UTC day from `from` to `to` (at most 3 years; days after today left out), from the daily snapshots; days without one are computed",
  })
  async analyticsHistory(
    @Arg("from", () => GraphQLDate) from: Date,
    @Arg("to", () => GraphQLDate) to: Date,
    @Arg("currency", () => String, { defaultValue: "EUR" }) currency: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AnalyticsDay[]> {
    return (await ctx.services.snapshots.history(from, to, currency)).map(toAnalyticsDay);
  }
}
