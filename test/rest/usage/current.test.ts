import type { TestPlatform } from "../../support/platform";
import { http, JSON_CONTENT_TYPE, type HttpResult, type Json } from "../../support/http";
import { newLicense, newPlan } from "../../support/fixtures";
import { freezeClock, NOW, seedCounter, seedLog, startUsagePlatform } from "./fixtures";

// GET /api/usage/current: plugin contract §6.5, §4.5. The clock is frozen at NOW (2025-08-21T10:00:12.345Z), so the
// current windows are m:2025-08, h:2025-08-21T10 and i:2025-08-21T10:00.
let p: TestPlatform;
beforeAll(async () => {
  p = await startUsagePlatform();
  freezeClock();
});
afterAll(async () => {
  jest.useRealTimers();
  await p.stop();
});

const current = (key: string): Promise<HttpResult> => http(p.baseUrl, "GET", "/api/usage/current", { key });
const usageOf = (response: HttpResult): Json => response.body.current_usage as Json;
const REQUESTS_WARNING = "Monthly request limit approaching (>80%)";
const BUDGET_WARNING = "Monthly budget limit approaching (>80%)";

describe("GET /api/usage/current", () => {
  it("answers every field from this license's counters of the current month, hour and minute only", async () => {
    const { key, license } = await newLicense(p, "pro");
    await seedCounter(p, license._id, "m:2025-08", {
      requests: 850,
      tokens: 102_000,
      cost_micros: 153_000,
      reserved_micros: 50_000,
      calls: 840,
      response_time_ms: 682_500,
    });
    await seedCounter(p, license._id, "h:2025-08-21T10", { requests: 12 });
    await seedCounter(p, license._id, "i:2025-08-21T10:00", { requests: 1 });
    // Other windows of the same license: last month, last hour, last minute, next minute, the same month a year ago.
    await seedCounter(p, license._id, "m:2025-07", { requests: 999, tokens: 5, cost_micros: 3_999_999, calls: 1, response_time_ms: 5 });
    await seedCounter(p, license._id, "m:2024-08", { requests: 999 });
    await seedCounter(p, license._id, "h:2025-08-21T09", { requests: 150 });
    await seedCounter(p, license._id, "i:2025-08-21T09:59", { requests: 9 });
    await seedCounter(p, license._id, "i:2025-08-21T10:01", { requests: 9 });
    // Another license's current windows, and logs of this license: neither may leak into the figures.
    const other = await newLicense(p, "pro");
    await seedCounter(p, other.license._id, "m:2025-08", { requests: 100, tokens: 1, cost_micros: 1, calls: 1, response_time_ms: 1 });
    await seedCounter(p, other.license._id, "h:2025-08-21T10", { requests: 100 });
    await seedCounter(p, other.license._id, "i:2025-08-21T10:00", { requests: 5 });
    await seedLog(p, license._id, { created_at: "2025-08-21T10:00:00.000Z", tokens_used: 77 });

    const response = await current(key);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(JSON_CONTENT_TYPE);
    expect(response.body).toEqual({
      status: "success",
      license_key: key,
      plan: { name: "pro", display_name: "Pro - AI Inclusa", price: 7.99 },
      current_usage: {
        license_id: license._id.toHexString(),
        plan: "pro",
        current_month: { requests: 850, tokens: 102_000, cost_eur: 0.153, avg_response_time_ms: 812.5 },
        current_hour: { requests: 12 },
        current_minute: { requests: 1 },
        limits: { monthly_requests: 1000, requests_per_minute: 10, requests_per_hour: 200, monthly_budget_eur: 4 },
        // The budget percentage is settled cost only (§4.5): 0.153 / 4 = 3.825 %, not (0.153 + 0.05) / 4.
        usage_percentages: { requests: 85, budget: 3.83 },
      },
      warnings: [REQUESTS_WARNING],
      timestamp: NOW,
    });
  });

  it("answers zeros, an average of 0 and no warnings before any usage", async () => {
    const { key, license } = await newLicense(p, "founders");
    const response = await current(key);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      status: "success",
      license_key: key,
      plan: { name: "founders", display_name: "Founders Deal - Lifetime", price: 29 },
      current_usage: {
        license_id: license._id.toHexString(),
        plan: "founders",
        current_month: { requests: 0, tokens: 0, cost_eur: 0, avg_response_time_ms: 0 },
        current_hour: { requests: 0 },
        current_minute: { requests: 0 },
        limits: { monthly_requests: 2000, requests_per_minute: 15, requests_per_hour: 300, monthly_budget_eur: 6 },
        usage_percentages: { requests: 0, budget: 0 },
      },
      warnings: [],
      timestamp: NOW,
    });
  });

  it("rounds cost_eur to 4 decimals and the average response time to 2", async () => {
    const { key, license } = await newLicense(p, "pro");
    await seedCounter(p, license._id, "m:2025-08", { requests: 3, tokens: 30, cost_micros: 123_456, calls: 3, response_time_ms: 2000 });
    expect(usageOf(await current(key)).current_month).toEqual({ requests: 3, tokens: 30, cost_eur: 0.1235, avg_response_time_ms: 666.67 });

    // An in-flight request has no response time yet: the mean is over settled calls (2), not admitted requests (3).
    await p.services.models.UsageCounter.updateOne(
      { license_id: license._id, window: "m:2025-08" },
      { $set: { cost_micros: 150, calls: 2, response_time_ms: 1001 } },
    ).exec();
    expect(usageOf(await current(key)).current_month).toEqual({ requests: 3, tokens: 30, cost_eur: 0.0002, avg_response_time_ms: 500.5 });
  });

  it("warns about requests at 80 % and not at 79.99 %", async () => {
    const plan = await newPlan(p, { monthly_requests: 10_000 });
    const { key, license } = await newLicense(p, plan.name);
    await seedCounter(p, license._id, "m:2025-08", { requests: 7999 });
    let response = await current(key);
    expect(usageOf(response).usage_percentages).toEqual({ requests: 79.99, budget: 0 });
    expect(response.body.warnings).toEqual([]);

    await p.services.models.UsageCounter.updateOne({ license_id: license._id, window: "m:2025-08" }, { $set: { requests: 8000 } }).exec();
    response = await current(key);
    expect(usageOf(response).usage_percentages).toEqual({ requests: 80, budget: 0 });
    expect(response.body.warnings).toEqual([REQUESTS_WARNING]);
  });

  it("warns about the budget at 80 % and not at 79.99 %; both warnings come requests first", async () => {
    const { key, license } = await newLicense(p, "pro"); // budget 4 EUR
    const setMonth = (fields: Record<string, number>) =>
      p.services.models.UsageCounter.updateOne({ license_id: license._id, window: "m:2025-08" }, { $set: fields }).exec();
    await seedCounter(p, license._id, "m:2025-08", { requests: 10, cost_micros: 3_199_600 });
    let response = await current(key);
    expect(usageOf(response).usage_percentages).toEqual({ requests: 1, budget: 79.99 });
    expect(response.body.warnings).toEqual([]);

    // Reservations are not spent money: they do not move the percentage.
    await setMonth({ reserved_micros: 1_000_000 });
    expect((await current(key)).body.warnings).toEqual([]);

    await setMonth({ cost_micros: 3_200_000 });
    response = await current(key);
    expect(usageOf(response).usage_percentages).toEqual({ requests: 1, budget: 80 });
    expect(response.body.warnings).toEqual([BUDGET_WARNING]);

    await setMonth({ requests: 1000, cost_micros: 4_500_000 });
    response = await current(key);
    expect(usageOf(response).usage_percentages).toEqual({ requests: 100, budget: 112.5 });
    expect(response.body.warnings).toEqual([REQUESTS_WARNING, BUDGET_WARNING]);
  });

  it("compares the rounded percentage, so a body showing 80 always carries the warning", async () => {
    const { key, license } = await newLicense(p, "pro");
    await seedCounter(p, license._id, "m:2025-08", { cost_micros: 3_199_800 }); // 79.995 % → 80.0
    const response = await current(key);
    expect(usageOf(response).usage_percentages).toEqual({ requests: 0, budget: 80 });
    expect(response.body.warnings).toEqual([BUDGET_WARNING]);
  });

  it("reports 0 % and no warning for unlimited (0) limits, whatever the usage", async () => {
    const { key, license } = await newLicense(p, "starter");
    await seedCounter(p, license._id, "m:2025-08", {
      requests: 1_000_000,
      tokens: 9,
      cost_micros: 50_000_000,
      calls: 4,
      response_time_ms: 10,
    });
    await seedCounter(p, license._id, "h:2025-08-21T10", { requests: 5000 });
    await seedCounter(p, license._id, "i:2025-08-21T10:00", { requests: 500 });
    const response = await current(key);
    expect(response.status).toBe(200);
    expect(response.body.plan).toEqual({ name: "starter", display_name: "Starter - BYOK", price: 2.99 });
    expect(usageOf(response)).toMatchObject({
      current_month: { requests: 1_000_000, tokens: 9, cost_eur: 50, avg_response_time_ms: 2.5 },
      current_hour: { requests: 5000 },
      current_minute: { requests: 500 },
      limits: { monthly_requests: 0, requests_per_minute: 0, requests_per_hour: 0, monthly_budget_eur: 0 },
      usage_percentages: { requests: 0, budget: 0 },
    });
    expect(response.body.warnings).toEqual([]);
  });

  it("reports the license's own plan limits, with one limit unlimited and a fractional budget", async () => {
    const plan = await newPlan(p, { monthly_budget_micros: 2_500_000, monthly_requests: 0 });
    const { key, license } = await newLicense(p, plan.name);
    await seedCounter(p, license._id, "m:2025-08", { cost_micros: 2_000_000 });
    const response = await current(key);
    expect(usageOf(response).limits).toEqual({
      monthly_requests: 0,
      requests_per_minute: 10,
      requests_per_hour: 200,
      monthly_budget_eur: 2.5,
    });
    expect(usageOf(response).usage_percentages).toEqual({ requests: 0, budget: 80 });
    expect(response.body.warnings).toEqual([BUDGET_WARNING]);
  });
});
