import { GraphQLError } from "graphql";
import { allow, chain, deny, or, rule, shield } from "graphql-shield";
import { isProvider } from "../ai/providers";
import { includesAi, modelsAllowed, requestedModel } from "../modules/plans/plan.policy";
import type { mongoose } from "@typegoose/typegoose";
import { AdminRole } from "../modules/admins/admin.model";
import type { GraphQLContext } from "./context";

/**
 * The one permission map of the GraphQL API. Deny by default: every root field is listed with who may call it,
 * and every object type has its own rule. Rules that read `parent` or `args` are `strict`-cached (keyed on them);
 * the rest depend only on the caller and are cached per request.
 */
const unauthenticated = (): GraphQLError =>
  new GraphQLError("Authentication required: send an admin token (Authorization: Bearer …) or a license key (X-License-Key)", {
    extensions: { code: "UNAUTHENTICATED", http: { status: 401 } },
  });

const forbiddenError = (): GraphQLError => new GraphQLError("Not allowed", { extensions: { code: "FORBIDDEN" } });

function roles(name: string, allowed: AdminRole[]) {
  return rule(name, { cache: "contextual" })((_parent, _args, ctx: GraphQLContext) => {
    if (ctx.principal.kind === "anonymous") return unauthenticated();
    return ctx.principal.kind === "admin" && allowed.includes(ctx.principal.role);
  });
}

const isOwner = roles("isOwner", [AdminRole.owner]);
const isAdmin = roles("isAdmin", [AdminRole.owner, AdminRole.admin]);
const isSupport = roles("isSupport", [AdminRole.owner, AdminRole.admin, AdminRole.support]);
const isReader = roles("isReader", [AdminRole.owner, AdminRole.admin, AdminRole.support, AdminRole.readonly]);

const isLicenseHolder = rule("isLicenseHolder", { cache: "contextual" })((_parent, _args, ctx: GraphQLContext) =>
  ctx.principal.kind === "anonymous" ? unauthenticated() : ctx.principal.kind === "license",
);

function holdsLicense(ctx: GraphQLContext, licenseId: mongoose.Types.ObjectId | string | null | undefined): boolean {
  if (ctx.principal.kind !== "license" || !licenseId) return false;
  return ctx.principal.license._id.toHexString() === String(licenseId);
}

/** The parent License is the caller's own. */
const isOwnLicense = rule("isOwnLicense", { cache: "strict" })((parent: { _id?: mongoose.Types.ObjectId }, _args, ctx: GraphQLContext) =>
  holdsLicense(ctx, parent._id),
);
/** The parent Activation belongs to the caller's license. */
const isOwnActivation = rule("isOwnActivation", { cache: "strict" })(
  (parent: { license_id?: mongoose.Types.ObjectId }, _args, ctx: GraphQLContext) => holdsLicense(ctx, parent.license_id),
);
/** The `id` / `licenseId` argument names the caller's license. */
const isOwnLicenseArg = rule("isOwnLicenseArg", { cache: "strict" })(
  (_parent, args: { id?: string; licenseId?: string }, ctx: GraphQLContext) => holdsLicense(ctx, args.licenseId ?? args.id),
);
/** The parent AdminToken is the caller's own token. */
const isSelf = rule("isSelf", { cache: "strict" })(
  (parent: { _id?: mongoose.Types.ObjectId }, _args, ctx: GraphQLContext) =>
    ctx.principal.kind === "admin" && parent._id !== undefined && ctx.principal.admin._id.equals(parent._id),
);

/** The caller's plan includes AI (DOMAIN.md: the AI proxy needs `ai_included`). */
const planIncludesAi = rule("planIncludesAi", { cache: "contextual" })(async (_parent, _args, ctx: GraphQLContext) => {
  if (ctx.principal.kind !== "license") return false;
  const { plan } = ctx.principal;
  if (includesAi(plan)) return true;
  return new GraphQLError("AI not included in your plan", {
    extensions: { code: "FORBIDDEN", reason: "AI_NOT_INCLUDED", plan: plan.name },
  });
});
/** The model asked for (or the provider's default) is in the caller's plan's allow-list; reads `args`, so `strict`. */
const modelAllowed = rule("modelAllowed", { cache: "strict" })(async (
  _parent,
  args: { input?: { provider?: unknown; model?: unknown } },
  ctx: GraphQLContext,
) => {
  const provider = args.input?.provider ?? "openai";
  // An unknown provider is the input validation's to refuse, with its own message.
  if (ctx.principal.kind !== "license" || !isProvider(provider)) return ctx.principal.kind === "license";
  const model = requestedModel(provider, args.input?.model);
  const allowed = modelsAllowed(ctx.principal.plan, provider);
  if (allowed.includes(model)) return true;
  return new GraphQLError("Model not allowed for your plan", {
    extensions: { code: "FORBIDDEN", reason: "MODEL_NOT_ALLOWED", provider, model, allowed_models: allowed },
  });
});

