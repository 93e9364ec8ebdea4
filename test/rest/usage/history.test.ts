import type { TestPlatform } from "../../support/platform";
import { http, JSON_CONTENT_TYPE, type HttpResult, type Json } from "../../support/http";
import { newLicense, type Issued } from "../../support/fixtures";
import { freezeClock, NOW, seedCounter, seedLog, seedMigratedLog, startUsagePlatform } from "./fixtures";

// GET /api/usage/history: plugin contract §6.6. The clock is frozen at NOW (2025-08-21T10:00:12.345Z); the window is
// [NOW − days × 24 h, NOW).
let p: TestPlatform;
beforeAll(async () => {
  p = await startUsagePlatform();
  freezeClock();
});
afterAll(async () => {
  jest.useRealTimers();
  await p.stop();
});

const history = (key: string, query = ""): Promise<HttpResult> => http(p.baseUrl, "GET", `/api/usage/history${query}`, { key });
const INVALID_DAYS = { error: "Invalid days parameter", code: "INVALID_INPUT" };

/** Summary and per-day request counts only: what the window and filter tests look at. */
function shape(response: HttpResult): { period: unknown; days: Record<string, number>; recent: number; summary: unknown } {
  const daily = response.body.daily_usage as Record<string, Json>;
  return {
    period: response.body.period,
    days: Object.fromEntries(Object.entries(daily).map(([day, figures]) => [day, figures.total_requests as number])),
    recent: (response.body.recent_requests as unknown[]).length,
    summary: response.body.summary,
  };
}

