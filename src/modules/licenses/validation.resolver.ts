import { Arg, Ctx, Field, ID, Int, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import { graceWarningOf } from "./grace-warning";
import type { GraphQLContext } from "../../graphql/context";
import { parseId } from "../../graphql/ids";
import { actorOf } from "../../graphql/principal";
import { DateTimeISO } from "../../graphql/scalars";
import { forbidden, notFound } from "../../errors";

@ObjectType({ description: "The site named in validateLicense, after activation" })
export class SiteActivationResult {
  @Field()
  site!: string;

  @Field()
  isDevelopment!: boolean;

  @Field(() => DateTimeISO)
  activatedAt!: Date;

  @Field()
  newlyActivated!: boolean;

  @Field(() => Int)
  activeSites!: number;

  @Field(() => Int, { description: "-1 = unlimited" })
  maxSites!: number;

  @Field(() => Int, { nullable: true, description: "null when unlimited" })
  sitesRemaining!: number | null;
}

@ObjectType({ description: "The verdict of the license check, as the plugin's /api/validate gets it" })
export class LicenseValidation {
  @Field()
  valid!: boolean;

  @Field(() => String, { nullable: true, description: "Why not: LICENSE_SUSPENDED, LICENSE_EXPIRED, INVALID_INPUT, TOO_MANY_SITES, …" })
  code!: string | null;

  @Field(() => String, { nullable: true })
  detail!: string | null;

  @Field(() => SiteActivationResult, { nullable: true })
  site!: SiteActivationResult | null;

  @Field(() => DateTimeISO, {
    name: "graceUntil",
    nullable: true,
    description: "Set while the subscription is past due: the license stays valid until then (BILLING_GRACE_DAYS)",
  })
  graceUntil!: Date | null;

  @Field(() => [String], { description: "What the plugin should show, e.g. that a payment is past due; empty when all is well" })
  warnings!: string[];
}

@Resolver()
export class ValidationResolver {
  @Query(() => LicenseValidation, {
    description:
      "Activates siteUrl, if given, for the calling license key. A key that fails the license check never gets here: the request is UNAUTHENTICATED, with the failed check as extensions.reason",
  })
  async validateLicense(
    @Arg("siteUrl", () => String, { nullable: true }) siteUrl: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<LicenseValidation> {
    if (ctx.principal.kind !== "license") throw forbidden();
    const grace = graceWarningOf(ctx.principal.license, new Date(ctx.services.clock()));
    const billing = { graceUntil: grace?.graceUntil ?? null, warnings: grace ? [grace.warning] : [] };
    if (siteUrl === null || siteUrl === undefined) return { valid: true, code: null, detail: null, site: null, ...billing };
    const outcome = await ctx.services.activations.activate(
      ctx.principal.license,
      ctx.principal.plan,
      siteUrl,
      actorOf(ctx.principal, ctx.ip),
    );
    if (!outcome.ok) return { valid: false, code: outcome.code, detail: outcome.error, site: null, ...billing };
    const { activation, seats } = outcome;
    return {
      valid: true,
      code: null,
      detail: null,
      site: {
        site: activation.site,
        isDevelopment: activation.is_development,
        activatedAt: activation.activated_at,
        newlyActivated: outcome.newlyActivated,
        activeSites: seats.activeSites,
        maxSites: seats.maxSites,
        sitesRemaining: seats.sitesRemaining,
      },
      ...billing,
    };
  }

  @Mutation(() => Boolean, { description: "Removes a site from a license, freeing its seat; false when it was not active" })
  async removeActivation(
    @Arg("licenseId", () => ID) licenseId: string,
    @Arg("site") site: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<boolean> {
    const license = await ctx.services.licenses.get(parseId(licenseId, "licenseId"));
    const outcome = await ctx.services.activations.deactivate(license, site, actorOf(ctx.principal, ctx.ip));
    if (outcome.site === null) throw notFound("Site (the URL is not valid)");
    return outcome.ok;
  }
}