export const permissionMap = {
  Query: {
    viewer: allow,
    plans: or(isReader, isLicenseHolder),
    plan: or(isReader, isLicenseHolder),
    customers: isReader,
    customer: isReader,
    licenses: isReader,
    license: or(isReader, isOwnLicenseArg),
    licenseByKey: isReader,
    usage: or(isReader, isOwnLicenseArg),
    payments: isReader,
    webhookEvents: isReader,
    // Messages name customers and their addresses: owners and admins only.
    notifications: isAdmin,
    billingSubscriptions: isReader,
    paymentTotals: isReader,
    // Revenue figures: owners and admins only.
    analytics: isAdmin,
    analyticsHistory: isAdmin,
    analyticsMonths: isAdmin,
    cohortRetention: isAdmin,
    aiCostByPlan: isAdmin,
    // License counts and quota use name no money: every staff role reads them (the overview without revenue).
    licenseCounts: isReader,
    licensesNearQuota: isReader,
    licensesInGrace: isReader,
    activity: isReader,
    admins: isOwner,
    providerKeys: isOwner,
    providerKeySources: isOwner,
    // Names the backup folder and its files: owners only, like the rest of Settings.
    backups: isOwner,
    validateLicense: isLicenseHolder,
  },
  Mutation: {
    createCustomer: isAdmin,
    updateCustomer: isAdmin,
    setCustomerStatus: isAdmin,
    issueLicense: isAdmin,
    suspendLicense: isSupport,
    reactivateLicense: isSupport,
    cancelLicense: isAdmin,
    changeLicensePlan: isAdmin,
    extendLicense: isAdmin,
    rotateLicenseKey: isAdmin,
    revealLicenseKey: isSupport,
    updatePlan: isAdmin,
    createAdminToken: isOwner,
    revokeAdminToken: isOwner,
    setProviderKey: isOwner,
    // Spends a token on the platform's key: owners only.
    testProviderKey: isOwner,
    removeActivation: isAdmin,
    retryWebhookEvent: isAdmin,
    retryNotification: isAdmin,
    recordManualPayment: isAdmin,
    chat: chain(isLicenseHolder, planIncludesAi, modelAllowed),
  },
  Plan: { "*": or(isReader, isLicenseHolder) },
  ModelAllowance: { "*": or(isReader, isLicenseHolder) },
  Customer: { "*": isReader },
  // billing shows revenue (MRR) and the Paddle ids: staff only, not the license holder.
  License: { "*": or(isReader, isOwnLicense), customer: isReader, billing: isReader },
  Activation: { "*": or(isReader, isOwnActivation) },
  // Reached only through License.usageSummary / Query.usage, which are gated above.
  UsageSummary: { "*": allow },
  UsageBucket: { "*": allow },
  Payment: { "*": isReader },
  // The raw body names customers and their addresses: owners and admins only.
  WebhookEvent: { "*": isReader, payload: isAdmin },
  PaymentAdjustment: { "*": isReader },
  Notification: { "*": isAdmin },
  NotificationDelivery: { "*": isAdmin },
  BillingSubscription: { "*": isReader },
  PaymentTotals: { "*": isReader },
  Analytics: { "*": isAdmin },
  AnalyticsDay: { "*": isAdmin },
  MrrMovements: { "*": isAdmin },
  MrrMovement: { "*": isAdmin },
  AnalyticsStart: { "*": isAdmin },
  AmountCount: { "*": isAdmin },
  FoundersSeats: { "*": isAdmin },
  OneTimeRevenue: { "*": isAdmin },
  CashCollected: { "*": isAdmin },
  PlanRevenue: { "*": isAdmin },
  AiUsage: { "*": isAdmin },
  AiProviderUsage: { "*": isAdmin },
  AiDayUsage: { "*": isAdmin },
  AnalyticsMonth: { "*": isAdmin },
  CohortRetention: { "*": isAdmin },
  CohortPoint: { "*": isAdmin },
  PlanAiCost: { "*": isAdmin },
  LicenseCount: { "*": isReader },
  LicenseQuotaUse: { "*": isReader },
  ActivityEntry: { "*": isReader },
  AdminToken: { "*": or(isOwner, isSelf) },
  ProviderKey: { "*": isOwner },
  ProviderKeyTest: { "*": isOwner },
  ProviderKeySource: { "*": isOwner },
  BackupStatus: { "*": isOwner },
  BackupFile: { "*": isOwner },
  Viewer: { "*": allow },
  // Returned only by validateLicense, which only a license holder may call, about its own license.
  LicenseValidation: { "*": allow },
  SiteActivationResult: { "*": allow },
  // Returned only by chat, to the license holder who called it.
  ChatResult: { "*": allow },
  ChatUsageFigures: { "*": allow },
  IssuedLicense: { "*": isAdmin },
  CreatedAdminToken: { "*": isOwner },
  PageInfo: { "*": allow },
  CustomerConnection: { "*": isReader },
  CustomerEdge: { "*": isReader },
  LicenseConnection: { "*": isReader },
  LicenseEdge: { "*": isReader },
  PaymentConnection: { "*": isReader },
  PaymentEdge: { "*": isReader },
  WebhookEventConnection: { "*": isReader },
  BillingSubscriptionConnection: { "*": isReader },
  BillingSubscriptionEdge: { "*": isReader },
  WebhookEventEdge: { "*": isReader },
  NotificationConnection: { "*": isAdmin },
  NotificationEdge: { "*": isAdmin },
  ActivityConnection: { "*": isReader },
  ActivityEdge: { "*": isReader },
};

export const permissions = shield(permissionMap, {
  fallbackRule: deny,
  fallbackError: forbiddenError,
  // Resolver errors (NOT_FOUND, BAD_USER_INPUT, …) pass through; formatError masks anything unexpected.
  allowExternalErrors: true,
  debug: false,
});
