import type { Activation } from "../modules/licenses/activation.model";
import type { License } from "../modules/licenses/license.model";
import type { Plan } from "../modules/plans/plan.model";
import { microsToDecimal } from "../money";
import type { Services } from "../services";
import type { Output } from "./output";

/** A license as the CLI shows it: everything an operator needs, the key only by its last 4 characters. */
export interface LicenseView {
  id: string;
  keyLast4: string;
  plan: string;
  status: string;
  statusReason: string | null;
  customer: { id: string; email: string | null; name: string | null };
  domain: string | null;
  sites: { used: number; max: number; list: Array<{ site: string; isDevelopment: boolean; activatedAt: string; lastSeenAt: string }> };
  usage: { month: string; requests: number; requestLimit: number; tokens: number; cost: string; budget: string };
  activatedAt: string | null;
  expiresAt: string | null;
  lastCheck: string | null;
  createdAt: string | null;
}

/** The short form printed after a change: which license, and where it now stands. */
export function licenseSummary(
  license: License,
  plan: Pick<Plan, "name"> | null,
): Pick<LicenseView, "id" | "keyLast4" | "plan" | "status" | "statusReason"> {
  return {
    id: license._id.toHexString(),
    keyLast4: license.key_last4,
    plan: plan?.name ?? "(unknown plan)",
    status: license.status,
    statusReason: license.status_reason ?? null,
  };
}

export async function planOf(services: Services, license: License): Promise<Plan | null> {
  return services.models.Plan.findById(license.plan_id).lean<Plan>().exec();
}

export async function viewLicense(services: Services, license: License): Promise<LicenseView> {
  const [plan, customer, activations, counters] = await Promise.all([
    planOf(services, license),
    services.models.Customer.findById(license.customer_id).lean().exec(),
    services.activations.list(license),
    services.usage.monthCounters([license._id]),
  ]);
  const usage = plan ? services.usage.summarize(plan, counters.get(license._id.toHexString())) : null;
  return {
    ...licenseSummary(license, plan),
    customer: { id: license.customer_id.toHexString(), email: customer?.email ?? null, name: customer?.name ?? null },
    domain: license.domain ?? null,
    sites: { used: license.active_sites, max: plan?.max_sites ?? 0, list: activations.map(siteView) },
    usage: {
      month: usage?.month ?? "",
      requests: usage?.requests ?? 0,
      requestLimit: usage?.requestLimit ?? 0,
      tokens: usage?.tokens ?? 0,
      cost: microsToDecimal(usage?.costMicros ?? 0, 2),
      budget: microsToDecimal(usage?.budgetMicros ?? 0, 2),
    },
    activatedAt: iso(license.activated_at),
    expiresAt: iso(license.expires_at),
    lastCheck: iso(license.last_check),
    createdAt: iso(license.created_at),
  };
}

export function printLicense(out: Output, view: LicenseView): void {
  const { sites, usage } = view;
  out.line(`License …${view.keyLast4}  (id ${view.id})`);
  out.line(`  plan       ${view.plan}`);
  out.line(`  status     ${view.status}${view.statusReason ? ` (${view.statusReason})` : ""}`);
  out.line(`  customer   ${view.customer.email ?? "(missing)"}${view.customer.name ? ` (${view.customer.name})` : ""}`);
  out.line(`  sites      ${sites.used} of ${sites.max === -1 ? "unlimited" : sites.max} seats used`);
  for (const site of sites.list)
    out.line(`             ${site.site}${site.isDevelopment ? " (development, no seat)" : ""}, last seen ${site.lastSeenAt}`);
  out.line(
    `  usage      ${usage.month}: ${usage.requests} of ${limit(usage.requestLimit)} requests, ${usage.tokens} tokens, ` +
      `€${usage.cost} of ${usage.budget === "0.00" ? "an unlimited" : `€${usage.budget}`} budget`,
  );
  out.line(`  expires    ${view.expiresAt ?? "never"}`);
  out.line(`  last check ${view.lastCheck ?? "never"}`);
}

function siteView(activation: Activation): LicenseView["sites"]["list"][number] {
  return {
    site: activation.site,
    isDevelopment: activation.is_development,
    activatedAt: activation.activated_at.toISOString(),
    lastSeenAt: activation.last_seen_at.toISOString(),
  };
}

const limit = (value: number): string => (value === 0 ? "unlimited" : String(value));
const iso = (date: Date | null | undefined): string | null => (date ? date.toISOString() : null);
