/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type ActivityFilterInput = {
  /** e.g. license.suspended */
  action?: string | null | undefined;
  /** e.g. admin:<id>, license:<id>, paddle, system */
  actor?: string | null | undefined;
  customerId?: string | number | null | undefined;
  licenseId?: string | number | null | undefined;
};

/** owner: everything; admin: customers, licenses, plans, payments; support: read, suspend/reactivate, reveal keys; readonly: read */
export type AdminRole =
  | 'admin'
  | 'owner'
  | 'readonly'
  | 'support';

/** How a plan is paid: every month, or once for life */
export type Billing =
  | 'lifetime'
  | 'monthly';

export type CreateAdminTokenInput = {
  name: string;
  role: AdminRole;
};

export type CreateCustomerInput = {
  address?: string | null | undefined;
  company?: string | null | undefined;
  /** ISO 3166-1 alpha-2, e.g. IT */
  country?: string | null | undefined;
  email: string;
  name?: string | null | undefined;
  notes?: string | null | undefined;
  phone?: string | null | undefined;
};

export type CustomerFilterInput = {
  /** Part of the email, name or company */
  search?: string | null | undefined;
  status?: CustomerStatus | null | undefined;
};

/** A suspended customer's licenses do not pass either */
export type CustomerStatus =
  | 'active'
  | 'inactive'
  | 'suspended';

export type IssueLicenseInput = {
  customerId: string | number;
  domain?: string | null | undefined;
  /** Omit for no expiry (monthly plans are kept alive by billing; lifetime never expires) */
  expiresAt?: string | null | undefined;
  /** Plan name: starter, pro, agency or founders */
  plan: string;
};

export type LicenseFilterInput = {
  customerId?: string | number | null | undefined;
  /** The last 4 characters of the key */
  keyLast4?: string | null | undefined;
  plan?: string | null | undefined;
  /** Part of the customer's email, name or company */
  search?: string | null | undefined;
  status?: LicenseStatus | null | undefined;
};

/** Only active licenses pass validation */
export type LicenseStatus =
  | 'active'
  | 'cancelled'
  | 'expired'
  | 'inactive'
  | 'suspended';

export type ModelAllowanceInput = {
  models: Array<string>;
  provider: string;
};

export type PaymentFilterInput = {
  customerId?: string | number | null | undefined;
  /** Paid at or after (inclusive) */
  from?: string | null | undefined;
  licenseId?: string | number | null | undefined;
  /** paddle, manual, or an imported provider (v1, v2, …) */
  provider?: string | null | undefined;
  status?: PaymentStatus | null | undefined;
  /** Paid before (exclusive) */
  to?: string | null | undefined;
};

export type PaymentStatus =
  | 'completed'
  | 'failed'
  | 'partially_refunded'
  | 'pending'
  | 'refunded';

/** Only the fields given are changed */
export type UpdateCustomerInput = {
  address?: string | null | undefined;
  company?: string | null | undefined;
  /** ISO 3166-1 alpha-2, e.g. IT */
  country?: string | null | undefined;
  email?: string | null | undefined;
  name?: string | null | undefined;
  notes?: string | null | undefined;
  phone?: string | null | undefined;
};

/** Only the fields given are changed */
export type UpdatePlanInput = {
  allowedModels?: Array<ModelAllowanceInput> | null | undefined;
  isActive?: boolean | null | undefined;
  lifetimeLimit?: number | null | undefined;
  /** -1 = unlimited */
  maxSites?: number | null | undefined;
  maxTokens?: number | null | undefined;
  /** Monthly AI budget in micro-euros (1 EUR = 1,000,000); 0 = unlimited */
  monthlyBudgetMicros?: number | null | undefined;
  monthlyRequests?: number | null | undefined;
  /** Replaces the plan's Paddle price ids (pri_…); [] removes them all */
  paddlePriceIds?: Array<string> | null | undefined;
  requestsPerHour?: number | null | undefined;
  requestsPerMinute?: number | null | undefined;
};

export type UsageGroupBy =
  | 'DAY'
  | 'MODEL'
  | 'PROVIDER';

export type ActivityQueryVariables = Exact<{
  filter?: ActivityFilterInput | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ActivityQuery = { activity: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, action: string, actor: string, ipAddress: string | null, details: Record<string, unknown>, createdAt: string, customer: { id: string, email: string } | null, license: { id: string, keyLast4: string } | null } }> } };

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { viewer: { kind: string, role: AdminRole | null, admin: { id: string, name: string, role: AdminRole, tokenPrefix: string, createdAt: string, lastUsedAt: string | null, revokedAt: string | null } | null, license: { id: string, keyLast4: string, status: LicenseStatus } | null } };

