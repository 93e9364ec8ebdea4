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

export type AdjustmentAction =
  | 'chargeback'
  | 'chargeback_reverse'
  | 'chargeback_warning'
  | 'chargeback_warning_reverse'
  | 'credit'
  | 'credit_reverse'
  | 'refund';

export type AdjustmentStatus =
  | 'approved'
  | 'pending_approval'
  | 'rejected'
  | 'reversed';

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

export type DeliveryStatus =
  | 'delivered'
  | 'pending'
  | 'sending'
  | 'skipped';

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

export type NotificationFilterInput = {
  customerId?: string | number | null | undefined;
  /** true: only messages with a delivery whose last attempt failed and that waits for its next one (retryable) */
  failing?: boolean | null | undefined;
  kind?: NotificationKind | null | undefined;
  licenseId?: string | number | null | undefined;
  /** Messages whose webhook or e-mail delivery has this status */
  status?: DeliveryStatus | null | undefined;
};

export type NotificationKind =
  | 'founders_almost_sold_out'
  | 'grace_period_ending'
  | 'license_issued'
  | 'license_suspended'
  | 'payment_failed'
  | 'usage_threshold';

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

/** A sale outside Paddle, recorded by an admin */
export type RecordManualPaymentInput = {
  /** Tax included, in the currency's minor unit (cents) */
  amountCents: number;
  /** ISO 4217, upper case, e.g. EUR */
  currency: string;
  customerId: string | number;
  invoiceNumber?: string | null | undefined;
  /** Must be one of the customer's licenses */
  licenseId?: string | number | null | undefined;
  note?: string | null | undefined;
  /** Default: now */
  paidAt?: string | null | undefined;
};

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
  /** Flat AI rate in micro-euros per 1,000 tokens, for models missing from the price table */
  costPer1kTokensMicros?: number | null | undefined;
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
  /** The list price in cents (what Paddle charges is set in Paddle) */
  priceCents?: number | null | undefined;
  requestsPerHour?: number | null | undefined;
  requestsPerMinute?: number | null | undefined;
};

export type UsageGroupBy =
  | 'DAY'
  | 'DAY_AND_PROVIDER'
  | 'MODEL'
  | 'PROVIDER';

export type WebhookEventFilterInput = {
  /** A Paddle event type, e.g. subscription.updated */
  eventType?: string | null | undefined;
  /** true: only events that need an operator (attention set) */
  needsAttention?: boolean | null | undefined;
  status?: WebhookEventStatus | null | undefined;
};

export type WebhookEventStatus =
  | 'failed'
  | 'ignored'
  | 'pending'
  | 'processed'
  | 'processing';

export type ActivityQueryVariables = Exact<{
  filter?: ActivityFilterInput | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ActivityQuery = { activity: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, action: string, actor: string, ipAddress: string | null, details: Record<string, unknown>, createdAt: string, customer: { id: string, email: string } | null, license: { id: string, keyLast4: string } | null } }> } };

export type ActivityLogQueryVariables = Exact<{
  filter?: ActivityFilterInput | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ActivityLogQuery = { activity: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, action: string, actor: string, details: Record<string, unknown>, createdAt: string, customer: { id: string, email: string } | null, license: { id: string, keyLast4: string } | null } }> } };

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

export type AnalyticsPageQueryVariables = Exact<{
  from: string;
  to: string;
  fromTime: string;
  toTime: string;
  currency?: string;
}>;


export type AnalyticsPageQuery = { range: { currency: string, mrrCents: number, arrCents: number, activeSubscribers: number, excludedCurrencies: Array<string>, movements: { netCents: number, new: { amountCents: number, count: number }, expansion: { amountCents: number, count: number }, contraction: { amountCents: number, count: number }, churn: { amountCents: number, count: number }, reactivation: { amountCents: number, count: number } }, oneTime: { sales: number, revenueCents: number }, refunds: { amountCents: number, count: number }, cash: { collectedCents: number, refundedCents: number, netCents: number }, revenueByPlan: Array<{ planId: string | null, plan: string, mrrCents: number, subscribers: number, collectedCents: number, refundedCents: number }> }, analyticsMonths: Array<{ month: string, complete: boolean, mrrCents: number, activeSubscribers: number, movements: { netCents: number, new: { amountCents: number, count: number }, expansion: { amountCents: number, count: number }, contraction: { amountCents: number, count: number }, churn: { amountCents: number, count: number }, reactivation: { amountCents: number, count: number } }, oneTime: { sales: number, revenueCents: number }, refunds: { amountCents: number, count: number } }>, cohortRetention: Array<{ month: string, customers: number, retained: Array<{ monthsAfter: number, customers: number, share: number }> }>, aiCostByPlan: Array<{ planId: string | null, plan: string, requests: number, costMicros: number }> };