describe("GET /api/usage/history: the body", () => {
  let issued: Issued;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    issued = await newLicense(p, "pro");
    const id = issued.license._id;
    // Inserted out of order, so neither daily_usage nor recent_requests can rely on insertion order.
    ids.dayThree = await seedLog(p, id, {
      created_at: "2025-08-20T12:00:00.000Z",
      provider: "openai",
      model: "gpt-4o-mini",
      tokens_used: 50,
      response_time_ms: 101,
      ip_address: "198.51.100.1",
    });
    ids.start = await seedLog(p, id, {
      created_at: "2025-07-22T10:00:12.345Z",
      provider: "anthropic",
      model: "claude-3-haiku-20240307",
      endpoint: "/api/chat/anthropic",
      tokens_used: 10,
      response_time_ms: 1000,
    });
    ids.dayOne = await seedLog(p, id, {
      created_at: "2025-08-20T07:30:15.000Z",
      provider: "openai",
      model: "gpt-4o-mini",
      tokens_used: 150,
      response_time_ms: 245,
    });
    ids.lastMs = await seedLog(p, id, {
      created_at: "2025-08-21T10:00:12.344Z",
      provider: "deepseek",
      model: "deepseek-chat",
      endpoint: "/api/chat/deepseek",
      tokens_used: 5,
      response_time_ms: 3,
      ip_address: null,
    });
    ids.beforeMidnight = await seedLog(p, id, {
      created_at: "2025-08-19T23:59:59.999Z",
      provider: "deepseek",
      model: null,
      endpoint: "/api/chat/deepseek",
      tokens_used: 20,
      response_time_ms: 40,
    });
    ids.migrated = await seedMigratedLog(p, id, "2025-08-20T00:00:00.000Z", { tokens_used: 300, response_time_ms: 333 });
    ids.dayTwo = await seedLog(p, id, {
      created_at: "2025-08-20T09:00:00.000Z",
      provider: "anthropic",
      model: "claude-3-haiku-20240307",
      endpoint: "/api/chat/anthropic",
      tokens_used: 200,
      response_time_ms: 300,
    });
    ids.dayFour = await seedLog(p, id, {
      created_at: "2025-08-20T23:00:00.000Z",
      provider: "openai",
      model: "gpt-4o-mini",
      tokens_used: 0,
      response_time_ms: 100,
    });
    // Outside the 30-day window: 1 ms before its start, and at NOW itself (the end is exclusive).
    await seedLog(p, id, { created_at: "2025-07-22T10:00:12.344Z", tokens_used: 1000 });
    await seedLog(p, id, { created_at: NOW, tokens_used: 1000 });
    // Another license's usage inside the window, and counters (history reads the logs).
    const other = await newLicense(p, "pro");
    await seedLog(p, other.license._id, { created_at: "2025-08-20T08:00:00.000Z", tokens_used: 1000 });
    await seedCounter(p, id, "m:2025-08", { requests: 500, tokens: 99_999 });
  });

  it('groups by UTC day ascending and by provider, with "unknown" for records without one', async () => {
    const response = await history(issued.key);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(JSON_CONTENT_TYPE);
    const daily = response.body.daily_usage as Json;
    expect(Object.keys(daily)).toEqual(["2025-07-22", "2025-08-19", "2025-08-20", "2025-08-21"]);
    expect(daily).toEqual({
      "2025-07-22": {
        total_requests: 1,
        total_tokens: 10,
        avg_response_time: 1000,
        by_provider: { anthropic: { requests: 1, tokens: 10, avg_response_time: 1000 } },
      },
      "2025-08-19": {
        total_requests: 1,
        total_tokens: 20,
        avg_response_time: 40,
        by_provider: { deepseek: { requests: 1, tokens: 20, avg_response_time: 40 } },
      },
      "2025-08-20": {
        total_requests: 5,
        total_tokens: 700,
        avg_response_time: 215.8, // (245 + 101 + 100 + 300 + 333) / 5
        by_provider: {
          openai: { requests: 3, tokens: 200, avg_response_time: 148.67 }, // (245 + 101 + 100) / 3
          anthropic: { requests: 1, tokens: 200, avg_response_time: 300 },
          unknown: { requests: 1, tokens: 300, avg_response_time: 333 },
        },
      },
      "2025-08-21": {
        total_requests: 1,
        total_tokens: 5,
        avg_response_time: 3,
        by_provider: { deepseek: { requests: 1, tokens: 5, avg_response_time: 3 } },
      },
    });
  });

  it("lists recent requests newest first with exactly the contract's fields, then the summary and period", async () => {
    const response = await history(issued.key);
    expect(response.body).toMatchObject({ status: "success", license_key: issued.key, timestamp: NOW });
    expect(Object.keys(response.body).sort()).toEqual([
      "daily_usage",
      "license_key",
      "period",
      "recent_requests",
      "status",
      "summary",
      "timestamp",
    ]);
    expect(response.body.period).toEqual({ start: "2025-07-22T10:00:12.345Z", end: NOW, days: 30 });
    expect(response.body.summary).toEqual({ total_requests: 8, total_tokens: 735, days_with_usage: 4, avg_requests_per_day: 2 });
    const recent = response.body.recent_requests as Json[];
    expect(recent.map((request) => request._id)).toEqual([
      ids.lastMs,
      ids.dayFour,
      ids.dayThree,
      ids.dayTwo,
      ids.dayOne,
      ids.migrated,
      ids.beforeMidnight,
      ids.start,
    ]);
    expect(recent[0]).toEqual({
      _id: ids.lastMs,
      endpoint: "/api/chat/deepseek",
      provider: "deepseek",
      model: "deepseek-chat",
      tokens_used: 5,
      response_time_ms: 3,
      created_at: "2025-08-21T10:00:12.344Z",
      ip_address: null,
    });
    expect(recent[2]).toEqual({
      _id: ids.dayThree,
      endpoint: "/api/chat/openai",
      provider: "openai",
      model: "gpt-4o-mini",
      tokens_used: 50,
      response_time_ms: 101,
      created_at: "2025-08-20T12:00:00.000Z",
      ip_address: "198.51.100.1",
    });
    // A migrated record has no provider, model or IP: they show as null.
    expect(recent[5]).toEqual({
      _id: ids.migrated,
      endpoint: "/api/chat",
      provider: null,
      model: null,
      tokens_used: 300,
      response_time_ms: 333,
      created_at: "2025-08-20T00:00:00.000Z",
      ip_address: null,
    });
    expect(recent[6]).toMatchObject({ _id: ids.beforeMidnight, provider: "deepseek", model: null });
  });

  it("filters everything by an exact provider name and ignores any other value", async () => {
    const openai = await history(issued.key, "?provider=openai");
    expect(shape(openai)).toEqual({
      period: { start: "2025-07-22T10:00:12.345Z", end: NOW, days: 30 },
      days: { "2025-08-20": 3 },
      recent: 3,
      summary: { total_requests: 3, total_tokens: 200, days_with_usage: 1, avg_requests_per_day: 3 },
    });
    expect((openai.body.daily_usage as Record<string, Json>)["2025-08-20"]).toEqual({
      total_requests: 3,
      total_tokens: 200,
      avg_response_time: 148.67,
      by_provider: { openai: { requests: 3, tokens: 200, avg_response_time: 148.67 } },
    });
    expect(shape(await history(issued.key, "?provider=deepseek&days=7"))).toEqual({
      period: { start: "2025-08-14T10:00:12.345Z", end: NOW, days: 7 },
      days: { "2025-08-19": 1, "2025-08-21": 1 },
      recent: 2,
      summary: { total_requests: 2, total_tokens: 25, days_with_usage: 2, avg_requests_per_day: 1 },
    });
    expect(shape(await history(issued.key, "?provider=anthropic")).summary).toEqual({
      total_requests: 2,
      total_tokens: 210,
      days_with_usage: 2,
      avg_requests_per_day: 1,
    });

    const unfiltered = shape(await history(issued.key));
    for (const ignored of ["OpenAI", "unknown", "azure", "", "openai%20", "openai,anthropic"]) {
      expect({ ignored, shape: shape(await history(issued.key, `?provider=${ignored}`)) }).toEqual({ ignored, shape: unfiltered });
    }
  });
});