export type AdminsQueryVariables = Exact<{ [key: string]: never; }>;


export type AdminsQuery = { admins: Array<{ id: string, name: string, role: AdminRole, tokenPrefix: string, createdAt: string, lastUsedAt: string | null, revokedAt: string | null }> };

export type CreateAdminTokenMutationVariables = Exact<{
  input: CreateAdminTokenInput;
}>;


export type CreateAdminTokenMutation = { createAdminToken: { token: string, admin: { id: string, name: string, role: AdminRole, tokenPrefix: string, createdAt: string, lastUsedAt: string | null, revokedAt: string | null } } };

export type RevokeAdminTokenMutationVariables = Exact<{
  id: string | number;
}>;


export type RevokeAdminTokenMutation = { revokeAdminToken: { id: string, name: string, role: AdminRole, tokenPrefix: string, createdAt: string, lastUsedAt: string | null, revokedAt: string | null } };

export type ProviderKeysQueryVariables = Exact<{ [key: string]: never; }>;


export type ProviderKeysQuery = { providerKeys: Array<{ provider: string, keyLast4: string, isActive: boolean, usageCount: number, lastUsed: string | null, updatedAt: string }> };

export type SetProviderKeyMutationVariables = Exact<{
  provider: string;
  apiKey: string;
}>;


export type SetProviderKeyMutation = { setProviderKey: { provider: string, keyLast4: string, isActive: boolean, updatedAt: string } };

export type CustomersQueryVariables = Exact<{
  filter?: CustomerFilterInput | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type CustomersQuery = { customers: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, email: string, name: string | null, company: string | null, country: string | null, phone: string | null, address: string | null, notes: string | null, status: CustomerStatus, paddleCustomerId: string | null, createdAt: string, updatedAt: string, licenses: Array<{ id: string, status: LicenseStatus, plan: { name: string } }> } }> } };

export type CustomerDetailQueryVariables = Exact<{
  id: string | number;
}>;


export type CustomerDetailQuery = { customer: { paddleSubscriptionId: string | null, id: string, email: string, name: string | null, company: string | null, country: string | null, phone: string | null, address: string | null, notes: string | null, status: CustomerStatus, paddleCustomerId: string | null, createdAt: string, updatedAt: string, licenses: Array<{ id: string, keyLast4: string, status: LicenseStatus, statusReason: string | null, domain: string | null, activatedAt: string | null, expiresAt: string | null, lastCheck: string | null, createdAt: string, updatedAt: string, usageSummary: { month: string, requests: number, requestLimit: number, requestsPercent: number, tokens: number, costMicros: number, cost: string, budgetMicros: number, budgetPercent: number }, plan: { id: string, name: string, displayName: string } }>, payments: Array<{ id: string, transactionId: string, provider: string, status: PaymentStatus, amount: string, amountCents: number, currency: string, createdAt: string, license: { id: string, keyLast4: string } | null }> } };

export type CreateCustomerMutationVariables = Exact<{
  input: CreateCustomerInput;
}>;


export type CreateCustomerMutation = { createCustomer: { id: string, email: string, name: string | null, company: string | null, country: string | null, phone: string | null, address: string | null, notes: string | null, status: CustomerStatus, paddleCustomerId: string | null, createdAt: string, updatedAt: string } };

export type UpdateCustomerMutationVariables = Exact<{
  id: string | number;
  input: UpdateCustomerInput;
}>;


export type UpdateCustomerMutation = { updateCustomer: { id: string, email: string, name: string | null, company: string | null, country: string | null, phone: string | null, address: string | null, notes: string | null, status: CustomerStatus, paddleCustomerId: string | null, createdAt: string, updatedAt: string } };

export type SetCustomerStatusMutationVariables = Exact<{
  id: string | number;
  status: CustomerStatus;
}>;


export type SetCustomerStatusMutation = { setCustomerStatus: { id: string, status: CustomerStatus, updatedAt: string } };

export type PageInfoFieldsFragment = { hasNextPage: boolean, endCursor: string | null };

export type PlanFieldsFragment = { id: string, name: string, displayName: string, billing: Billing, priceCents: number, currency: string, isActive: boolean, isLifetime: boolean, maxSites: number, maxTokens: number, monthlyRequests: number, requestsPerMinute: number, requestsPerHour: number, monthlyBudgetMicros: number, monthlyBudgetEur: string, costPer1kTokensMicros: number, lifetimeLimit: number | null, lifetimeSold: number, features: Array<string>, updatedAt: string, allowedModels: Array<{ provider: string, models: Array<string> }> };