export type CustomersQueryVariables = Exact<{
  filter?: CustomerFilterInput | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type CustomersQuery = { customers: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, email: string, name: string | null, company: string | null, country: string | null, phone: string | null, address: string | null, notes: string | null, status: CustomerStatus, paddleCustomerId: string | null, createdAt: string, updatedAt: string, licenses: Array<{ id: string, status: LicenseStatus, plan: { name: string } }> } }> } };

export type CustomerDetailQueryVariables = Exact<{
  id: string | number;
}>;


export type CustomerDetailQuery = { customer: { paddleSubscriptionId: string | null, id: string, email: string, name: string | null, company: string | null, country: string | null, phone: string | null, address: string | null, notes: string | null, status: CustomerStatus, paddleCustomerId: string | null, createdAt: string, updatedAt: string, licenses: Array<{ activeSites: number, id: string, keyLast4: string, status: LicenseStatus, statusReason: string | null, domain: string | null, activatedAt: string | null, expiresAt: string | null, lastCheck: string | null, createdAt: string, updatedAt: string, usageSummary: { month: string, requests: number, requestLimit: number, requestsPercent: number, tokens: number, costMicros: number, cost: string, budgetMicros: number, budgetPercent: number }, plan: { id: string, name: string, displayName: string } }>, payments: Array<{ id: string, transactionId: string, provider: string, status: PaymentStatus, amount: string, amountCents: number, currency: string, createdAt: string, license: { id: string, keyLast4: string } | null }> }, activity: { totalCount: number, edges: Array<{ node: { id: string, action: string, actor: string, details: Record<string, unknown>, createdAt: string, license: { id: string, keyLast4: string } | null } }> }, plans: Array<{ name: string, displayName: string }> };

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


export type LicensesQuery = { licenses: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { activeSites: number, id: string, keyLast4: string, status: LicenseStatus, statusReason: string | null, domain: string | null, activatedAt: string | null, expiresAt: string | null, lastCheck: string | null, createdAt: string, updatedAt: string, plan: { maxSites: number, id: string, name: string, displayName: string }, customer: { id: string, email: string, name: string | null, company: string | null } } }> }, plans: Array<{ name: string, displayName: string }> };

export type LicenseDetailQueryVariables = Exact<{
  id: string | number;
  from: string;
  to: string;
}>;


export type LicenseDetailQuery = { license: { metadata: Record<string, unknown>, activeSites: number, graceUntil: string | null, paddleSubscriptionId: string | null, paddleTransactionId: string | null, id: string, keyLast4: string, status: LicenseStatus, statusReason: string | null, domain: string | null, activatedAt: string | null, expiresAt: string | null, lastCheck: string | null, createdAt: string, updatedAt: string, billing: { id: string, paddleSubscriptionId: string, status: string | null, currentPeriodEndsAt: string | null, scheduledCancelAt: string | null, pastDueSince: string | null, graceUntil: string | null, mrrCents: number | null, currency: string | null } | null, customer: { id: string, email: string, name: string | null, company: string | null, status: CustomerStatus }, plan: { id: string, name: string, displayName: string, billing: Billing, priceCents: number, currency: string, isActive: boolean, isLifetime: boolean, maxSites: number, maxTokens: number, monthlyRequests: number, requestsPerMinute: number, requestsPerHour: number, monthlyBudgetMicros: number, monthlyBudgetEur: string, costPer1kTokensMicros: number, lifetimeLimit: number | null, lifetimeSold: number, features: Array<string>, updatedAt: string, allowedModels: Array<{ provider: string, models: Array<string> }> }, activations: Array<{ id: string, site: string, isDevelopment: boolean, activatedAt: string, lastSeenAt: string }>, usageSummary: { month: string, requests: number, requestLimit: number, requestsPercent: number, tokens: number, costMicros: number, cost: string, budgetMicros: number, budgetPercent: number } } | null, usage: Array<{ key: string, day: string | null, provider: string | null, requests: number, tokens: number, costMicros: number }> | null, payments: { totalCount: number, edges: Array<{ node: { id: string, transactionId: string, provider: string, status: PaymentStatus, amountCents: number, refundedCents: number, currency: string, paidAt: string } }> }, activity: { totalCount: number, edges: Array<{ node: { id: string, action: string, actor: string, details: Record<string, unknown>, createdAt: string, license: { id: string, keyLast4: string } | null } }> }, plans: Array<{ name: string, displayName: string }> };

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
  note?: string | null | undefined;
}>;


