import type { AdminRole } from "../api/operations";

const RANK: Record<AdminRole, number> = { readonly: 0, support: 1, admin: 2, owner: 3 };

/**
 * The least role each action of the dashboard needs: the API's permission map (src/graphql/permissions.ts),
 * restated for the browser so a role is not offered what it may not do. test/admin/abilities.test.ts checks that
 * the two agree.
 */
export const LEAST_ROLE = {
  // reads
  readBusiness: "readonly",
  readAnalytics: "admin",
  readNotifications: "admin",
  readSettings: "owner",
  // license actions
  suspendLicense: "support",
  reactivateLicense: "support",
  revealLicenseKey: "support",
  removeActivation: "admin",
  issueLicense: "admin",
  cancelLicense: "admin",
  changeLicensePlan: "admin",
  extendLicense: "admin",
  rotateLicenseKey: "admin",
  // the rest
  createCustomer: "admin",
  updateCustomer: "admin",
  setCustomerStatus: "admin",
  updatePlan: "admin",
  recordManualPayment: "admin",
  retryWebhookEvent: "admin",
  retryNotification: "admin",
  setProviderKey: "owner",
  testProviderKey: "owner",
  createAdminToken: "owner",
  revokeAdminToken: "owner",
} as const satisfies Record<string, AdminRole>;

export type Ability = keyof typeof LEAST_ROLE;

export function can(role: AdminRole, ability: Ability): boolean {
  return RANK[role] >= RANK[LEAST_ROLE[ability]];
}
