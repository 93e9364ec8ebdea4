import { Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import type { GraphQLContext } from "../../graphql/context";
import { parseId } from "../../graphql/ids";
import { DateTimeISO } from "../../graphql/scalars";
import { microsToDecimal } from "../../money";
import { UsageBucket, UsageGroupBy } from "./usage.types";

@Resolver()
export class UsageResolver {
  @Query(() => [UsageBucket], {
    nullable: true,
    description: "A license's AI usage between two instants, grouped by UTC day, provider, model, or day and provider",
  })
  async usage(
    @Arg("licenseId", () => ID) licenseId: string,
    @Arg("from", () => DateTimeISO) from: Date,
    @Arg("to", () => DateTimeISO) to: Date,
    @Arg("groupBy", () => UsageGroupBy, { defaultValue: UsageGroupBy.DAY }) groupBy: UsageGroupBy,
    @Ctx() ctx: GraphQLContext,
  ): Promise<UsageBucket[]> {
    const buckets = await ctx.services.usage.breakdown(parseId(licenseId, "licenseId"), from, to, groupBy);
    return buckets.map((bucket) => ({ ...bucket, cost: microsToDecimal(bucket.costMicros) }));
  }
}