export type RevealLicenseKeyMutation = { revealLicenseKey: string };

export type RemoveActivationMutationVariables = Exact<{
  licenseId: string | number;
  site: string;
}>;


export type RemoveActivationMutation = { removeActivation: boolean };

export type ActivityRowFieldsFragment = { id: string, action: string, actor: string, details: Record<string, unknown>, createdAt: string, license: { id: string, keyLast4: string } | null };

export type NotificationsQueryVariables = Exact<{
  filter?: NotificationFilterInput | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type NotificationsQuery = { notifications: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, kind: NotificationKind, subject: string, recipientEmail: string | null, customerId: string | null, licenseId: string | null, createdAt: string, webhook: { status: DeliveryStatus, attempts: number, lastError: string | null, nextAttemptAt: string | null, deliveredAt: string | null }, email: { status: DeliveryStatus, attempts: number, lastError: string | null, nextAttemptAt: string | null, deliveredAt: string | null } } }> } };

export type RetryNotificationMutationVariables = Exact<{
  id: string | number;
}>;


export type RetryNotificationMutation = { retryNotification: { id: string, kind: NotificationKind, subject: string, recipientEmail: string | null, customerId: string | null, licenseId: string | null, createdAt: string, webhook: { status: DeliveryStatus, attempts: number, lastError: string | null, nextAttemptAt: string | null, deliveredAt: string | null }, email: { status: DeliveryStatus, attempts: number, lastError: string | null, nextAttemptAt: string | null, deliveredAt: string | null } } };

export type NotificationFieldsFragment = { id: string, kind: NotificationKind, subject: string, recipientEmail: string | null, customerId: string | null, licenseId: string | null, createdAt: string, webhook: { status: DeliveryStatus, attempts: number, lastError: string | null, nextAttemptAt: string | null, deliveredAt: string | null }, email: { status: DeliveryStatus, attempts: number, lastError: string | null, nextAttemptAt: string | null, deliveredAt: string | null } };

export type NotificationDeliveryFieldsFragment = { status: DeliveryStatus, attempts: number, lastError: string | null, nextAttemptAt: string | null, deliveredAt: string | null };

export type OverviewOperationsFragment = { licenseCounts: Array<{ planId: string, plan: string, status: string, count: number }>, licensesNearQuota: Array<{ requests: number, requestLimit: number, requestsShare: number, costMicros: number, budgetMicros: number, budgetShare: number, license: { id: string, keyLast4: string, status: LicenseStatus, plan: { id: string, name: string }, customer: { id: string, email: string } } }>, licensesInGrace: Array<{ id: string, keyLast4: string, graceUntil: string | null, plan: { id: string, name: string }, customer: { id: string, email: string } }>, failedPayments: { totalCount: number, edges: Array<{ node: { id: string, amountCents: number, currency: string, paidAt: string, createdAt: string, customer: { id: string, email: string }, license: { id: string, keyLast4: string } | null } }> }, recentActivity: { edges: Array<{ node: { id: string, action: string, actor: string, createdAt: string, customer: { id: string, email: string } | null, license: { id: string, keyLast4: string } | null } }> } };

export type OverviewReaderQueryVariables = Exact<{ [key: string]: never; }>;


