import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { connectionType, PageArgs, toConnection, type ConnectionShape } from "../../graphql/connection";
import type { GraphQLContext } from "../../graphql/context";
import { parseId } from "../../graphql/ids";
import { actorOf } from "../../graphql/principal";
import { DateTimeISO, JSONObject } from "../../graphql/scalars";
import { badInput, notFound } from "../../errors";
import { Customer } from "../customers/customer.model";
import { Plan } from "../plans/plan.model";
import { microsToDecimal } from "../../money";
import { UsageSummary } from "../usage/usage.types";
import { Activation } from "./activation.model";
import { IssuedLicense, IssueLicenseInput, LicenseFilterInput } from "./license.inputs";
import { License } from "./license.model";

export const LicenseConnection = connectionType("License", License);

@Resolver(() => License)
export class LicenseResolver {
  @Query(() => LicenseConnection, { description: "Licenses, newest first" })
  async licenses(
    @Arg("filter", () => LicenseFilterInput, { nullable: true }) filter: LicenseFilterInput | undefined,
    @Args() page: PageArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<License>> {
    const list = await ctx.services.licenses.list(
      { ...filter, customerId: filter?.customerId ? parseId(filter.customerId, "filter.customerId") : undefined },
      page,
    );
    return toConnection(list);
  }

  // Nullable, so that a refused alias next to an allowed one leaves the allowed answer intact.
  @Query(() => License, { nullable: true })
  license(@Arg("id", () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<License> {
    return ctx.services.licenses.get(parseId(id));
  }

  @Query(() => License, { description: "Finds a license by its full key (exact, case-sensitive)" })
  async licenseByKey(@Arg("key") key: string, @Ctx() ctx: GraphQLContext): Promise<License> {
    const license = await ctx.services.licenses.findByKey(key);
    if (!license) throw notFound("License");
    return license;
  }

  @Mutation(() => IssuedLicense, { description: "Issues a license; the key is returned only here" })
  issueLicense(@Arg("input") input: IssueLicenseInput, @Ctx() ctx: GraphQLContext): Promise<IssuedLicense> {
    return ctx.services.licenses.issue(
      { customerId: parseId(input.customerId, "input.customerId"), plan: input.plan, domain: input.domain, expiresAt: input.expiresAt },
      actorOf(ctx.principal, ctx.ip),
    );
  }

  @Mutation(() => License)
  suspendLicense(@Arg("id", () => ID) id: string, @Arg("reason") reason: string, @Ctx() ctx: GraphQLContext): Promise<License> {
    return ctx.services.licenses.suspend(parseId(id), reason.slice(0, 500), actorOf(ctx.principal, ctx.ip));
  }

  @Mutation(() => License)
  reactivateLicense(@Arg("id", () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<License> {
    return ctx.services.licenses.reactivate(parseId(id), actorOf(ctx.principal, ctx.ip));
  }

  @Mutation(() => License, { description: "Cancels for good; a Founders license gives its seat back" })
  cancelLicense(@Arg("id", () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<License> {
    return ctx.services.licenses.cancel(parseId(id), actorOf(ctx.principal, ctx.ip));
  }

  @Mutation(() => License)
  changeLicensePlan(@Arg("id", () => ID) id: string, @Arg("plan") plan: string, @Ctx() ctx: GraphQLContext): Promise<License> {
    return ctx.services.licenses.changePlan(parseId(id), plan, actorOf(ctx.principal, ctx.ip));
  }

  @Mutation(() => License, { description: "Sets a new expiry (null: never); an expired license becomes active again" })
  extendLicense(
    @Arg("id", () => ID) id: string,
    @Arg("expiresAt", () => DateTimeISO, { nullable: true }) expiresAt: Date | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<License> {
    return ctx.services.licenses.extend(parseId(id), expiresAt ?? null, actorOf(ctx.principal, ctx.ip));
  }

  @Mutation(() => IssuedLicense, { description: "Replaces the key; the old key stops working at once" })
  rotateLicenseKey(@Arg("id", () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<IssuedLicense> {
    return ctx.services.licenses.rotateKey(parseId(id), actorOf(ctx.principal, ctx.ip));
  }

  @Mutation(() => String, { description: "Shows a license's key (recorded in the activity log, with the note)" })
  revealLicenseKey(
    @Arg("id", () => ID) id: string,
    @Arg("note", () => String, { nullable: true, description: "Why the key is shown (kept in the activity log as details.note)" })
    note: string | null | undefined,
    @Ctx() ctx: GraphQLContext,
  ): Promise<string> {
    const trimmed = note?.trim();
    if (trimmed !== undefined && (trimmed.length === 0 || trimmed.length > 500)) throw badInput("note must be 1 to 500 characters");
    return ctx.services.licenses.revealKey(parseId(id), actorOf(ctx.principal, ctx.ip), trimmed);
  }

  @FieldResolver(() => Customer)
  async customer(@Root() license: License, @Ctx() ctx: GraphQLContext): Promise<Customer> {
    const customer = await ctx.loaders.customer.load(license.customer_id.toHexString());
    if (!customer) throw notFound("Customer");
    return customer;
  }

  @FieldResolver(() => Plan)
  async plan(@Root() license: License, @Ctx() ctx: GraphQLContext): Promise<Plan> {
    const plan = await ctx.loaders.plan.load(license.plan_id.toHexString());
    if (!plan) throw notFound("Plan");
    return plan;
  }

  @FieldResolver(() => [Activation], { description: "The sites the license is active on" })
  activations(@Root() license: License, @Ctx() ctx: GraphQLContext): Promise<Activation[]> {
    return ctx.loaders.activationsByLicense.load(license._id.toHexString());
  }

  @FieldResolver(() => UsageSummary)
  async usageSummary(@Root() license: License, @Ctx() ctx: GraphQLContext): Promise<UsageSummary> {
    const [plan, counter] = await Promise.all([
      ctx.loaders.plan.load(license.plan_id.toHexString()),
      ctx.loaders.monthCounter.load(license._id.toHexString()),
    ]);
    if (!plan) throw notFound("Plan");
    const summary = ctx.services.usage.summarize(plan, counter ?? undefined);
    return { ...summary, cost: microsToDecimal(summary.costMicros) };
  }

  // Documents written before empty objects were kept may lack the field; the API always answers an object.
  @FieldResolver(() => JSONObject, { description: "Free-form data attached to the license" })
  metadata(@Root() license: License): Record<string, unknown> {
    return license.metadata ?? {};
  }
}
