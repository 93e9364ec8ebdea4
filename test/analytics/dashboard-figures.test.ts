import { mongoose } from "@typegoose/typegoose";
import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import { AdminRole } from "../../src/modules/admins/admin.model";
import type { LicenseStatus } from "../../src/modules/licenses/license.model";
import { bearer, startTestPlatform, type TestPlatform } from "../support/platform";
import { at, NOW, writeScenario, type Scenario } from "./analytics-scenario";

// The dashboard's figures beyond `analytics`: licenses by plan and status, near quota, in grace; months, cohorts,
// AI cost by plan. The records are the hand-computed scenario of analytics-scenario.ts plus the licenses below.

let platform: TestPlatform;
let admin: string;
let support: string;
let scenario: Scenario;
let now = NOW;

beforeAll(async () => {
  platform = await startTestPlatform({ clock: () => now });
  scenario = await writeScenario(platform.services);
  admin = await platform.token(AdminRole.admin);
  support = await platform.token(AdminRole.support);
});
afterAll(async () => platform.stop());
afterEach(() => {
  now = NOW;
});

async function ask<T>(query: string, variables: Record<string, unknown> = {}, token = admin): Promise<T> {
  const response = await platform.graphql<T>(query, variables, bearer(token));
  expect(response.errors).toBeUndefined();
  return response.data as T;
}

async function customer(email: string): Promise<mongoose.Types.ObjectId> {
  return (await platform.services.models.Customer.create({ email, name: email }))._id;
}

async function issue(email: string, plan: string): Promise<string> {
  const { license } = await platform.services.licenses.issue({ customerId: await customer(email), plan }, SYSTEM_ACTOR);
  return license._id.toHexString();
}

