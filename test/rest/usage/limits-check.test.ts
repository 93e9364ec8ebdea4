import type { mongoose } from "@typegoose/typegoose";
import type { TestPlatform } from "../../support/platform";
import { http, JSON_CONTENT_TYPE, type HttpResult, type Json } from "../../support/http";
import { newLicense, newPlan } from "../../support/fixtures";
import { freezeClock, NOW, seedCounter, startUsagePlatform, type CounterFields } from "./fixtures";

// GET /api/limits/check: plugin contract §6.7, §4.5. The clock is frozen at NOW (2025-08-21T10:00:12.345Z).
let p: TestPlatform;
beforeAll(async () => {
  p = await startUsagePlatform();
  freezeClock();
});
afterAll(async () => {
  jest.useRealTimers();
  await p.stop();
});

const check = (key: string): Promise<HttpResult> => http(p.baseUrl, "GET", "/api/limits/check", { key });
const RESETS = { next_minute: "2025-08-21T10:01:00.000Z", next_hour: "2025-08-21T11:00:00.000Z", next_month: "2025-09-01T00:00:00.000Z" };

/** A pro license (1000/month, 10/minute, 200/hour, 4 EUR) with these current-window counters. */
async function proWith(counters: {
  month?: CounterFields;
  hour?: number;
  minute?: number;
}): Promise<{ key: string; id: mongoose.Types.ObjectId }> {
  const { key, license } = await newLicense(p, "pro");
  if (counters.month) await seedCounter(p, license._id, "m:2025-08", counters.month);
  if (counters.hour !== undefined) await seedCounter(p, license._id, "h:2025-08-21T10", { requests: counters.hour });
  if (counters.minute !== undefined) await seedCounter(p, license._id, "i:2025-08-21T10:00", { requests: counters.minute });
  return { key, id: license._id };
}

function verdict(response: HttpResult): { status: number; can: unknown; blocking: unknown; code: unknown } {
  return {
    status: response.status,
    can: response.body.can_make_request,
    blocking: response.body.blocking_factors,
    code: response.body.code,
  };
}