export type OverviewReaderQuery = { licenseCounts: Array<{ planId: string, plan: string, status: string, count: number }>, licensesNearQuota: Array<{ requests: number, requestLimit: number, requestsShare: number, costMicros: number, budgetMicros: number, budgetShare: number, license: { id: string, keyLast4: string, status: LicenseStatus, plan: { id: string, name: string }, customer: { id: string, email: string } } }>, licensesInGrace: Array<{ id: string, keyLast4: string, graceUntil: string | null, plan: { id: string, name: string }, customer: { id: string, email: string } }>, failedPayments: { totalCount: number, edges: Array<{ node: { id: string, amountCents: number, currency: string, paidAt: string, createdAt: string, customer: { id: string, email: string }, license: { id: string, keyLast4: string } | null } }> }, recentActivity: { edges: Array<{ node: { id: string, action: string, actor: string, createdAt: string, customer: { id: string, email: string } | null, license: { id: string, keyLast4: string } | null } }> } };

export type OverviewAdminQueryVariables = Exact<{
  lastFrom: string;
  lastTo: string;
  aiFrom: string;
}>;


export type OverviewAdminQuery = { thisMonth: { currency: string, mrrCents: number, arrCents: number, activeSubscribers: number, churnedCustomers: number, customerChurnRate: number | null, movements: { new: { count: number, amountCents: number } }, oneTime: { salesAllTime: number, revenueAllTimeCents: number }, founders: Array<{ planId: string, plan: string, limit: number | null, sold: number, remaining: number | null }> }, lastMonth: { movements: { new: { count: number, amountCents: number } } }, recentAi: { ai: { requests: number, costMicros: number, byProvider: Array<{ provider: string, requests: number, costMicros: number }> } }, licenseCounts: Array<{ planId: string, plan: string, status: string, count: number }>, licensesNearQuota: Array<{ requests: number, requestLimit: number, requestsShare: number, costMicros: number, budgetMicros: number, budgetShare: number, license: { id: string, keyLast4: string, status: LicenseStatus, plan: { id: string, name: string }, customer: { id: string, email: string } } }>, licensesInGrace: Array<{ id: string, keyLast4: string, graceUntil: string | null, plan: { id: string, name: string }, customer: { id: string, email: string } }>, failedPayments: { totalCount: number, edges: Array<{ node: { id: string, amountCents: number, currency: string, paidAt: string, createdAt: string, customer: { id: string, email: string }, license: { id: string, keyLast4: string } | null } }> }, recentActivity: { edges: Array<{ node: { id: string, action: string, actor: string, createdAt: string, customer: { id: string, email: string } | null, license: { id: string, keyLast4: string } | null } }> } };

export type PaymentsQueryVariables = Exact<{
  filter?: PaymentFilterInput | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type PaymentsQuery = { payments: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, transactionId: string, provider: string, status: PaymentStatus, amount: string, amountCents: number, currency: string, metadata: Record<string, unknown>, createdAt: string, customer: { id: string, email: string }, license: { id: string, keyLast4: string } | null } }> } };

export type PaymentsLedgerQueryVariables = Exact<{
  filter?: PaymentFilterInput | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type PaymentsLedgerQuery = { payments: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, transactionId: string, invoiceNumber: string | null, provider: string, status: PaymentStatus, amountCents: number, refundedCents: number, feeCents: number | null, currency: string, failureReason: string | null, paidAt: string, customer: { id: string, email: string, paddleCustomerId: string | null }, license: { id: string, keyLast4: string } | null, adjustments: Array<{ id: string, adjustmentId: string, action: AdjustmentAction, status: AdjustmentStatus, amountCents: number, appliedCents: number, currency: string, reason: string | null }> } }> }, paymentTotals: Array<{ currency: string, count: number, failedCount: number, grossCents: number, refundedCents: number, netCents: number, taxCents: number, feeCents: number }> };

export type RecordManualPaymentMutationVariables = Exact<{
  input: RecordManualPaymentInput;
}>;


export type RecordManualPaymentMutation = { recordManualPayment: { id: string, amountCents: number, currency: string, status: PaymentStatus } };

export type PlansQueryVariables = Exact<{
  includeInactive?: boolean;
}>;


export type PlansQuery = { plans: Array<{ id: string, name: string, displayName: string, billing: Billing, priceCents: number, currency: string, isActive: boolean, isLifetime: boolean, maxSites: number, maxTokens: number, monthlyRequests: number, requestsPerMinute: number, requestsPerHour: number, monthlyBudgetMicros: number, monthlyBudgetEur: string, costPer1kTokensMicros: number, lifetimeLimit: number | null, lifetimeSold: number, features: Array<string>, updatedAt: string, allowedModels: Array<{ provider: string, models: Array<string> }> }> };