describe("GET /api/usage/history: days", () => {
  let issued: Issued;

  beforeAll(async () => {
    issued = await newLicense(p, "pro");
    const id = issued.license._id;
    await seedLog(p, id, { created_at: "2025-08-21T10:00:12.344Z" }); // the last millisecond of every window
    await seedLog(p, id, { created_at: "2025-08-20T10:00:12.345Z" }); // the first of the 1-day window
    await seedLog(p, id, { created_at: "2025-08-20T10:00:12.344Z" }); // just outside it
    await seedLog(p, id, { created_at: "2025-05-23T10:00:12.345Z" }); // the first of the 90-day window
    await seedLog(p, id, { created_at: "2025-05-23T10:00:12.344Z" }); // just outside it
  });

  it("defaults to 30 days", async () => {
    expect(shape(await history(issued.key))).toMatchObject({
      period: { start: "2025-07-22T10:00:12.345Z", end: NOW, days: 30 },
      summary: { total_requests: 3 },
    });
  });

  it("clamps to 1..90: 0, -5 and -0 become 1; 1000 and a 20-digit number become 90", async () => {
    const oneDay = {
      period: { start: "2025-08-20T10:00:12.345Z", end: NOW, days: 1 },
      days: { "2025-08-20": 1, "2025-08-21": 1 },
      recent: 2,
      summary: { total_requests: 2, total_tokens: 200, days_with_usage: 2, avg_requests_per_day: 1 },
    };
    for (const days of ["0", "-5", "-0", "1"]) {
      const response = await history(issued.key, `?days=${days}`);
      expect({ days, status: response.status, shape: shape(response) }).toEqual({ days, status: 200, shape: oneDay });
    }
    for (const days of ["1000", "90", "99999999999999999999"]) {
      const response = await history(issued.key, `?days=${days}`);
      expect({
        days,
        status: response.status,
        period: response.body.period,
        total: (response.body.summary as Json).total_requests,
      }).toEqual({
        days,
        status: 200,
        period: { start: "2025-05-23T10:00:12.345Z", end: NOW, days: 90 },
        total: 4,
      });
    }
    expect(shape(await history(issued.key, "?days=007")).period).toEqual({ start: "2025-08-14T10:00:12.345Z", end: NOW, days: 7 });
  });

  it("answers 400 to anything but an optional minus and digits", async () => {
    for (const days of ["abc", "1.5", "", "+7", " 7", "7%20", "1e3", "0x10", "--1", "7a", "%ZZ", "٣"]) {
      const response = await history(issued.key, `?days=${days}`);
      expect({ days, status: response.status, body: response.body }).toEqual({ days, status: 400, body: INVALID_DAYS });
    }
  });

  it("reads the first value of a repeated parameter", async () => {
    expect((await history(issued.key, "?days=7&days=abc")).body.period).toEqual({ start: "2025-08-14T10:00:12.345Z", end: NOW, days: 7 });
    expect((await history(issued.key, "?days=abc&days=7")).body).toEqual(INVALID_DAYS);
  });
});

describe("GET /api/usage/history: limits", () => {
  it("keeps the 50 newest requests while daily_usage and the summary count all of them", async () => {
    const { key, license } = await newLicense(p, "pro");
    const base = Date.parse("2025-08-18T00:00:00.000Z");
    const created = await p.services.models.UsageLog.insertMany(
      Array.from({ length: 55 }, (_, i) => ({
        license_id: license._id,
        endpoint: "/api/chat/openai",
        provider: "openai",
        model: "gpt-4o-mini",
        tokens_used: 2,
        response_time_ms: i,
        created_at: new Date(base + i * 3_600_000),
      })),
    );
    const newestFirst = created.map((log) => log._id.toHexString()).reverse();
    const response = await history(key);
    expect((response.body.recent_requests as Json[]).map((request) => request._id)).toEqual(newestFirst.slice(0, 50));
    // 55 hourly records from 2025-08-18T00:00Z: 24 + 24 + 7.
    expect(shape(response)).toMatchObject({
      days: { "2025-08-18": 24, "2025-08-19": 24, "2025-08-20": 7 },
      recent: 50,
      summary: { total_requests: 55, total_tokens: 110, days_with_usage: 3, avg_requests_per_day: 18.33 },
    });
  });

  it("answers an empty history with zeros", async () => {
    const { key } = await newLicense(p, "pro");
    const response = await history(key, "?days=7");
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      status: "success",
      license_key: key,
      period: { start: "2025-08-14T10:00:12.345Z", end: NOW, days: 7 },
      daily_usage: {},
      recent_requests: [],
      summary: { total_requests: 0, total_tokens: 0, days_with_usage: 0, avg_requests_per_day: 0 },
      timestamp: NOW,
    });
  });
});