export type CustomerFieldsFragment = { id: string, email: string, name: string | null, company: string | null, country: string | null, phone: string | null, address: string | null, notes: string | null, status: CustomerStatus, paddleCustomerId: string | null, createdAt: string, updatedAt: string };

export type LicenseFieldsFragment = { id: string, keyLast4: string, status: LicenseStatus, statusReason: string | null, domain: string | null, activatedAt: string | null, expiresAt: string | null, lastCheck: string | null, createdAt: string, updatedAt: string, plan: { id: string, name: string, displayName: string } };

export type UsageSummaryFieldsFragment = { month: string, requests: number, requestLimit: number, requestsPercent: number, tokens: number, costMicros: number, cost: string, budgetMicros: number, budgetPercent: number };

export type AdminTokenFieldsFragment = { id: string, name: string, role: AdminRole, tokenPrefix: string, createdAt: string, lastUsedAt: string | null, revokedAt: string | null };

export type LicensesQueryVariables = Exact<{
  filter?: LicenseFilterInput | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type LicensesQuery = { licenses: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, keyLast4: string, status: LicenseStatus, statusReason: string | null, domain: string | null, activatedAt: string | null, expiresAt: string | null, lastCheck: string | null, createdAt: string, updatedAt: string, customer: { id: string, email: string, name: string | null, company: string | null }, plan: { id: string, name: string, displayName: string } } }> } };

export type LicenseDetailQueryVariables = Exact<{
  id: string | number;
}>;


export type LicenseDetailQuery = { license: { metadata: Record<string, unknown>, id: string, keyLast4: string, status: LicenseStatus, statusReason: string | null, domain: string | null, activatedAt: string | null, expiresAt: string | null, lastCheck: string | null, createdAt: string, updatedAt: string, customer: { id: string, email: string, name: string | null, company: string | null, status: CustomerStatus }, plan: { id: string, name: string, displayName: string, billing: Billing, priceCents: number, currency: string, isActive: boolean, isLifetime: boolean, maxSites: number, maxTokens: number, monthlyRequests: number, requestsPerMinute: number, requestsPerHour: number, monthlyBudgetMicros: number, monthlyBudgetEur: string, costPer1kTokensMicros: number, lifetimeLimit: number | null, lifetimeSold: number, features: Array<string>, updatedAt: string, allowedModels: Array<{ provider: string, models: Array<string> }> }, activations: Array<{ id: string, site: string, isDevelopment: boolean, activatedAt: string, lastSeenAt: string }>, usageSummary: { month: string, requests: number, requestLimit: number, requestsPercent: number, tokens: number, costMicros: number, cost: string, budgetMicros: number, budgetPercent: number } } | null };

export type IssueLicenseMutationVariables = Exact<{
  input: IssueLicenseInput;
}>;


export type IssueLicenseMutation = { issueLicense: { key: string, license: { id: string, keyLast4: string, status: LicenseStatus, statusReason: string | null, domain: string | null, activatedAt: string | null, expiresAt: string | null, lastCheck: string | null, createdAt: string, updatedAt: string, customer: { id: string, email: string }, plan: { id: string, name: string, displayName: string } } } };

export type SuspendLicenseMutationVariables = Exact<{
  id: string | number;
  reason: string;
}>;


export type SuspendLicenseMutation = { suspendLicense: { id: string, status: LicenseStatus, statusReason: string | null, updatedAt: string } };

export type ReactivateLicenseMutationVariables = Exact<{
  id: string | number;
}>;


export type ReactivateLicenseMutation = { reactivateLicense: { id: string, status: LicenseStatus, statusReason: string | null, updatedAt: string } };

export type CancelLicenseMutationVariables = Exact<{
  id: string | number;
}>;


export type CancelLicenseMutation = { cancelLicense: { id: string, status: LicenseStatus, statusReason: string | null, updatedAt: string } };

export type ChangeLicensePlanMutationVariables = Exact<{
  id: string | number;
  plan: string;
}>;


export type ChangeLicensePlanMutation = { changeLicensePlan: { id: string, keyLast4: string, status: LicenseStatus, statusReason: string | null, domain: string | null, activatedAt: string | null, expiresAt: string | null, lastCheck: string | null, createdAt: string, updatedAt: string, plan: { id: string, name: string, displayName: string } } };

export type ExtendLicenseMutationVariables = Exact<{
  id: string | number;
  expiresAt?: string | null | undefined;
}>;


export type ExtendLicenseMutation = { extendLicense: { id: string, status: LicenseStatus, expiresAt: string | null, updatedAt: string } };

export type RotateLicenseKeyMutationVariables = Exact<{
  id: string | number;
}>;


