/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
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