export type UpdatePlanMutationVariables = Exact<{
  name: string;
  input: UpdatePlanInput;
}>;


export type UpdatePlanMutation = { updatePlan: { id: string, name: string, displayName: string, billing: Billing, priceCents: number, currency: string, isActive: boolean, isLifetime: boolean, maxSites: number, maxTokens: number, monthlyRequests: number, requestsPerMinute: number, requestsPerHour: number, monthlyBudgetMicros: number, monthlyBudgetEur: string, costPer1kTokensMicros: number, lifetimeLimit: number | null, lifetimeSold: number, features: Array<string>, updatedAt: string, allowedModels: Array<{ provider: string, models: Array<string> }> } };

export type PlanImpactQueryVariables = Exact<{
  plan: string;
}>;


export type PlanImpactQuery = { active: { totalCount: number }, suspended: { totalCount: number }, inactive: { totalCount: number }, expired: { totalCount: number }, cancelled: { totalCount: number } };

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

export type WebhookEventsQueryVariables = Exact<{
  filter?: WebhookEventFilterInput | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type WebhookEventsQuery = { webhookEvents: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, provider: string, eventId: string, eventType: string, status: WebhookEventStatus, attention: string | null, attempts: number, lastError: string | null, note: string | null, receivedAt: string, processedAt: string | null, nextAttemptAt: string | null } }> } };

export type RetryWebhookEventMutationVariables = Exact<{
  id: string | number;
}>;


export type RetryWebhookEventMutation = { retryWebhookEvent: { id: string, provider: string, eventId: string, eventType: string, status: WebhookEventStatus, attention: string | null, attempts: number, lastError: string | null, note: string | null, receivedAt: string, processedAt: string | null, nextAttemptAt: string | null } };

export type WebhookEventFieldsFragment = { id: string, provider: string, eventId: string, eventType: string, status: WebhookEventStatus, attention: string | null, attempts: number, lastError: string | null, note: string | null, receivedAt: string, processedAt: string | null, nextAttemptAt: string | null };

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
export const ActivityRowFieldsFragmentDoc = new TypedDocumentString(`
    fragment ActivityRowFields on ActivityEntry {
  id
  action
  actor
  details
  createdAt
  license {
    id
    keyLast4
  }
}
    `, {"fragmentName":"ActivityRowFields"}) as unknown as TypedDocumentString<ActivityRowFieldsFragment, unknown>;
export const NotificationDeliveryFieldsFragmentDoc = new TypedDocumentString(`
    fragment NotificationDeliveryFields on NotificationDelivery {
  status
  attempts
  lastError
  nextAttemptAt
  deliveredAt
}
    `, {"fragmentName":"NotificationDeliveryFields"}) as unknown as TypedDocumentString<NotificationDeliveryFieldsFragment, unknown>;