describe("licenses by plan and status, near quota, in grace", () => {
  it("counts licenses by plan and status as the collection has them", async () => {
    const suspended = await issue("suspended@example.com", "pro");
    await platform.services.licenses.suspend(new mongoose.Types.ObjectId(suspended), "test", SYSTEM_ACTOR);
    const { licenseCounts } = await ask<{ licenseCounts: Array<{ plan: string; status: string; count: number }> }>(
      `{ licenseCounts { planId plan status count } }`,
      {},
      support,
    );
    const { License, Plan } = platform.services.models;
    for (const row of licenseCounts) {
      const plan = await Plan.findOne({ name: row.plan }).lean().exec();
      expect(row.count).toBe(await License.countDocuments({ plan_id: plan?._id, status: row.status as LicenseStatus }).exec());
    }
    expect(licenseCounts.reduce((sum, row) => sum + row.count, 0)).toBe(await License.countDocuments({}).exec());
    expect(licenseCounts).toContainEqual(expect.objectContaining({ plan: "pro", status: "suspended", count: 1 }));
    expect(licenseCounts).toContainEqual(expect.objectContaining({ plan: "founders", status: "active", count: 3 }));
  });

  it("lists the licenses at or over 80 % of their monthly requests or budget, most used first, and not the others", async () => {
    const { Plan, UsageCounter } = platform.services.models;
    const pro = await Plan.findOne({ name: "pro" }).lean().exec();
    if (!pro || pro.monthly_requests === 0 || pro.monthly_budget_micros === 0) throw new Error("the pro plan has limits");
    const byRequests = await issue("busy@example.com", "pro");
    const byBudget = await issue("spender@example.com", "pro");
    const quiet = await issue("quiet@example.com", "pro");
    const counter = (license: string, requests: number, cost: number, window = "m:2026-11") => ({
      license_id: new mongoose.Types.ObjectId(license),
      window,
      requests,
      cost_micros: cost,
      reserved_micros: 0,
      expires_at: new Date(NOW + 90 * 86_400_000),
    });
    await UsageCounter.collection.insertMany([
      counter(byRequests, Math.ceil(pro.monthly_requests * 0.9), 0),
      counter(byBudget, 1, pro.monthly_budget_micros),
      counter(quiet, Math.floor(pro.monthly_requests * 0.5), 0),
      // Last month's counter: not this month's use.
      counter(quiet, pro.monthly_requests, 0, "m:2026-10"),
    ]);
    type Row = { license: { id: string }; requests: number; requestLimit: number; requestsShare: number; budgetShare: number };
    const { licensesNearQuota } = await ask<{ licensesNearQuota: Row[] }>(
      `{ licensesNearQuota { license { id } requests requestLimit requestsShare costMicros budgetMicros budgetShare } }`,
      {},
      support,
    );
    expect(licensesNearQuota.map((row) => row.license.id)).toEqual([byBudget, byRequests]);
    expect(licensesNearQuota[0]?.budgetShare).toBe(1);
    expect(licensesNearQuota[1]).toMatchObject({
      requestLimit: pro.monthly_requests,
      requestsShare: Math.ceil(pro.monthly_requests * 0.9) / pro.monthly_requests,
    });
    const half = await ask<{ licensesNearQuota: Row[] }>(
      `{ licensesNearQuota(share: 0.4) { license { id } requests requestLimit requestsShare budgetShare } }`,
    );
    expect(half.licensesNearQuota.map((row) => row.license.id)).toContain(quiet);
  });

  it("lists the licenses in a grace period, the soonest to end first", async () => {
    const later = await issue("later@example.com", "pro");
    const sooner = await issue("sooner@example.com", "pro");
    const { License } = platform.services.models;
    await License.updateOne({ _id: later }, { $set: { grace_until: at("2026-11-28T00:00:00") } }).exec();
    await License.updateOne({ _id: sooner }, { $set: { grace_until: at("2026-11-24T00:00:00") } }).exec();
    const { licensesInGrace } = await ask<{ licensesInGrace: Array<{ id: string; graceUntil: string }> }>(
      `{ licensesInGrace { id graceUntil } }`,
      {},
      support,
    );
    expect(licensesInGrace).toEqual([
      { id: sooner, graceUntil: "2026-11-24T00:00:00.000Z" },
      { id: later, graceUntil: "2026-11-28T00:00:00.000Z" },
    ]);
  });

  it("refuses a bad share or page size in words", async () => {
    const response = await platform.graphql(`{ licensesNearQuota(share: -1) { requests } }`, {}, bearer(admin));
    expect(response.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const big = await platform.graphql(`{ licensesInGrace(first: 1000) { id } }`, {}, bearer(admin));
    expect(big.errors?.[0]?.message).toContain("first must be a whole number from 1 to 100");
  });
});

describe("analytics by month, cohorts, AI cost by plan", () => {
  const MOVEMENTS = `movements { new { amountCents count } expansion { amountCents count } contraction { amountCents count }
    churn { amountCents count } reactivation { amountCents count } netCents }`;
  const FIGURES = `mrrCents activeSubscribers start { mrrCents subscribers } ${MOVEMENTS} oneTime { sales revenueCents } refunds { amountCents count }
    revenueByPlan { plan mrrCents collectedCents refundedCents }`;

  it("gives each month the figures analytics gives for that month (the current one up to now)", async () => {
    const { analyticsMonths } = await ask<{ analyticsMonths: Array<Record<string, unknown>> }>(
      `{ analyticsMonths(from: "2026-09-15", to: "2026-12-31") { month complete from to ${FIGURES} } }`,
    );
    expect(analyticsMonths.map((row) => [row.month, row.complete])).toEqual([
      ["2026-09", true],
      ["2026-10", true],
      ["2026-11", false],
    ]);
    const periods = [
      ["2026-09-01T00:00:00.000Z", "2026-09-30T23:59:59.999Z"],
      ["2026-10-01T00:00:00.000Z", "2026-10-31T23:59:59.999Z"],
      ["2026-11-01T00:00:00.000Z", new Date(NOW).toISOString()],
    ];
    for (const [index, [from, to]] of periods.entries()) {
      const { analytics } = await ask<{ analytics: Record<string, unknown> }>(
        `query ($from: DateTimeISO, $to: DateTimeISO) { analytics(from: $from, to: $to) { ${FIGURES} } }`,
        { from, to },
      );
      expect(analyticsMonths[index]).toEqual({ ...analytics, month: analyticsMonths[index]?.month, complete: index < 2, from, to });
    }
    // November by hand (analytics.test.ts): MRR 24237, new 5220 (2), churn 8700 (3).
    expect(analyticsMonths[2]).toMatchObject({
      mrrCents: 24237,
      movements: expect.objectContaining({ new: { amountCents: 5220, count: 2 } }),
    });
  });

  it("refuses a range of more than 36 months, and support", async () => {
    const long = await platform.graphql(`{ analyticsMonths(from: "2020-01-01", to: "2026-01-01") { month } }`, {}, bearer(admin));
    expect(long.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "RANGE_TOO_LONG" });
    for (const query of [
      `{ analyticsMonths(from: "2026-01-01", to: "2026-02-01") { month } }`,
      `{ cohortRetention(from: "2026-01-01", to: "2026-02-01") { month } }`,
      `{ aiCostByPlan(from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z") { plan } }`,
    ]) {
      const refused = await platform.graphql(query, {}, bearer(support));
      expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    }
  });

  it("groups customers by the month of their first positive MRR and counts who still pays at each month's end", async () => {
    now = Date.parse("2027-01-05T00:00:00.000Z");
    const { cohortRetention } = await ask<{ cohortRetention: unknown[] }>(
      `{ cohortRetention(from: "2026-09-01", to: "2026-11-30") { month customers retained { monthsAfter customers share } } }`,
    );
    // Sep: F (cancelled Oct 20, again from Nov 7). Oct: A B C D H J I (C ends Nov 25, H Nov 6; J back Nov 16).
    // Nov: E, G (G cancelled Nov 9). Months that ended by Jan 5: Oct, Nov, Dec.
    expect(cohortRetention).toEqual([
      {
        month: "2026-09",
        customers: 1,
        retained: [
          { monthsAfter: 1, customers: 0, share: 0 },
          { monthsAfter: 2, customers: 1, share: 1 },
          { monthsAfter: 3, customers: 1, share: 1 },
        ],
      },
      {
        month: "2026-10",
        customers: 7,
        retained: [
          { monthsAfter: 1, customers: 5, share: 5 / 7 },
          { monthsAfter: 2, customers: 5, share: 5 / 7 },
        ],
      },
      { month: "2026-11", customers: 2, retained: [{ monthsAfter: 1, customers: 1, share: 0.5 }] },
    ]);
  });

  it("sums the AI calls of a period by the plan of the calling license", async () => {
    const license = await issue("ai@example.com", "agency");
    await platform.services.models.UsageLog.collection.insertMany(
      [1000, 2000].map((cost) => ({
        license_id: new mongoose.Types.ObjectId(license),
        endpoint: "/v1/chat/completions",
        provider: "openai",
        model: "m",
        tokens_used: 10,
        cost_micros: cost,
        response_time_ms: 5,
        status: "ok",
        created_at: at("2026-11-10T10:00:00"),
      })),
    );
    const { aiCostByPlan } = await ask<{ aiCostByPlan: unknown[] }>(
      `{ aiCostByPlan(from: "2026-11-01T00:00:00Z", to: "2026-11-20T12:00:00Z") { planId plan requests tokens costMicros } }`,
    );
    // The scenario's four calls in the period belong to licenses that do not exist: unknown (1500+2500+4000+100).
    expect(aiCostByPlan).toEqual([
      { planId: null, plan: "unknown", requests: 4, tokens: 650, costMicros: 8100 },
      { planId: scenario.plans.agency, plan: "agency", requests: 2, tokens: 20, costMicros: 3000 },
    ]);
  });
});
