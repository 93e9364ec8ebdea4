import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import type { GraphQLContext } from "../../graphql/context";
import { JSONObject } from "../../graphql/scalars";
import { actorOf } from "../../graphql/principal";
import { ModelAllowance, UpdatePlanInput } from "./plan.inputs";
import { Plan } from "./plan.model";
import { microsToDecimal } from "../../money";
import type { PlanChanges } from "./plan.service";

@Resolver(() => Plan)
export class PlanResolver {
  @Query(() => [Plan], { description: "Plans on sale (and retired ones with includeInactive)" })
  plans(@Arg("includeInactive", { defaultValue: false }) includeInactive: boolean, @Ctx() ctx: GraphQLContext): Promise<Plan[]> {
    return ctx.services.plans.list(includeInactive);
  }

  @Query(() => Plan)
  plan(@Arg("name") name: string, @Ctx() ctx: GraphQLContext): Promise<Plan> {
    return ctx.services.plans.byName(name);
  }

  @Mutation(() => Plan)
  updatePlan(@Arg("name") name: string, @Arg("input") input: UpdatePlanInput, @Ctx() ctx: GraphQLContext): Promise<Plan> {
    const changes: PlanChanges = {
      monthly_requests: input.monthlyRequests,
      requests_per_minute: input.requestsPerMinute,
      requests_per_hour: input.requestsPerHour,
      monthly_budget_micros: input.monthlyBudgetMicros,
      max_sites: input.maxSites,
      max_tokens: input.maxTokens,
      cost_per_1k_tokens_micros: input.costPer1kTokensMicros,
      price_cents: input.priceCents,
      lifetime_limit: input.lifetimeLimit,
      is_active: input.isActive,
      paddle_price_ids: input.paddlePriceIds ? [...new Set(input.paddlePriceIds)] : undefined,
      allowed_models: input.allowedModels
        ? Object.fromEntries(input.allowedModels.map((entry) => [entry.provider, entry.models]))
        : undefined,
    };
    for (const key of Object.keys(changes) as Array<keyof PlanChanges>)
      if (changes[key] === undefined || changes[key] === null) delete changes[key];
    return ctx.services.plans.update(name, changes, actorOf(ctx.principal, ctx.ip));
  }

  @FieldResolver(() => [ModelAllowance], { description: "Models the plan may use, per provider" })
  allowedModels(@Root() plan: Plan): ModelAllowance[] {
    return Object.entries(plan.allowed_models ?? {}).map(([provider, models]) => ({ provider, models }));
  }

  @FieldResolver(() => String, { description: "The monthly budget in euros, as a decimal string" })
  monthlyBudgetEur(@Root() plan: Plan): string {
    return microsToDecimal(plan.monthly_budget_micros, 2);
  }

  // Documents written before empty objects were kept may lack the field; the API always answers an object.
  @FieldResolver(() => JSONObject, { description: "Marketing data of the plan" })
  metadata(@Root() plan: Plan): Record<string, unknown> {
    return plan.metadata ?? {};
  }
}