export type RotateLicenseKeyMutation = { rotateLicenseKey: { key: string, license: { id: string, keyLast4: string, updatedAt: string } } };

export type RevealLicenseKeyMutationVariables = Exact<{
  id: string | number;
}>;


export type RevealLicenseKeyMutation = { revealLicenseKey: string };

export type PaymentsQueryVariables = Exact<{
  filter?: PaymentFilterInput | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type PaymentsQuery = { payments: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, transactionId: string, provider: string, status: PaymentStatus, amount: string, amountCents: number, currency: string, metadata: Record<string, unknown>, createdAt: string, customer: { id: string, email: string }, license: { id: string, keyLast4: string } | null } }> } };

export type PlansQueryVariables = Exact<{
  includeInactive?: boolean;
}>;


export type PlansQuery = { plans: Array<{ id: string, name: string, displayName: string, billing: Billing, priceCents: number, currency: string, isActive: boolean, isLifetime: boolean, maxSites: number, maxTokens: number, monthlyRequests: number, requestsPerMinute: number, requestsPerHour: number, monthlyBudgetMicros: number, monthlyBudgetEur: string, costPer1kTokensMicros: number, lifetimeLimit: number | null, lifetimeSold: number, features: Array<string>, updatedAt: string, allowedModels: Array<{ provider: string, models: Array<string> }> }> };

export type UpdatePlanMutationVariables = Exact<{
  name: string;
  input: UpdatePlanInput;
}>;


export type UpdatePlanMutation = { updatePlan: { id: string, name: string, displayName: string, billing: Billing, priceCents: number, currency: string, isActive: boolean, isLifetime: boolean, maxSites: number, maxTokens: number, monthlyRequests: number, requestsPerMinute: number, requestsPerHour: number, monthlyBudgetMicros: number, monthlyBudgetEur: string, costPer1kTokensMicros: number, lifetimeLimit: number | null, lifetimeSold: number, features: Array<string>, updatedAt: string, allowedModels: Array<{ provider: string, models: Array<string> }> } };

export type SettingsQueryVariables = Exact<{ [key: string]: never; }>;


export type SettingsQuery = { viewer: { admin: { id: string } | null }, providerKeys: Array<{ provider: string, keyLast4: string, isActive: boolean, usageCount: number, lastUsed: string | null, updatedAt: string }>, providerKeySources: Array<{ provider: string, keySource: string, defaultModel: string }>, admins: Array<{ id: string, name: string, role: AdminRole, tokenPrefix: string, createdAt: string, lastUsedAt: string | null, revokedAt: string | null }>, backups: { enabled: boolean, directory: string | null, every: string | null, everyHours: number | null, keep: number | null, lastAt: string | null, lastFile: string | null, lastBytes: number | null, lastDocuments: number | null, lastFailureAt: string | null, lastFailureMessage: string | null, nextAt: string | null, files: Array<{ name: string, sizeBytes: number, createdAt: string }> } };

export type BackupStatusFieldsFragment = { enabled: boolean, directory: string | null, every: string | null, everyHours: number | null, keep: number | null, lastAt: string | null, lastFile: string | null, lastBytes: number | null, lastDocuments: number | null, lastFailureAt: string | null, lastFailureMessage: string | null, nextAt: string | null, files: Array<{ name: string, sizeBytes: number, createdAt: string }> };

export type BackupsQueryVariables = Exact<{ [key: string]: never; }>;


export type BackupsQuery = { backups: { enabled: boolean, directory: string | null, every: string | null, everyHours: number | null, keep: number | null, lastAt: string | null, lastFile: string | null, lastBytes: number | null, lastDocuments: number | null, lastFailureAt: string | null, lastFailureMessage: string | null, nextAt: string | null, files: Array<{ name: string, sizeBytes: number, createdAt: string }> } };

export type TestProviderKeyMutationVariables = Exact<{
  provider: string;
}>;


export type TestProviderKeyMutation = { testProviderKey: { provider: string, ok: boolean, model: string, latencyMs: number, keySource: string, message: string } };

export type UsageQueryVariables = Exact<{
  licenseId: string | number;
  from: string;
  to: string;
  groupBy?: UsageGroupBy;
}>;


export type UsageQuery = { usage: Array<{ key: string, requests: number, tokens: number, costMicros: number, cost: string }> | null };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const PageInfoFieldsFragmentDoc = new TypedDocumentString(`
    fragment PageInfoFields on PageInfo {
  hasNextPage
  endCursor
}
    `, {"fragmentName":"PageInfoFields"}) as unknown as TypedDocumentString<PageInfoFieldsFragment, unknown>;
