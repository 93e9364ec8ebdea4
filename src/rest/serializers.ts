import type { Customer } from "../modules/customers/customer.model";
import type { Activation } from "../modules/licenses/activation.model";
import type { ActivationRefusal, SeatCounts } from "../modules/licenses/activation.service";
import type { License } from "../modules/licenses/license.model";
import type { Plan } from "../modules/plans/plan.model";
import { centsToEur } from "../money";

/** Wire shapes of the plugin contract (snake_case, euros as numbers, ISO timestamps with Z). */
export const iso = (date: Date | null | undefined): string | null => (date ? date.toISOString() : null);

export function isLifetime(plan: Plan): boolean {
  return plan.is_lifetime || plan.name === "founders";
}

export function licenseJson(license: License, key: string, lastCheck: Date, plan: Plan): Record<string, unknown> {
  return {
    key,
    status: license.status,
    activated_at: iso(license.activated_at),
    expires_at: iso(license.expires_at),
    domain: license.domain ?? null,
    last_check: lastCheck.toISOString(),
    is_lifetime: isLifetime(plan),
    is_founders_deal: plan.name === "founders",
  };
}

export function planJson(plan: Plan): Record<string, unknown> {
  return {
    name: plan.name,
    display_name: plan.display_name,
    features: plan.features,
    monthly_requests: plan.monthly_requests,
    max_sites: plan.max_sites,
    price: centsToEur(plan.price_cents),
    currency: plan.currency ?? null,
    is_lifetime: isLifetime(plan),
  };
}

export function customerJson(customer: Customer): Record<string, unknown> {
  return { email: customer.email, name: customer.name ?? null, company: customer.company ?? null };
}

const FOUNDERS_THANK_YOU = "🚀 Thank you for being a Founder! You have lifetime access to Chatello SaaS.";

export function foundersDealJson(plan: Plan): Record<string, unknown> {
  const limit = plan.lifetime_limit ?? 500;
  return {
    badge: "founders_member",
    total_sold: plan.lifetime_sold,
    remaining_licenses: Math.max(0, limit - plan.lifetime_sold),
    is_limited_offer: plan.is_limited_offer,
    thank_you_message: FOUNDERS_THANK_YOU,
  };
}

export function seatsJson(seats: SeatCounts): Record<string, unknown> {
  return { active_sites: seats.activeSites, max_sites: seats.maxSites, sites_remaining: seats.sitesRemaining };
}

export function siteJson(activation: Activation): Record<string, unknown> {
  return {
    site_url: activation.site,
    activated_at: iso(activation.activated_at),
    last_seen_at: iso(activation.last_seen_at),
    is_development: activation.is_development,
  };
}

/** An activation the contract refuses: 400 for a bad site, 403 with the seat counts when every seat is taken (§5). */
export function activationRefusalJson(refusal: ActivationRefusal): { status: 400 | 403; body: Record<string, unknown> } {
  if (refusal.code === "INVALID_INPUT") return { status: 400, body: { error: refusal.error, code: refusal.code } };
  return {
    status: 403,
    body: { error: refusal.error, code: refusal.code, max_sites: refusal.seats.maxSites, active_sites: refusal.seats.activeSites },
  };
}
