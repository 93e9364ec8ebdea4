import { lexicographicSortSchema, printSchema, type GraphQLSchema } from "graphql";
import { applyMiddleware } from "graphql-middleware";
import { GraphQLDateTimeISO } from "graphql-scalars";
import { buildSchema } from "type-graphql";
import { ActivityResolver } from "../modules/activity/activity.resolver";
import { AnalyticsResolver } from "../modules/analytics/analytics.resolver";
import { DashboardResolver } from "../modules/analytics/dashboard.resolver";
import { AdminResolver } from "../modules/admins/admin.resolver";
import { CustomerResolver } from "../modules/customers/customer.resolver";
import { LicenseResolver } from "../modules/licenses/license.resolver";
import { ValidationResolver } from "../modules/licenses/validation.resolver";
import { PaymentAdjustmentResolver, PaymentResolver } from "../modules/payments/payment.resolver";
import { WebhookEventResolver } from "../modules/billing/webhook-event.resolver";
import { NotificationResolver } from "../modules/notifications/notification.resolver";
import { BillingSubscriptionResolver, LicenseBillingResolver } from "../modules/billing/billing-subscription.resolver";
import { PlanResolver } from "../modules/plans/plan.resolver";
import { ProviderKeyResolver } from "../modules/provider-keys/provider-key.resolver";
import { UsageResolver } from "../modules/usage/usage.resolver";
import { permissions } from "./permissions";
import { INPUT_VALIDATION } from "./validation";
import { ChatResolver } from "../ai/chat.resolver";
import { BackupResolver } from "../backup/backup.resolver";

const RESOLVERS = [
  PlanResolver,
  CustomerResolver,
  LicenseResolver,
  ValidationResolver,
  UsageResolver,
  PaymentResolver,
  WebhookEventResolver,
  NotificationResolver,
  BillingSubscriptionResolver,
  LicenseBillingResolver,
  PaymentAdjustmentResolver,
  ActivityResolver,
  AdminResolver,
  ProviderKeyResolver,
  ChatResolver,
  AnalyticsResolver,
  DashboardResolver,
  BackupResolver,
] as const;

/** The schema as type-graphql builds it from the resolvers and model classes (no permissions applied). */
export function buildBareSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: RESOLVERS,
    scalarsMap: [{ type: Date, scalar: GraphQLDateTimeISO }],
    // Inputs are validated with their class-validator rules; unknown keys are rejected by GraphQL itself.
    validate: INPUT_VALIDATION,
  });
}

/** The served schema: the bare one wrapped in the permission map. */
export async function buildApiSchema(): Promise<GraphQLSchema> {
  return applyMiddleware(await buildBareSchema(), permissions);
}

/** The SDL committed as schema/schema.graphql: sorted, so a diff shows only real changes. */
export function printApiSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