describe("GET /api/limits/check", () => {
  it("answers 200 with every factor passing, from this license's current windows only", async () => {
    const { key, id } = await proWith({ month: { requests: 850, tokens: 102_000, cost_micros: 153_000 }, hour: 12, minute: 1 });
    // Past windows at or over every limit, and another license over every limit now: none of them count.
    await seedCounter(p, id, "m:2025-07", { requests: 5000, cost_micros: 9_000_000, reserved_micros: 9_000_000 });
    await seedCounter(p, id, "h:2025-08-21T09", { requests: 500 });
    await seedCounter(p, id, "i:2025-08-21T09:59", { requests: 50 });
    await seedCounter(p, id, "h:2025-08-20T10", { requests: 500 });
    const other = await newLicense(p, "pro");
    await seedCounter(p, other.license._id, "m:2025-08", { requests: 1000, cost_micros: 4_000_000 });
    await seedCounter(p, other.license._id, "h:2025-08-21T10", { requests: 200 });
    await seedCounter(p, other.license._id, "i:2025-08-21T10:00", { requests: 10 });

    const response = await check(key);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(JSON_CONTENT_TYPE);
    expect(response.body).toEqual({
      status: "success",
      license_key: key,
      can_make_request: true,
      limits_status: {
        monthly_requests: { passed: true, current: 850, limit: 1000, percentage: 85 },
        requests_per_minute: { passed: true, current: 1, limit: 10 },
        requests_per_hour: { passed: true, current: 12, limit: 200 },
        monthly_budget: { passed: true, current_cost_eur: 0.153, limit_eur: 4, percentage: 3.83 },
      },
      blocking_factors: [],
      reset_times: RESETS,
      timestamp: NOW,
    });
  });

  it("passes each request limit one below it and blocks at it, with the factor's code", async () => {
    const cases: Array<{ counters: Parameters<typeof proWith>[0]; factor: string; code: string }> = [
      { counters: { month: { requests: 1000 } }, factor: "monthly_requests", code: "MONTHLY_LIMIT" },
      { counters: { minute: 10 }, factor: "requests_per_minute", code: "MINUTE_LIMIT" },
      { counters: { hour: 200 }, factor: "requests_per_hour", code: "HOUR_LIMIT" },
    ];
    for (const { counters, factor, code } of cases) {
      const below = await proWith({ month: counters.month && { requests: 999 }, hour: counters.hour && 199, minute: counters.minute && 9 });
      expect({ factor, ...verdict(await check(below.key)) }).toEqual({ factor, status: 200, can: true, blocking: [], code: undefined });
      const at = await proWith(counters);
      const response = await check(at.key);
      expect({ factor, ...verdict(response) }).toEqual({ factor, status: 429, can: false, blocking: [factor], code });
      expect((response.body.limits_status as Record<string, Json>)[factor].passed).toBe(false);
    }
  });

  it("reports the blocking factor's figures in the same body shape, plus the code", async () => {
    const { key } = await proWith({ month: { requests: 1200, cost_micros: 400_000 }, hour: 3, minute: 2 });
    const response = await check(key);
    expect(response.status).toBe(429);
    expect(response.body).toEqual({
      status: "success",
      license_key: key,
      can_make_request: false,
      limits_status: {
        monthly_requests: { passed: false, current: 1200, limit: 1000, percentage: 120 },
        requests_per_minute: { passed: true, current: 2, limit: 10 },
        requests_per_hour: { passed: true, current: 3, limit: 200 },
        monthly_budget: { passed: true, current_cost_eur: 0.4, limit_eur: 4, percentage: 10 },
      },
      blocking_factors: ["monthly_requests"],
      reset_times: RESETS,
      timestamp: NOW,
      code: "MONTHLY_LIMIT",
    });
  });

  it("counts in-flight reservations against the budget (402) while the percentage stays settled cost", async () => {
    const under = await proWith({ month: { cost_micros: 3_000_000, reserved_micros: 999_999 } });
    const underResponse = await check(under.key);
    expect(verdict(underResponse)).toEqual({ status: 200, can: true, blocking: [], code: undefined });
    expect((underResponse.body.limits_status as Json).monthly_budget).toEqual({
      passed: true,
      current_cost_eur: 4,
      limit_eur: 4,
      percentage: 75,
    });

    const reserved = await proWith({ month: { cost_micros: 3_000_000, reserved_micros: 1_000_000 } });
    const response = await check(reserved.key);
    expect(verdict(response)).toEqual({ status: 402, can: false, blocking: ["monthly_budget"], code: "BUDGET_EXCEEDED" });
    expect((response.body.limits_status as Json).monthly_budget).toEqual({
      passed: false,
      current_cost_eur: 4,
      limit_eur: 4,
      percentage: 75,
    });

    const settled = await proWith({ month: { cost_micros: 4_123_456 } });
    const settledResponse = await check(settled.key);
    expect(verdict(settledResponse)).toEqual({ status: 402, can: false, blocking: ["monthly_budget"], code: "BUDGET_EXCEEDED" });
    expect((settledResponse.body.limits_status as Json).monthly_budget).toEqual({
      passed: false,
      current_cost_eur: 4.1235,
      limit_eur: 4,
      percentage: 103.09,
    });
  });

  it("lists factors in the fixed order; a listed budget makes it 402, else the first factor's 429", async () => {
    const all = await proWith({ month: { requests: 1000, cost_micros: 4_000_000 }, hour: 200, minute: 10 });
    expect(verdict(await check(all.key))).toEqual({
      status: 402,
      can: false,
      blocking: ["monthly_requests", "requests_per_minute", "requests_per_hour", "monthly_budget"],
      code: "BUDGET_EXCEEDED",
    });
    const hourAndBudget = await proWith({ month: { cost_micros: 4_000_000 }, hour: 250 });
    expect(verdict(await check(hourAndBudget.key))).toEqual({
      status: 402,
      can: false,
      blocking: ["requests_per_hour", "monthly_budget"],
      code: "BUDGET_EXCEEDED",
    });
    const minuteAndHour = await proWith({ hour: 200, minute: 10 });
    expect(verdict(await check(minuteAndHour.key))).toEqual({
      status: 429,
      can: false,
      blocking: ["requests_per_minute", "requests_per_hour"],
      code: "MINUTE_LIMIT",
    });
    const monthAndHour = await proWith({ month: { requests: 1000 }, hour: 200 });
    expect(verdict(await check(monthAndHour.key))).toEqual({
      status: 429,
      can: false,
      blocking: ["monthly_requests", "requests_per_hour"],
      code: "MONTHLY_LIMIT",
    });
  });

  it("always passes unlimited (0) limits, whatever the counters say", async () => {
    const { key, license } = await newLicense(p, "starter");
    await seedCounter(p, license._id, "m:2025-08", { requests: 1_000_000, cost_micros: 99_000_000, reserved_micros: 5_000_000 });
    await seedCounter(p, license._id, "h:2025-08-21T10", { requests: 100_000 });
    await seedCounter(p, license._id, "i:2025-08-21T10:00", { requests: 10_000 });
    const response = await check(key);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      can_make_request: true,
      limits_status: {
        monthly_requests: { passed: true, current: 1_000_000, limit: 0, percentage: 0 },
        requests_per_minute: { passed: true, current: 10_000, limit: 0 },
        requests_per_hour: { passed: true, current: 100_000, limit: 0 },
        monthly_budget: { passed: true, current_cost_eur: 104, limit_eur: 0, percentage: 0 },
      },
      blocking_factors: [],
    });
    expect(response.body.code).toBeUndefined();

    // One unlimited factor beside limited ones: only the limited ones can block.
    const plan = await newPlan(p, { requests_per_minute: 0, monthly_budget_micros: 0 });
    const mixed = await newLicense(p, plan.name);
    await seedCounter(p, mixed.license._id, "i:2025-08-21T10:00", { requests: 500 });
    await seedCounter(p, mixed.license._id, "h:2025-08-21T10", { requests: 200 });
    await seedCounter(p, mixed.license._id, "m:2025-08", { cost_micros: 50_000_000 });
    expect(verdict(await check(mixed.key))).toEqual({ status: 429, can: false, blocking: ["requests_per_hour"], code: "HOUR_LIMIT" });
  });

  it("uses the UTC windows of the moment across a year boundary", async () => {
    freezeClock("2025-12-31T23:59:59.999Z");
    try {
      const { key, license } = await newLicense(p, "pro");
      await seedCounter(p, license._id, "m:2025-12", { requests: 5, cost_micros: 10_000 });
      await seedCounter(p, license._id, "h:2025-12-31T23", { requests: 4 });
      await seedCounter(p, license._id, "i:2025-12-31T23:59", { requests: 2 });
      await seedCounter(p, license._id, "m:2026-01", { requests: 1000 });
      await seedCounter(p, license._id, "i:2026-01-01T00:00", { requests: 10 });
      const response = await check(key);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        limits_status: {
          monthly_requests: { current: 5 },
          requests_per_minute: { current: 2 },
          requests_per_hour: { current: 4 },
          monthly_budget: { current_cost_eur: 0.01 },
        },
        reset_times: {
          next_minute: "2026-01-01T00:00:00.000Z",
          next_hour: "2026-01-01T00:00:00.000Z",
          next_month: "2026-01-01T00:00:00.000Z",
        },
        timestamp: "2025-12-31T23:59:59.999Z",
      });
    } finally {
      freezeClock();
    }
  });

  it("gives exact reset times mid-month, at the first millisecond of a window", async () => {
    freezeClock("2026-02-28T13:00:00.000Z");
    try {
      const { key } = await newLicense(p, "pro");
      expect((await check(key)).body.reset_times).toEqual({
        next_minute: "2026-02-28T13:01:00.000Z",
        next_hour: "2026-02-28T14:00:00.000Z",
        next_month: "2026-03-01T00:00:00.000Z",
      });
    } finally {
      freezeClock();
    }
  });
});