export const PlanFieldsFragmentDoc = new TypedDocumentString(`
    fragment PlanFields on Plan {
  id
  name
  displayName
  billing
  priceCents
  currency
  isActive
  isLifetime
  maxSites
  maxTokens
  monthlyRequests
  requestsPerMinute
  requestsPerHour
  monthlyBudgetMicros
  monthlyBudgetEur
  costPer1kTokensMicros
  lifetimeLimit
  lifetimeSold
  features
  allowedModels {
    provider
    models
  }
  updatedAt
}
    `, {"fragmentName":"PlanFields"}) as unknown as TypedDocumentString<PlanFieldsFragment, unknown>;
export const CustomerFieldsFragmentDoc = new TypedDocumentString(`
    fragment CustomerFields on Customer {
  id
  email
  name
  company
  country
  phone
  address
  notes
  status
  paddleCustomerId
  createdAt
  updatedAt
}
    `, {"fragmentName":"CustomerFields"}) as unknown as TypedDocumentString<CustomerFieldsFragment, unknown>;
export const LicenseFieldsFragmentDoc = new TypedDocumentString(`
    fragment LicenseFields on License {
  id
  keyLast4
  status
  statusReason
  domain
  activatedAt
  expiresAt
  lastCheck
  createdAt
  updatedAt
  plan {
    id
    name
    displayName
  }
}
    `, {"fragmentName":"LicenseFields"}) as unknown as TypedDocumentString<LicenseFieldsFragment, unknown>;
export const UsageSummaryFieldsFragmentDoc = new TypedDocumentString(`
    fragment UsageSummaryFields on UsageSummary {
  month
  requests
  requestLimit
  requestsPercent
  tokens
  costMicros
  cost
  budgetMicros
  budgetPercent
}
    `, {"fragmentName":"UsageSummaryFields"}) as unknown as TypedDocumentString<UsageSummaryFieldsFragment, unknown>;
export const AdminTokenFieldsFragmentDoc = new TypedDocumentString(`
    fragment AdminTokenFields on AdminToken {
  id
  name
  role
  tokenPrefix
  createdAt
  lastUsedAt
  revokedAt
}
    `, {"fragmentName":"AdminTokenFields"}) as unknown as TypedDocumentString<AdminTokenFieldsFragment, unknown>;
export const BackupStatusFieldsFragmentDoc = new TypedDocumentString(`
    fragment BackupStatusFields on BackupStatus {
  enabled
  directory
  every
  everyHours
  keep
  lastAt
  lastFile
  lastBytes
  lastDocuments
  lastFailureAt
  lastFailureMessage
  nextAt
  files {
    name
    sizeBytes
    createdAt
  }
}
    `, {"fragmentName":"BackupStatusFields"}) as unknown as TypedDocumentString<BackupStatusFieldsFragment, unknown>;
export const ActivityDocument = new TypedDocumentString(`
    query Activity($filter: ActivityFilterInput, $first: Int, $after: String) {
  activity(filter: $filter, first: $first, after: $after) {
    pageInfo {
      ...PageInfoFields
    }
    edges {
      cursor
      node {
        id
        action
        actor
        ipAddress
        details
        createdAt
        customer {
          id
          email
        }
        license {
          id
          keyLast4
        }
      }
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  endCursor
}`) as unknown as TypedDocumentString<ActivityQuery, ActivityQueryVariables>;
export const ViewerDocument = new TypedDocumentString(`
    query Viewer {
  viewer {
    kind
    role
    admin {
      ...AdminTokenFields
    }
    license {
      id
      keyLast4
      status
    }
  }
}
    fragment AdminTokenFields on AdminToken {
  id
  name
  role
  tokenPrefix
  createdAt
  lastUsedAt
  revokedAt
}`) as unknown as TypedDocumentString<ViewerQuery, ViewerQueryVariables>;
export const AdminsDocument = new TypedDocumentString(`
    query Admins {
  admins {
    ...AdminTokenFields
  }
}
    fragment AdminTokenFields on AdminToken {
  id
  name
  role
  tokenPrefix
  createdAt
  lastUsedAt
  revokedAt
}`) as unknown as TypedDocumentString<AdminsQuery, AdminsQueryVariables>;
export const CreateAdminTokenDocument = new TypedDocumentString(`
    mutation CreateAdminToken($input: CreateAdminTokenInput!) {
  createAdminToken(input: $input) {
    token
    admin {
      ...AdminTokenFields
    }
  }
}
    fragment AdminTokenFields on AdminToken {
  id
  name
  role
  tokenPrefix
  createdAt
  lastUsedAt
  revokedAt
}`) as unknown as TypedDocumentString<CreateAdminTokenMutation, CreateAdminTokenMutationVariables>;
export const RevokeAdminTokenDocument = new TypedDocumentString(`
    mutation RevokeAdminToken($id: ID!) {
  revokeAdminToken(id: $id) {
    ...AdminTokenFields
  }
}
    fragment AdminTokenFields on AdminToken {
  id
  name
  role
  tokenPrefix
  createdAt
  lastUsedAt
  revokedAt
}`) as unknown as TypedDocumentString<RevokeAdminTokenMutation, RevokeAdminTokenMutationVariables>;
export const ProviderKeysDocument = new TypedDocumentString(`
    query ProviderKeys {
  providerKeys {
    provider
    keyLast4
    isActive
    usageCount
    lastUsed
    updatedAt
  }
}
    `) as unknown as TypedDocumentString<ProviderKeysQuery, ProviderKeysQueryVariables>;
