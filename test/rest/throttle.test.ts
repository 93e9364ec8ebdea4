import type { AddressInfo } from "node:net";
import pino from "pino";
import { buildApp } from "../../src/app";
import { PINNED_INSTANT } from "../support/clock";
import { startTestPlatform, testConfig, type TestPlatform } from "../support/platform";
import { http } from "../support/http";
import { newLicense } from "../support/fixtures";

// Contract §1.5: fixed windows per route, counted in MongoDB, X-RateLimit headers, the JSON 429, the failed-lookup guard.
// The windows are UTC-aligned: a test that straddled a minute boundary would see its count split. The platform's
// clock is pinned inside one minute (in the future, so that no TTL removes a window meanwhile) instead of waiting.
const PINNED = PINNED_INSTANT;
const clock = (): number => PINNED;

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ clock });
});
afterAll(async () => platform.stop());

function expectRateHeaders(headers: Headers, limit: number, remaining: number): void {
  expect(headers.get("x-ratelimit-limit")).toBe(String(limit));
  expect(headers.get("x-ratelimit-remaining")).toBe(String(remaining));
  const reset = Number(headers.get("x-ratelimit-reset"));
  expect(reset).toBeGreaterThan(Date.now() / 1000);
}

test("GET / allows 50 requests an hour per client, then answers the contract's 429 with Retry-After", async () => {
  for (let i = 1; i <= 50; i++) {
    const ok = await http(platform.baseUrl, "GET", "/");
    expect(ok.status).toBe(200);
    if (i === 1) expectRateHeaders(ok.headers, 50, 49);
    if (i === 50) expectRateHeaders(ok.headers, 50, 0);
  }
  const refused = await http(platform.baseUrl, "GET", "/");
  expect(refused.status).toBe(429);
  const retryAfter = Number(refused.headers.get("retry-after"));
  expect(retryAfter).toBe(3595);
  expect(refused.body).toEqual({ error: "Rate limit exceeded", message: "50 per 1 hour", retry_after: retryAfter, code: "RATE_LIMITED" });
  expect(refused.headers.get("access-control-allow-origin")).toBe("*");
});

test("/api/validate counts per license key, every request on arrival (refused ones too)", async () => {
  const { key } = await newLicense(platform, "pro");
  const other = await newLicense(platform, "pro");
  for (let i = 0; i < 50; i++) expect((await http(platform.baseUrl, "POST", "/api/validate", { key })).status).toBe(200);
  const refused = await http(platform.baseUrl, "POST", "/api/validate", { key });
  expect(refused.status).toBe(429);
  expect(refused.body).toMatchObject({ code: "RATE_LIMITED", message: "50 per 1 hour" });
  // Another key has its own counter.
  expect((await http(platform.baseUrl, "POST", "/api/validate", { key: other.key })).status).toBe(200);
});

test("routes with the license check count only requests that pass it", async () => {
  const { key } = await newLicense(platform, "pro");
  // Rejected requests (a suspended-looking, wrong key) do not count; 20 valid ones do.
  for (let i = 0; i < 5; i++) expect((await http(platform.baseUrl, "GET", "/api/sites", { key: `${key}-nope` })).status).toBe(401);
  for (let i = 1; i <= 20; i++) {
    const ok = await http(platform.baseUrl, "GET", "/api/sites", { key });
    expect(ok.status).toBe(200);
    if (i === 20) expectRateHeaders(ok.headers, 20, 0);
  }
  const refused = await http(platform.baseUrl, "GET", "/api/sites", { key });
  expect(refused.status).toBe(429);
  expect(refused.body).toMatchObject({ message: "20 per 1 minute", code: "RATE_LIMITED" });
});

test("the counters are shared by every instance of the platform (they live in MongoDB)", async () => {
  const second = await buildApp({ config: testConfig(), logger: pino({ level: "silent" }), db: platform.db, services: platform.services });
  await second.listen({ host: "127.0.0.1", port: 0 });
  try {
    const secondUrl = `http://127.0.0.1:${(second.server.address() as AddressInfo).port}`;
    const { key } = await newLicense(platform, "agency");
    for (let i = 0; i < 10; i++) expect((await http(platform.baseUrl, "GET", "/api/sites", { key })).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await http(secondUrl, "GET", "/api/sites", { key })).status).toBe(200);
    expect((await http(secondUrl, "GET", "/api/sites", { key })).status).toBe(429);
    expect((await http(platform.baseUrl, "GET", "/api/sites", { key })).status).toBe(429);
  } finally {
    await second.close();
  }
});

describe("the failed-lookup guard", () => {
  let guarded: TestPlatform;
  beforeAll(async () => {
    guarded = await startTestPlatform({ clock });
  });
  afterAll(async () => guarded.stop());

  test("after 20 lookups of unknown keys in a minute, the IP's requests with a key are refused until the minute ends", async () => {
    const { key } = await newLicense(guarded, "pro");
    for (let i = 0; i < 21; i++)
      expect((await http(guarded.baseUrl, "POST", "/api/validate", { key: `CHA-UNKNOWN-${i}` })).status).toBe(404);
    const refused = await http(guarded.baseUrl, "GET", "/api/sites", { key });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({
      error: "Rate limit exceeded",
      message: "20 failed license lookups per 1 minute",
      code: "RATE_LIMITED",
    });
    expect(Number(refused.headers.get("retry-after"))).toBe(55);
    // Requests without a key are not affected.
    expect((await http(guarded.baseUrl, "GET", "/")).status).toBe(200);
  });
});

test("THROTTLE=off turns the limits off (for benchmarks)", async () => {
  const unthrottled = await startTestPlatform({ env: { THROTTLE: "off" } });
  try {
    for (let i = 0; i < 55; i++) expect((await http(unthrottled.baseUrl, "GET", "/")).status).toBe(200);
    expect((await http(unthrottled.baseUrl, "GET", "/")).headers.get("x-ratelimit-limit")).toBeNull();
  } finally {
    await unthrottled.stop();
  }
});

test("the usage routes have their own per-minute limits, and the legacy route counts the path key's requests on arrival", async () => {
  const { key } = await newLicense(platform, "pro");
  for (let i = 0; i < 5; i++) expect((await http(platform.baseUrl, "GET", "/api/usage/history", { key })).status).toBe(200);
  expect((await http(platform.baseUrl, "GET", "/api/usage/history", { key })).body).toMatchObject({
    code: "RATE_LIMITED",
    message: "5 per 1 minute",
  });
  for (let i = 0; i < 10; i++) expect((await http(platform.baseUrl, "GET", `/api/usage/${key}`)).status).toBe(200);
  expect((await http(platform.baseUrl, "GET", `/api/usage/${key}`)).body).toMatchObject({
    code: "RATE_LIMITED",
    message: "10 per 1 minute",
  });
});
