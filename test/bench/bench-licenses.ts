/**
 * Licenses for the benchmarks: many keys inserted in bulk, and the unlimited "bench" plan of the proxy benchmark.
 */
import type { Types } from "mongoose";
import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import type { Customer } from "../../src/modules/customers/customer.model";
import { LicenseStatus } from "../../src/modules/licenses/license.model";
import { generateLicenseKey } from "../../src/modules/licenses/license-key";
import { PLAN_SEED } from "../../src/modules/plans/plan.seed";
import { lastFour } from "../../src/security/secrets";
import type { TestPlatform } from "../support/platform";

const BATCH = 1_000;

export async function newCustomer(platform: TestPlatform, label: string): Promise<Customer> {
  const email = `bench-${label}-${process.pid}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  return platform.services.customers.create({ email, name: `Bench ${label}` }, SYSTEM_ACTOR);
}

/**
 * `count` active licenses of `plan` for one new customer, returned as keys. Inserted in bulk through the License
 * model, with the fields LicenseService.issue writes (keyed digest, encrypted key, last four), but without its
 * per-license transaction and activity record: issuing 10,000 licenses one by one through the service takes
 * minutes on this machine, this takes seconds. The benchmark checks that an inserted key validates.
 */
export async function insertLicenses(platform: TestPlatform, plan: string, count: number): Promise<string[]> {
  const { models, secrets } = platform.services;
  const found = await models.Plan.findOne({ name: plan }).lean().exec();
  if (!found) throw new Error(`no plan "${plan}"`);
  const customer = await newCustomer(platform, `bulk-${plan}`);
  const keys = Array.from({ length: count }, () => generateLicenseKey());
  for (let start = 0; start < count; start += BATCH) {
    const now = new Date();
    await models.License.insertMany(
      keys.slice(start, start + BATCH).map((key) => ({
        key_digest: secrets.digest(key),
        key_encrypted: secrets.encrypt(key),
        key_last4: lastFour(key),
        customer_id: customer._id,
        plan_id: found._id,
        domain: null,
        status: LicenseStatus.active,
        activated_at: now,
        expires_at: null,
        metadata: {},
      })),
    );
  }
  return keys;
}

/** The pro plan without request limits or budget, as "bench": a benchmark of the proxy measures it, not its refusals. */
export async function createBenchPlan(platform: TestPlatform): Promise<void> {
  const pro = PLAN_SEED.find((plan) => plan.name === "pro");
  if (!pro) throw new Error("no pro plan in PLAN_SEED");
  await platform.services.models.Plan.create({
    ...pro,
    name: "bench",
    display_name: "Bench",
    monthly_requests: 0,
    requests_per_minute: 0,
    requests_per_hour: 0,
    monthly_budget_micros: 0,
  });
}

/** One license on the "bench" plan (created here), issued through the license service. */
export async function newBenchLicense(platform: TestPlatform): Promise<{ key: string; licenseId: Types.ObjectId }> {
  await createBenchPlan(platform);
  const customer = await newCustomer(platform, "proxy");
  const { key, license } = await platform.services.licenses.issue({ customerId: customer._id, plan: "bench" }, SYSTEM_ACTOR);
  return { key, licenseId: license._id };
}
