import { Arg, Args, Ctx, Field, FieldResolver, ID, InputType, Query, Resolver, Root } from "type-graphql";
import { IsOptional, Length } from "class-validator";
import { connectionType, PageArgs, toConnection, type ConnectionShape } from "../../graphql/connection";
import type { GraphQLContext } from "../../graphql/context";
import { JSONObject } from "../../graphql/scalars";
import { parseId } from "../../graphql/ids";
import { Customer } from "../customers/customer.model";
import { License } from "../licenses/license.model";
import { ActivityLog } from "./activity-log.model";

export const ActivityConnection = connectionType("Activity", ActivityLog);

@InputType()
export class ActivityFilterInput {
  @Field(() => ID, { nullable: true })
  licenseId?: string;

  @Field(() => ID, { nullable: true })
  customerId?: string;

  @Field(() => String, { nullable: true, description: "e.g. license.suspended" })
  @IsOptional()
  @Length(1, 100)
  action?: string;

  @Field(() => String, { nullable: true, description: "e.g. admin:<id>, license:<id>, paddle, system" })
  @IsOptional()
  @Length(1, 100)
  actor?: string;
}

@Resolver(() => ActivityLog)
export class ActivityResolver {
  @Query(() => ActivityConnection, { description: "The audit log, newest first" })
  async activity(
    @Arg("filter", () => ActivityFilterInput, { nullable: true }) filter: ActivityFilterInput | undefined,
    @Args() page: PageArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<ActivityLog>> {
    const list = await ctx.services.activity.list(
      {
        action: filter?.action,
        actor: filter?.actor,
        licenseId: filter?.licenseId ? parseId(filter.licenseId, "filter.licenseId") : undefined,
        customerId: filter?.customerId ? parseId(filter.customerId, "filter.customerId") : undefined,
      },
      page,
    );
    return toConnection(list);
  }

  @FieldResolver(() => License, { nullable: true })
  license(@Root() entry: ActivityLog, @Ctx() ctx: GraphQLContext): Promise<License | null> {
    return entry.license_id ? ctx.loaders.license.load(entry.license_id.toHexString()) : Promise.resolve(null);
  }

  @FieldResolver(() => Customer, { nullable: true })
  customer(@Root() entry: ActivityLog, @Ctx() ctx: GraphQLContext): Promise<Customer | null> {
    return entry.customer_id ? ctx.loaders.customer.load(entry.customer_id.toHexString()) : Promise.resolve(null);
  }

  // Documents written before empty objects were kept may lack the field; the API always answers an object.
  @FieldResolver(() => JSONObject, { description: "What happened, as recorded" })
  details(@Root() entry: ActivityLog): Record<string, unknown> {
    return entry.details ?? {};
  }
}
