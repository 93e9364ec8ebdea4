import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  Kind,
  parse,
  print,
  visit,
  type DefinitionNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from "graphql";
import type * as Ops from "../__generated__/operations";
import type { GraphQLResponse } from "./platform";

/**
 * The admin dashboard's operations (schema/operations/*.graphql) with the result and variable types codegen made
 * for them (test/__generated__/operations.ts, `npm run codegen`). One entry per operation: [result, variables].
 */
export interface DashboardOperations {
  Viewer: [Ops.ViewerQuery, Ops.ViewerQueryVariables];
  Admins: [Ops.AdminsQuery, Ops.AdminsQueryVariables];
  CreateAdminToken: [Ops.CreateAdminTokenMutation, Ops.CreateAdminTokenMutationVariables];
  RevokeAdminToken: [Ops.RevokeAdminTokenMutation, Ops.RevokeAdminTokenMutationVariables];
  ProviderKeys: [Ops.ProviderKeysQuery, Ops.ProviderKeysQueryVariables];
  SetProviderKey: [Ops.SetProviderKeyMutation, Ops.SetProviderKeyMutationVariables];
  Settings: [Ops.SettingsQuery, Ops.SettingsQueryVariables];
  Backups: [Ops.BackupsQuery, Ops.BackupsQueryVariables];
  TestProviderKey: [Ops.TestProviderKeyMutation, Ops.TestProviderKeyMutationVariables];
  Customers: [Ops.CustomersQuery, Ops.CustomersQueryVariables];
  CustomerDetail: [Ops.CustomerDetailQuery, Ops.CustomerDetailQueryVariables];
  CreateCustomer: [Ops.CreateCustomerMutation, Ops.CreateCustomerMutationVariables];
  UpdateCustomer: [Ops.UpdateCustomerMutation, Ops.UpdateCustomerMutationVariables];
  SetCustomerStatus: [Ops.SetCustomerStatusMutation, Ops.SetCustomerStatusMutationVariables];
  Licenses: [Ops.LicensesQuery, Ops.LicensesQueryVariables];
  LicenseDetail: [Ops.LicenseDetailQuery, Ops.LicenseDetailQueryVariables];
  IssueLicense: [Ops.IssueLicenseMutation, Ops.IssueLicenseMutationVariables];
  SuspendLicense: [Ops.SuspendLicenseMutation, Ops.SuspendLicenseMutationVariables];
  ReactivateLicense: [Ops.ReactivateLicenseMutation, Ops.ReactivateLicenseMutationVariables];
  CancelLicense: [Ops.CancelLicenseMutation, Ops.CancelLicenseMutationVariables];
  ChangeLicensePlan: [Ops.ChangeLicensePlanMutation, Ops.ChangeLicensePlanMutationVariables];
  ExtendLicense: [Ops.ExtendLicenseMutation, Ops.ExtendLicenseMutationVariables];
  RotateLicenseKey: [Ops.RotateLicenseKeyMutation, Ops.RotateLicenseKeyMutationVariables];
  RevealLicenseKey: [Ops.RevealLicenseKeyMutation, Ops.RevealLicenseKeyMutationVariables];
  RemoveActivation: [Ops.RemoveActivationMutation, Ops.RemoveActivationMutationVariables];
  Plans: [Ops.PlansQuery, Ops.PlansQueryVariables];
  UpdatePlan: [Ops.UpdatePlanMutation, Ops.UpdatePlanMutationVariables];
  Usage: [Ops.UsageQuery, Ops.UsageQueryVariables];
  Payments: [Ops.PaymentsQuery, Ops.PaymentsQueryVariables];
  Activity: [Ops.ActivityQuery, Ops.ActivityQueryVariables];
  OverviewReader: [Ops.OverviewReaderQuery, Ops.OverviewReaderQueryVariables];
  OverviewAdmin: [Ops.OverviewAdminQuery, Ops.OverviewAdminQueryVariables];
  AnalyticsPage: [Ops.AnalyticsPageQuery, Ops.AnalyticsPageQueryVariables];
  // Plans, payments, webhook events, notifications and activity pages.
  PlanImpact: [Ops.PlanImpactQuery, Ops.PlanImpactQueryVariables];
  PaymentsLedger: [Ops.PaymentsLedgerQuery, Ops.PaymentsLedgerQueryVariables];
  RecordManualPayment: [Ops.RecordManualPaymentMutation, Ops.RecordManualPaymentMutationVariables];
  WebhookEvents: [Ops.WebhookEventsQuery, Ops.WebhookEventsQueryVariables];
  RetryWebhookEvent: [Ops.RetryWebhookEventMutation, Ops.RetryWebhookEventMutationVariables];
  Notifications: [Ops.NotificationsQuery, Ops.NotificationsQueryVariables];
  RetryNotification: [Ops.RetryNotificationMutation, Ops.RetryNotificationMutationVariables];
  ActivityLog: [Ops.ActivityLogQuery, Ops.ActivityLogQueryVariables];
}

export type OperationName = keyof DashboardOperations;
export type ResultOf<K extends OperationName> = DashboardOperations[K][0];
export type VariablesOf<K extends OperationName> = DashboardOperations[K][1];

export const OPERATIONS_DIR = path.resolve(__dirname, "../../schema/operations");

/** Every definition in schema/operations/**\/*.graphql, parsed. */
export function loadOperationDefinitions(): DefinitionNode[] {
  const files = readdirSync(OPERATIONS_DIR, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".graphql"));
  return files.sort().flatMap((file) => parse(readFileSync(path.join(OPERATIONS_DIR, file), "utf8")).definitions);
}

let cached: { operations: Map<string, OperationDefinitionNode>; fragments: Map<string, FragmentDefinitionNode> } | undefined;

function definitions(): NonNullable<typeof cached> {
  if (!cached) {
    const operations = new Map<string, OperationDefinitionNode>();
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of loadOperationDefinitions()) {
      if (definition.kind === Kind.OPERATION_DEFINITION && definition.name) operations.set(definition.name.value, definition);
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    cached = { operations, fragments };
  }
  return cached;
}

/** The names of the operations in schema/operations (to check DashboardOperations covers them all). */
export function operationNames(): string[] {
  return [...definitions().operations.keys()].sort();
}

/** The document a dashboard sends for one operation: the operation and the fragments it uses, transitively. */
export function operationDocument(name: OperationName): DocumentNode {
  const { operations, fragments } = definitions();
  const operation = operations.get(name);
  if (!operation) throw new Error(`no operation ${name} in schema/operations`);
  const used = new Map<string, FragmentDefinitionNode>();
  const pending: DefinitionNode[] = [operation];
  while (pending.length > 0) {
    const next = pending.pop();
    if (!next) break;
    visit(next, {
      FragmentSpread(spread) {
        const fragment = fragments.get(spread.name.value);
        if (fragment && !used.has(spread.name.value)) {
          used.set(spread.name.value, fragment);
          pending.push(fragment);
        }
      },
    });
  }
  return { kind: Kind.DOCUMENT, definitions: [operation, ...used.values()] };
}

type Send = <T>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) => Promise<GraphQLResponse<T>>;

/**
 * Runs a dashboard operation over HTTP: the variables are checked against the generated type at compile time, and
 * the result comes back typed as the generated result type.
 */
export function runOperation<K extends OperationName>(
  send: Send,
  name: K,
  variables: VariablesOf<K>,
  headers: Record<string, string>,
): Promise<GraphQLResponse<ResultOf<K>>> {
  return send<ResultOf<K>>(print(operationDocument(name)), variables, headers);
}