export const NotificationFieldsFragmentDoc = new TypedDocumentString(`
    fragment NotificationFields on Notification {
  id
  kind
  subject
  recipientEmail
  customerId
  licenseId
  createdAt
  webhook {
    ...NotificationDeliveryFields
  }
  email {
    ...NotificationDeliveryFields
  }
}
    fragment NotificationDeliveryFields on NotificationDelivery {
  status
  attempts
  lastError
  nextAttemptAt
  deliveredAt
}`, {"fragmentName":"NotificationFields"}) as unknown as TypedDocumentString<NotificationFieldsFragment, unknown>;
export const OverviewOperationsFragmentDoc = new TypedDocumentString(`
    fragment OverviewOperations on Query {
  licenseCounts {
    planId
    plan
    status
    count
  }
  licensesNearQuota(share: 0.8, first: 20) {
    requests
    requestLimit
    requestsShare
    costMicros
    budgetMicros
    budgetShare
    license {
      id
      keyLast4
      status
      plan {
        id
        name
      }
      customer {
        id
        email
      }
    }
  }
  licensesInGrace(first: 10) {
    id
    keyLast4
    graceUntil
    plan {
      id
      name
    }
    customer {
      id
      email
    }
  }
  failedPayments: payments(filter: {status: failed}, first: 10) {
    totalCount
    edges {
      node {
        id
        amountCents
        currency
        paidAt
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
  recentActivity: activity(first: 6) {
    edges {
      node {
        id
        action
        actor
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
    `, {"fragmentName":"OverviewOperations"}) as unknown as TypedDocumentString<OverviewOperationsFragment, unknown>;
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
export const WebhookEventFieldsFragmentDoc = new TypedDocumentString(`
    fragment WebhookEventFields on WebhookEvent {
  id
  provider
  eventId
  eventType
  status
  attention
  attempts
  lastError
  note
  receivedAt
  processedAt
  nextAttemptAt
}
    `, {"fragmentName":"WebhookEventFields"}) as unknown as TypedDocumentString<WebhookEventFieldsFragment, unknown>;
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
export const ActivityLogDocument = new TypedDocumentString(`
    query ActivityLog($filter: ActivityFilterInput, $first: Int, $after: String) {
  activity(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo {
      ...PageInfoFields
    }
    edges {
      cursor
      node {
        id
        action
        actor
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
}`) as unknown as TypedDocumentString<ActivityLogQuery, ActivityLogQueryVariables>;
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
export const AnalyticsPageDocument = new TypedDocumentString(`
    query AnalyticsPage($from: Date!, $to: Date!, $fromTime: DateTimeISO!, $toTime: DateTimeISO!, $currency: String! = "EUR") {
  range: analytics(from: $fromTime, to: $toTime, currency: $currency) {
    currency
    mrrCents
    arrCents
    activeSubscribers
    movements {
      new {
        amountCents
        count
      }
      expansion {
        amountCents
        count
      }
      contraction {
        amountCents
        count
      }
      churn {
        amountCents
        count
      }
      reactivation {
        amountCents
        count
      }
      netCents
    }
    oneTime {
      sales
      revenueCents
    }
    refunds {
      amountCents
      count
    }
    cash {
      collectedCents
      refundedCents
      netCents
    }
    revenueByPlan {
      planId
      plan
      mrrCents
      subscribers
      collectedCents
      refundedCents
    }
    excludedCurrencies
  }
  analyticsMonths(from: $from, to: $to, currency: $currency) {
    month
    complete
    mrrCents
    activeSubscribers
    movements {
      new {
        amountCents
        count
      }
      expansion {
        amountCents
        count
      }
      contraction {
        amountCents
        count
      }
      churn {
        amountCents
        count
      }
      reactivation {
        amountCents
        count
      }
      netCents
    }
    oneTime {
      sales
      revenueCents
    }
    refunds {
      amountCents
      count
    }
  }
  cohortRetention(from: $from, to: $to) {
    month
    customers
    retained {
      monthsAfter
      customers
      share
    }
  }
  aiCostByPlan(from: $fromTime, to: $toTime) {
    planId
    plan
    requests
    costMicros
  }
}
    `) as unknown as TypedDocumentString<AnalyticsPageQuery, AnalyticsPageQueryVariables>;
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
      activeSites
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
  activity(filter: {customerId: $id}, first: 20) {
    totalCount
    edges {
      node {
        ...ActivityRowFields
      }
    }
  }
  plans {
    name
    displayName
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
}
fragment ActivityRowFields on ActivityEntry {
  id
  action
  actor
  details
  createdAt
  license {
    id
    keyLast4
  }
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
        activeSites
        plan {
          maxSites
        }
        customer {
          id
          email
          name
          company
        }
      }
    }
  }
  plans {
    name
    displayName
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
    query LicenseDetail($id: ID!, $from: DateTimeISO!, $to: DateTimeISO!) {
  license(id: $id) {
    ...LicenseFields
    metadata
    activeSites
    graceUntil
    paddleSubscriptionId
    paddleTransactionId
    billing {
      id
      paddleSubscriptionId
      status
      currentPeriodEndsAt
      scheduledCancelAt
      pastDueSince
      graceUntil
      mrrCents
      currency
    }
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
  usage(licenseId: $id, from: $from, to: $to, groupBy: DAY_AND_PROVIDER) {
    key
    day
    provider
    requests
    tokens
    costMicros
  }
  payments(filter: {licenseId: $id}, first: 20) {
    totalCount
    edges {
      node {
        id
        transactionId
        provider
        status
        amountCents
        refundedCents
        currency
        paidAt
      }
    }
  }
  activity(filter: {licenseId: $id}, first: 20) {
    totalCount
    edges {
      node {
        ...ActivityRowFields
      }
    }
  }
  plans {
    name
    displayName
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
}
fragment ActivityRowFields on ActivityEntry {
  id
  action
  actor
  details
  createdAt
  license {
    id
    keyLast4
  }
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
    mutation RevealLicenseKey($id: ID!, $note: String) {
  revealLicenseKey(id: $id, note: $note)
}
    `) as unknown as TypedDocumentString<RevealLicenseKeyMutation, RevealLicenseKeyMutationVariables>;
export const RemoveActivationDocument = new TypedDocumentString(`
    mutation RemoveActivation($licenseId: ID!, $site: String!) {
  removeActivation(licenseId: $licenseId, site: $site)
}
    `) as unknown as TypedDocumentString<RemoveActivationMutation, RemoveActivationMutationVariables>;
export const NotificationsDocument = new TypedDocumentString(`
    query Notifications($filter: NotificationFilterInput, $first: Int, $after: String) {
  notifications(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo {
      ...PageInfoFields
    }
    edges {
      cursor
      node {
        ...NotificationFields
      }
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  endCursor
}
fragment NotificationFields on Notification {
  id
  kind
  subject
  recipientEmail
  customerId
  licenseId
  createdAt
  webhook {
    ...NotificationDeliveryFields
  }
  email {
    ...NotificationDeliveryFields
  }
}
fragment NotificationDeliveryFields on NotificationDelivery {
  status
  attempts
  lastError
  nextAttemptAt
  deliveredAt
}`) as unknown as TypedDocumentString<NotificationsQuery, NotificationsQueryVariables>;
export const RetryNotificationDocument = new TypedDocumentString(`
    mutation RetryNotification($id: ID!) {
  retryNotification(id: $id) {
    ...NotificationFields
  }
}
    fragment NotificationFields on Notification {
  id
  kind
  subject
  recipientEmail
  customerId
  licenseId
  createdAt
  webhook {
    ...NotificationDeliveryFields
  }
  email {
    ...NotificationDeliveryFields
  }
}
fragment NotificationDeliveryFields on NotificationDelivery {
  status
  attempts
  lastError
  nextAttemptAt
  deliveredAt
}`) as unknown as TypedDocumentString<RetryNotificationMutation, RetryNotificationMutationVariables>;
export const OverviewReaderDocument = new TypedDocumentString(`
    query OverviewReader {
  ...OverviewOperations
}
    fragment OverviewOperations on Query {
  licenseCounts {
    planId
    plan
    status
    count
  }
  licensesNearQuota(share: 0.8, first: 20) {
    requests
    requestLimit
    requestsShare
    costMicros
    budgetMicros
    budgetShare
    license {
      id
      keyLast4
      status
      plan {
        id
        name
      }
      customer {
        id
        email
      }
    }
  }
  licensesInGrace(first: 10) {
    id
    keyLast4
    graceUntil
    plan {
      id
      name
    }
    customer {
      id
      email
    }
  }
  failedPayments: payments(filter: {status: failed}, first: 10) {
    totalCount
    edges {
      node {
        id
        amountCents
        currency
        paidAt
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
  recentActivity: activity(first: 6) {
    edges {
      node {
        id
        action
        actor
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
}`) as unknown as TypedDocumentString<OverviewReaderQuery, OverviewReaderQueryVariables>;
export const OverviewAdminDocument = new TypedDocumentString(`
    query OverviewAdmin($lastFrom: DateTimeISO!, $lastTo: DateTimeISO!, $aiFrom: DateTimeISO!) {
  ...OverviewOperations
  thisMonth: analytics {
    currency
    mrrCents
    arrCents
    activeSubscribers
    churnedCustomers
    customerChurnRate
    movements {
      new {
        count
        amountCents
      }
    }
    oneTime {
      salesAllTime
      revenueAllTimeCents
    }
    founders {
      planId
      plan
      limit
      sold
      remaining
    }
  }
  lastMonth: analytics(from: $lastFrom, to: $lastTo) {
    movements {
      new {
        count
        amountCents
      }
    }
  }
  recentAi: analytics(from: $aiFrom) {
    ai {
      requests
      costMicros
      byProvider {
        provider
        requests
        costMicros
      }
    }
  }
}
    fragment OverviewOperations on Query {
  licenseCounts {
    planId
    plan
    status
    count
  }
  licensesNearQuota(share: 0.8, first: 20) {
    requests
    requestLimit
    requestsShare
    costMicros
    budgetMicros
    budgetShare
    license {
      id
      keyLast4
      status
      plan {
        id
        name
      }
      customer {
        id
        email
      }
    }
  }
  licensesInGrace(first: 10) {
    id
    keyLast4
    graceUntil
    plan {
      id
      name
    }
    customer {
      id
      email
    }
  }
  failedPayments: payments(filter: {status: failed}, first: 10) {
    totalCount
    edges {
      node {
        id
        amountCents
        currency
        paidAt
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
  recentActivity: activity(first: 6) {
    edges {
      node {
        id
        action
        actor
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
}`) as unknown as TypedDocumentString<OverviewAdminQuery, OverviewAdminQueryVariables>;
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
export const PaymentsLedgerDocument = new TypedDocumentString(`
    query PaymentsLedger($filter: PaymentFilterInput, $first: Int, $after: String) {
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
        invoiceNumber
        provider
        status
        amountCents
        refundedCents
        feeCents
        currency
        failureReason
        paidAt
        customer {
          id
          email
          paddleCustomerId
        }
        license {
          id
          keyLast4
        }
        adjustments {
          id
          adjustmentId
          action
          status
          amountCents
          appliedCents
          currency
          reason
        }
      }
    }
  }
  paymentTotals(filter: $filter) {
    currency
    count
    failedCount
    grossCents
    refundedCents
    netCents
    taxCents
    feeCents
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  endCursor
}`) as unknown as TypedDocumentString<PaymentsLedgerQuery, PaymentsLedgerQueryVariables>;
export const RecordManualPaymentDocument = new TypedDocumentString(`
    mutation RecordManualPayment($input: RecordManualPaymentInput!) {
  recordManualPayment(input: $input) {
    id
    amountCents
    currency
    status
  }
}
    `) as unknown as TypedDocumentString<RecordManualPaymentMutation, RecordManualPaymentMutationVariables>;
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
export const PlanImpactDocument = new TypedDocumentString(`
    query PlanImpact($plan: String!) {
  active: licenses(filter: {plan: $plan, status: active}, first: 1) {
    totalCount
  }
  suspended: licenses(filter: {plan: $plan, status: suspended}, first: 1) {
    totalCount
  }
  inactive: licenses(filter: {plan: $plan, status: inactive}, first: 1) {
    totalCount
  }
  expired: licenses(filter: {plan: $plan, status: expired}, first: 1) {
    totalCount
  }
  cancelled: licenses(filter: {plan: $plan, status: cancelled}, first: 1) {
    totalCount
  }
}
    `) as unknown as TypedDocumentString<PlanImpactQuery, PlanImpactQueryVariables>;
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
export const WebhookEventsDocument = new TypedDocumentString(`
    query WebhookEvents($filter: WebhookEventFilterInput, $first: Int, $after: String) {
  webhookEvents(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo {
      ...PageInfoFields
    }
    edges {
      cursor
      node {
        ...WebhookEventFields
      }
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  endCursor
}
fragment WebhookEventFields on WebhookEvent {
  id
  provider
  eventId
  eventType
  status
  attention
  attempts
  lastError
  note
  receivedAt
  processedAt
  nextAttemptAt
}`) as unknown as TypedDocumentString<WebhookEventsQuery, WebhookEventsQueryVariables>;
export const RetryWebhookEventDocument = new TypedDocumentString(`
    mutation RetryWebhookEvent($id: ID!) {
  retryWebhookEvent(id: $id) {
    ...WebhookEventFields
  }
}
    fragment WebhookEventFields on WebhookEvent {
  id
  provider
  eventId
  eventType
  status
  attention
  attempts
  lastError
  note
  receivedAt
  processedAt
  nextAttemptAt
}`) as unknown as TypedDocumentString<RetryWebhookEventMutation, RetryWebhookEventMutationVariables>;