export const SetProviderKeyDocument = new TypedDocumentString(`
    mutation SetProviderKey($provider: String!, $apiKey: String!) {
  setProviderKey(provider: $provider, apiKey: $apiKey) {
    provider
    keyLast4
    isActive
    updatedAt
  }
}
    `) as unknown as TypedDocumentString<SetProviderKeyMutation, SetProviderKeyMutationVariables>;
export const CustomersDocument = new TypedDocumentString(`
    query Customers($filter: CustomerFilterInput, $first: Int, $after: String) {
  customers(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo {
      ...PageInfoFields
    }
    edges {
      cursor
      node {
        ...CustomerFields
        licenses {
          id
          status
          plan {
            name
          }
        }
      }
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  endCursor
}
fragment CustomerFields on Customer {
  id
  email
  name
  company
  country
  phone
  address
  notes
  status
  paddleCustomerId
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<CustomersQuery, CustomersQueryVariables>;
export const CustomerDetailDocument = new TypedDocumentString(`
    query CustomerDetail($id: ID!) {
  customer(id: $id) {
    ...CustomerFields
    paddleSubscriptionId
    licenses {
      ...LicenseFields
      usageSummary {
        ...UsageSummaryFields
      }
    }
    payments {
      id
      transactionId
      provider
      status
      amount
      amountCents
      currency
      createdAt
      license {
        id
        keyLast4
      }
    }
  }
}
    fragment CustomerFields on Customer {
  id
  email
  name
  company
  country
  phone
  address
  notes
  status
  paddleCustomerId
  createdAt
  updatedAt
}
fragment LicenseFields on License {
  id
  keyLast4
  status
  statusReason
  domain
  activatedAt
  expiresAt
  lastCheck
  createdAt
  updatedAt
  plan {
    id
    name
    displayName
  }
}
fragment UsageSummaryFields on UsageSummary {
  month
  requests
  requestLimit
  requestsPercent
  tokens
  costMicros
  cost
  budgetMicros
  budgetPercent
}`) as unknown as TypedDocumentString<CustomerDetailQuery, CustomerDetailQueryVariables>;
export const CreateCustomerDocument = new TypedDocumentString(`
    mutation CreateCustomer($input: CreateCustomerInput!) {
  createCustomer(input: $input) {
    ...CustomerFields
  }
}
    fragment CustomerFields on Customer {
  id
  email
  name
  company
  country
  phone
  address
  notes
  status
  paddleCustomerId
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<CreateCustomerMutation, CreateCustomerMutationVariables>;
export const UpdateCustomerDocument = new TypedDocumentString(`
    mutation UpdateCustomer($id: ID!, $input: UpdateCustomerInput!) {
  updateCustomer(id: $id, input: $input) {
    ...CustomerFields
  }
}
    fragment CustomerFields on Customer {
  id
  email
  name
  company
  country
  phone
  address
  notes
  status
  paddleCustomerId
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<UpdateCustomerMutation, UpdateCustomerMutationVariables>;
export const SetCustomerStatusDocument = new TypedDocumentString(`
    mutation SetCustomerStatus($id: ID!, $status: CustomerStatus!) {
  setCustomerStatus(id: $id, status: $status) {
    id
    status
    updatedAt
  }
}
    `) as unknown as TypedDocumentString<SetCustomerStatusMutation, SetCustomerStatusMutationVariables>;
export const LicensesDocument = new TypedDocumentString(`
    query Licenses($filter: LicenseFilterInput, $first: Int, $after: String) {
  licenses(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo {
      ...PageInfoFields
    }
    edges {
      cursor
      node {
        ...LicenseFields
        customer {
          id
          email
          name
          company
        }
      }
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  endCursor
}
fragment LicenseFields on License {
  id
  keyLast4
  status
  statusReason
  domain
  activatedAt
  expiresAt
  lastCheck
  createdAt
  updatedAt
  plan {
    id
    name
    displayName
  }
}`) as unknown as TypedDocumentString<LicensesQuery, LicensesQueryVariables>;
export const LicenseDetailDocument = new TypedDocumentString(`
    query LicenseDetail($id: ID!) {
  license(id: $id) {
    ...LicenseFields
    metadata
    customer {
      id
      email
      name
      company
      status
    }
    plan {
      ...PlanFields
    }
    activations {
      id
      site
      isDevelopment
      activatedAt
      lastSeenAt
    }
    usageSummary {
      ...UsageSummaryFields
    }
  }
}
    fragment PlanFields on Plan {
  id
  name
  displayName
  billing
  priceCents
  currency
  isActive
  isLifetime
  maxSites
  maxTokens
  monthlyRequests
  requestsPerMinute
  requestsPerHour
  monthlyBudgetMicros
  monthlyBudgetEur
  costPer1kTokensMicros
  lifetimeLimit
  lifetimeSold
  features
  allowedModels {
    provider
    models
  }
  updatedAt
}
fragment LicenseFields on License {
  id
  keyLast4
  status
  statusReason
  domain
  activatedAt
  expiresAt
  lastCheck
  createdAt
  updatedAt
  plan {
    id
    name
    displayName
  }
}
fragment UsageSummaryFields on UsageSummary {
  month
  requests
  requestLimit
  requestsPercent
  tokens
  costMicros
  cost
  budgetMicros
  budgetPercent
}`) as unknown as TypedDocumentString<LicenseDetailQuery, LicenseDetailQueryVariables>;
export const IssueLicenseDocument = new TypedDocumentString(`
    mutation IssueLicense($input: IssueLicenseInput!) {
  issueLicense(input: $input) {
    key
    license {
      ...LicenseFields
      customer {
        id
        email
      }
    }
  }
}
    fragment LicenseFields on License {
  id
  keyLast4
  status
  statusReason
  domain
  activatedAt
  expiresAt
  lastCheck
  createdAt
  updatedAt
  plan {
    id
    name
    displayName
  }
}`) as unknown as TypedDocumentString<IssueLicenseMutation, IssueLicenseMutationVariables>;
export const SuspendLicenseDocument = new TypedDocumentString(`
    mutation SuspendLicense($id: ID!, $reason: String!) {
  suspendLicense(id: $id, reason: $reason) {
    id
    status
    statusReason
    updatedAt
  }
}
    `) as unknown as TypedDocumentString<SuspendLicenseMutation, SuspendLicenseMutationVariables>;
export const ReactivateLicenseDocument = new TypedDocumentString(`
    mutation ReactivateLicense($id: ID!) {
  reactivateLicense(id: $id) {
    id
    status
    statusReason
    updatedAt
  }
}
    `) as unknown as TypedDocumentString<ReactivateLicenseMutation, ReactivateLicenseMutationVariables>;
export const CancelLicenseDocument = new TypedDocumentString(`
    mutation CancelLicense($id: ID!) {
  cancelLicense(id: $id) {
    id
    status
    statusReason
    updatedAt
  }
}
    `) as unknown as TypedDocumentString<CancelLicenseMutation, CancelLicenseMutationVariables>;
export const ChangeLicensePlanDocument = new TypedDocumentString(`
    mutation ChangeLicensePlan($id: ID!, $plan: String!) {
  changeLicensePlan(id: $id, plan: $plan) {
    ...LicenseFields
  }
}
    fragment LicenseFields on License {
  id
  keyLast4
  status
  statusReason
  domain
  activatedAt
  expiresAt
  lastCheck
  createdAt
  updatedAt
  plan {
    id
    name
    displayName
  }
}`) as unknown as TypedDocumentString<ChangeLicensePlanMutation, ChangeLicensePlanMutationVariables>;
export const ExtendLicenseDocument = new TypedDocumentString(`
    mutation ExtendLicense($id: ID!, $expiresAt: DateTimeISO) {
  extendLicense(id: $id, expiresAt: $expiresAt) {
    id
    status
    expiresAt
    updatedAt
  }
}
    `) as unknown as TypedDocumentString<ExtendLicenseMutation, ExtendLicenseMutationVariables>;
export const RotateLicenseKeyDocument = new TypedDocumentString(`
    mutation RotateLicenseKey($id: ID!) {
  rotateLicenseKey(id: $id) {
    key
    license {
      id
      keyLast4
      updatedAt
    }
  }
}
    `) as unknown as TypedDocumentString<RotateLicenseKeyMutation, RotateLicenseKeyMutationVariables>;
export const RevealLicenseKeyDocument = new TypedDocumentString(`
    mutation RevealLicenseKey($id: ID!) {
  revealLicenseKey(id: $id)
}
    `) as unknown as TypedDocumentString<RevealLicenseKeyMutation, RevealLicenseKeyMutationVariables>;
export const PaymentsDocument = new TypedDocumentString(`
    query Payments($filter: PaymentFilterInput, $first: Int, $after: String) {
  payments(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo {
      ...PageInfoFields
    }
    edges {
      cursor
      node {
        id
        transactionId
        provider
        status
        amount
        amountCents
        currency
        metadata
        createdAt
        customer {
          id
          email
        }
        license {
          id
          keyLast4
        }
      }
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  endCursor
}`) as unknown as TypedDocumentString<PaymentsQuery, PaymentsQueryVariables>;
export const PlansDocument = new TypedDocumentString(`
    query Plans($includeInactive: Boolean! = false) {
  plans(includeInactive: $includeInactive) {
    ...PlanFields
  }
}
    fragment PlanFields on Plan {
  id
  name
  displayName
  billing
  priceCents
  currency
  isActive
  isLifetime
  maxSites
  maxTokens
  monthlyRequests
  requestsPerMinute
  requestsPerHour
  monthlyBudgetMicros
  monthlyBudgetEur
  costPer1kTokensMicros
  lifetimeLimit
  lifetimeSold
  features
  allowedModels {
    provider
    models
  }
  updatedAt
}`) as unknown as TypedDocumentString<PlansQuery, PlansQueryVariables>;
export const UpdatePlanDocument = new TypedDocumentString(`
    mutation UpdatePlan($name: String!, $input: UpdatePlanInput!) {
  updatePlan(name: $name, input: $input) {
    ...PlanFields
  }
}
    fragment PlanFields on Plan {
  id
  name
  displayName
  billing
  priceCents
  currency
  isActive
  isLifetime
  maxSites
  maxTokens
  monthlyRequests
  requestsPerMinute
  requestsPerHour
  monthlyBudgetMicros
  monthlyBudgetEur
  costPer1kTokensMicros
  lifetimeLimit
  lifetimeSold
  features
  allowedModels {
    provider
    models
  }
  updatedAt
}`) as unknown as TypedDocumentString<UpdatePlanMutation, UpdatePlanMutationVariables>;
export const SettingsDocument = new TypedDocumentString(`
    query Settings {
  viewer {
    admin {
      id
    }
  }
  providerKeys {
    provider
    keyLast4
    isActive
    usageCount
    lastUsed
    updatedAt
  }
  providerKeySources {
    provider
    keySource
    defaultModel
  }
  admins {
    ...AdminTokenFields
  }
  backups {
    ...BackupStatusFields
  }
}
    fragment AdminTokenFields on AdminToken {
  id
  name
  role
  tokenPrefix
  createdAt
  lastUsedAt
  revokedAt
}
fragment BackupStatusFields on BackupStatus {
  enabled
  directory
  every
  everyHours
  keep
  lastAt
  lastFile
  lastBytes
  lastDocuments
  lastFailureAt
  lastFailureMessage
  nextAt
  files {
    name
    sizeBytes
    createdAt
  }
}`) as unknown as TypedDocumentString<SettingsQuery, SettingsQueryVariables>;
export const BackupsDocument = new TypedDocumentString(`
    query Backups {
  backups {
    ...BackupStatusFields
  }
}
    fragment BackupStatusFields on BackupStatus {
  enabled
  directory
  every
  everyHours
  keep
  lastAt
  lastFile
  lastBytes
  lastDocuments
  lastFailureAt
  lastFailureMessage
  nextAt
  files {
    name
    sizeBytes
    createdAt
  }
}`) as unknown as TypedDocumentString<BackupsQuery, BackupsQueryVariables>;
export const TestProviderKeyDocument = new TypedDocumentString(`
    mutation TestProviderKey($provider: String!) {
  testProviderKey(provider: $provider) {
    provider
    ok
    model
    latencyMs
    keySource
    message
  }
}
    `) as unknown as TypedDocumentString<TestProviderKeyMutation, TestProviderKeyMutationVariables>;
export const UsageDocument = new TypedDocumentString(`
    query Usage($licenseId: ID!, $from: DateTimeISO!, $to: DateTimeISO!, $groupBy: UsageGroupBy! = DAY) {
  usage(licenseId: $licenseId, from: $from, to: $to, groupBy: $groupBy) {
    key
    requests
    tokens
    costMicros
    cost
  }
}
    `) as unknown as TypedDocumentString<UsageQuery, UsageQueryVariables>;