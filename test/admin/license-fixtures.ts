// Licenses with real history for the license pages' tests: issued, activated and used through the services, the same
// paths the API, the plugin and the AI proxy take (no documents written by hand except a payment's).
import { mongoose } from "@typegoose/typegoose";
import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import { PaymentStatus } from "../../src/modules/payments/payment.model";
import { UsageStatus } from "../../src/modules/usage/usage-log.model";
import type { AdminHarness } from "../support/admin-browser";

export interface FixtureLicense {
  id: string;
  key: string;
  customerId: string;
  email: string;
}

export async function customerWithLicense(
  harness: AdminHarness,
  customer: { email: string; name?: string; company?: string; country?: string },
  plan: string,
): Promise<FixtureLicense> {
  const { services } = harness.platform;
  const created = await services.customers.create(customer, SYSTEM_ACTOR);
  const { key, license } = await services.licenses.issue({ customerId: created._id, plan }, SYSTEM_ACTOR);
  return { id: license._id.toHexString(), key, customerId: created._id.toHexString(), email: created.email };
}

export async function activateSites(harness: AdminHarness, licenseId: string, sites: string[]): Promise<void> {
  const { services } = harness.platform;
  for (const site of sites) {
    const license = await services.licenses.get(new mongoose.Types.ObjectId(licenseId));
    const plan = await services.models.Plan.findById(license.plan_id).lean().exec();
    if (!plan) throw new Error("no plan");
    const outcome = await services.activations.activate(license, plan, site, SYSTEM_ACTOR);
    if (!outcome.ok) throw new Error(`activation of ${site} refused: ${JSON.stringify(outcome)}`);
  }
}

const PROVIDERS = [
  { provider: "openai", model: "gpt-4o-mini", weight: 3 },
  { provider: "anthropic", model: "claude-3-5-haiku-latest", weight: 2 },
  { provider: "deepseek", model: "deepseek-chat", weight: 1 },
];

/**
 * AI calls on every day of the current UTC month so far, reserved and settled through the quota service as the AI
 * proxy does (so the month counters and the logs agree). Returns the number of calls.
 */
export async function useAiThisMonth(harness: AdminHarness, licenseId: string): Promise<number> {
  const { services } = harness.platform;
  const id = new mongoose.Types.ObjectId(licenseId);
  const license = await services.licenses.get(id);
  const plan = await services.models.Plan.findById(license.plan_id).lean().exec();
  if (!plan) throw new Error("no plan");
  const now = new Date();
  let calls = 0;
  for (let day = 1; day <= now.getUTCDate(); day++) {
    for (const [index, { provider, model, weight }] of PROVIDERS.entries()) {
      const count = ((day * (index + 2)) % 4) + weight;
      for (let call = 0; call < count; call++) {
        const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), day, 0, index * 10 + call, 5));
        if (at.getTime() > now.getTime()) continue;
        const reserved = await services.quota.reserve(id, plan, 2_000, at);
        if (!reserved.ok) throw new Error(`usage refused: ${reserved.limit}`);
        const promptTokens = 300 + 40 * call + 25 * day;
        await services.quota.settle(
          reserved.reservation,
          {
            endpoint: "/v1/chat/completions",
            provider,
            model,
            promptTokens,
            completionTokens: 180 + 15 * index,
            costMicros: 400 + 120 * index + 7 * day,
            responseTimeMs: 800,
            status: UsageStatus.ok,
            site: null,
            ip: null,
            userAgent: null,
          },
          at,
        );
        calls++;
      }
    }
  }
  return calls;
}

export async function payment(harness: AdminHarness, license: FixtureLicense, transactionId: string, amountCents: number): Promise<void> {
  await harness.platform.services.models.Payment.create({
    customer_id: license.customerId,
    license_id: license.id,
    amount_cents: amountCents,
    currency: "EUR",
    status: PaymentStatus.completed,
    provider: "paddle",
    transaction_id: transactionId,
    paid_at: new Date(),
  });
}
