import { Arg, Args, Ctx, Field, FieldResolver, Float, ID, InputType, Query, Resolver, Root } from "type-graphql";
import { MaxLength } from "class-validator";
import { connectionType, PageArgs, toConnection, type ConnectionShape } from "../../graphql/connection";
import type { GraphQLContext } from "../../graphql/context";
import { parseId } from "../../graphql/ids";
import { Customer } from "../customers/customer.model";
import { License } from "../licenses/license.model";
import { Plan } from "../plans/plan.model";
import { BillingSubscription } from "./billing-subscription.model";

export const BillingSubscriptionConnection = connectionType("BillingSubscription", BillingSubscription);

@InputType()
export class BillingSubscriptionFilterInput {
  @Field(() => String, { nullable: true, description: "Paddle's status: active, trialing, past_due, paused, canceled" })
  @MaxLength(20)
  status?: string;

  @Field(() => ID, { nullable: true })
  customerId?: string;
}

@Resolver(() => BillingSubscription)
export class BillingSubscriptionResolver {
  @Query(() => BillingSubscriptionConnection, { description: "Paddle subscriptions and their billing state, newest first" })
  async billingSubscriptions(
    @Arg("filter", () => BillingSubscriptionFilterInput, { nullable: true }) filter: BillingSubscriptionFilterInput | undefined,
    @Args() page: PageArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<BillingSubscription>> {
    const customerId = filter?.customerId ? parseId(filter.customerId, "filter.customerId") : undefined;
    return toConnection(await ctx.services.subscriptionState.list({ status: filter?.status, customerId }, page));
  }

  @FieldResolver(() => Float, { name: "discountRatio", description: "Of the latest recurring charge: discount ÷ subtotal (0 to 1)" })
  discountRatio(@Root() state: BillingSubscription): number {
    return state.discount_subtotal_cents ? (state.discount_cents ?? 0) / state.discount_subtotal_cents : 0;
  }

  @FieldResolver(() => License, { nullable: true, description: "null: no license (yet), e.g. its price sells no plan" })
  license(@Root() state: BillingSubscription, @Ctx() ctx: GraphQLContext): Promise<License | null> | null {
    return state.license_id ? ctx.loaders.license.load(state.license_id.toHexString()) : null;
  }

  @FieldResolver(() => Customer, { nullable: true })
  customer(@Root() state: BillingSubscription, @Ctx() ctx: GraphQLContext): Promise<Customer | null> | null {
    return state.customer_id ? ctx.loaders.customer.load(state.customer_id.toHexString()) : null;
  }

  @FieldResolver(() => Plan, { nullable: true })
  plan(@Root() state: BillingSubscription, @Ctx() ctx: GraphQLContext): Promise<Plan | null> | null {
    return state.plan_id ? ctx.loaders.plan.load(state.plan_id.toHexString()) : null;
  }
}

/** License.billing: the billing state of the subscription that sells the license (admins). */
@Resolver(() => License)
export class LicenseBillingResolver {
  @FieldResolver(() => BillingSubscription, {
    nullable: true,
    description: "The Paddle subscription's billing state; null when not sold by one",
  })
  billing(@Root() license: License, @Ctx() ctx: GraphQLContext): Promise<BillingSubscription | null> | null {
    return license.paddle_subscription_id ? ctx.loaders.billingSubscription.load(license.paddle_subscription_id) : null;
  }
}
