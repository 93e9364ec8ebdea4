import { mongoose } from "@typegoose/typegoose";
import type { Page } from "playwright-core";
import { monthWindow } from "../../src/modules/usage/usage-windows";
import { writeScenario, type Scenario } from "../analytics/analytics-scenario";
import type { AdminHarness } from "./admin-browser";

/**
 * Revenue records for the dashboard's Overview and Analytics tests: the hand-computed scenario of
 * analytics-scenario.ts (subscriptions Sep–Nov 2026, payments, a failed one, refunds, Founders sales, AI calls), plus a
 * subscriber who joined a minute ago (so "new this month" is not zero) and AI calls of a demo license in the last days.
 */
export async function seedRevenue(harness: AdminHarness): Promise<Scenario> {
  const { services } = harness.platform;
  const scenario = await writeScenario(services);
  const now = Date.now();
  const newcomer = await services.models.Customer.create({ email: "newcomer@example.com", name: "Newcomer" });
  await services.models.MrrChange.collection.insertOne({
    subscription_id: "sub_newcomer",
    customer_id: newcomer._id,
    license_id: null,
    plan_id: new mongoose.Types.ObjectId(scenario.plans.pro),
    mrr_cents: 2900,
    currency: "EUR",
    effective_at: new Date(now - 60_000),
    status: "active",
    cause: "evt_newcomer",
    created_at: new Date(now - 60_000),
  });
  const pro = await demoLicenseId(harness, "pro");
  await services.models.UsageLog.collection.insertMany(
    [
      ["openai", 1200],
      ["openai", 800],
      ["anthropic", 3000],
    ].map(([provider, cost], index) => ({
      license_id: pro,
      endpoint: "/v1/chat/completions",
      provider,
      model: "m",
      tokens_used: 100,
      cost_micros: cost,
      response_time_ms: 10,
      status: "ok",
      created_at: new Date(now - (index + 1) * 3_600_000),
    })),
  );
  return scenario;
}

export async function demoLicenseId(harness: AdminHarness, plan: string): Promise<mongoose.Types.ObjectId> {
  const demo = harness.demo.find((license) => license.plan === plan);
  const license = demo && (await harness.platform.services.licenses.findByKey(demo.key));
  if (!license) throw new Error(`no demo license on ${plan}`);
  return license._id;
}

/** Puts a license at `share` of its plan's monthly requests this month (its month counter, as admission writes it). */
export async function useMonthlyRequests(harness: AdminHarness, licenseId: mongoose.Types.ObjectId, share: number): Promise<number> {
  const { models } = harness.platform.services;
  const license = await models.License.findById(licenseId).lean().exec();
  const plan = await models.Plan.findById(license?.plan_id).lean().exec();
  if (!plan || plan.monthly_requests === 0) throw new Error("the license's plan has no monthly request limit");
  const requests = Math.ceil(plan.monthly_requests * share);
  await models.UsageCounter.collection.updateOne(
    { license_id: licenseId, window: monthWindow(new Date()) },
    { $set: { requests, cost_micros: 0, reserved_micros: 0, expires_at: new Date(Date.now() + 40 * 86_400_000) } },
    { upsert: true },
  );
  return requests;
}

/** Money as the browser writes it (its language; the same Intl call as ui/format.ts). */
export async function browserMoney(page: Page, cents: number, currency = "EUR"): Promise<string> {
  return (await page.evaluate(
    `new Intl.NumberFormat(undefined, { style: "currency", currency: ${JSON.stringify(currency)} }).format(${cents} / 100)`,
  )) as string;
}

export async function browserNumber(page: Page, value: number): Promise<string> {
  return (await page.evaluate(`new Intl.NumberFormat().format(${value})`)) as string;
}
