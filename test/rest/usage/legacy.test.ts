import { LicenseStatus } from "../../../src/modules/licenses/license.model";
import type { TestPlatform } from "../../support/platform";
import { http, JSON_CONTENT_TYPE, type HttpResult } from "../../support/http";
import { newCustomer, newLicense, newPlan, setLicense, storedLicense, type Issued } from "../../support/fixtures";
import { freezeClock, importLicense, seedCounter, seedLog, startUsagePlatform } from "./fixtures";

// GET /api/usage/:license_key (legacy): plugin contract §6.8. The clock is frozen at 2025-08-21T10:00:12.345Z.
let p: TestPlatform;
beforeAll(async () => {
  p = await startUsagePlatform();
  freezeClock();
});
afterAll(async () => {
  jest.useRealTimers();
  await p.stop();
});

const legacy = (path: string, headers: Record<string, string> = {}): Promise<HttpResult> =>
  http(p.baseUrl, "GET", `/api/usage/${path}`, { headers });
const AUGUST = { start: "2025-08-01T00:00:00.000Z", end: "2025-09-01T00:00:00.000Z" };
const NOT_FOUND = { error: "License not found", code: "LICENSE_NOT_FOUND" };

describe("GET /api/usage/:license_key", () => {
  it("answers every field from this month's counter, without any header", async () => {
    const { key, license } = await newLicense(p, "pro");
    await seedCounter(p, license._id, "m:2025-08", { requests: 12, tokens: 3400, cost_micros: 5000, calls: 10, response_time_ms: 8125 });
    await seedCounter(p, license._id, "h:2025-08-21T10", { requests: 12 });
    // Not this month, not this license, not the logs: none of them count.
    await seedCounter(p, license._id, "m:2025-07", { requests: 900, tokens: 1, calls: 1, response_time_ms: 1 });
    await seedCounter(p, license._id, "m:2025-09", { requests: 900 });
    const other = await newLicense(p, "pro");
    await seedCounter(p, other.license._id, "m:2025-08", { requests: 400, tokens: 1, calls: 1, response_time_ms: 1 });
    await seedLog(p, license._id, { created_at: "2025-08-21T09:00:00.000Z", tokens_used: 5000 });

    const response = await legacy(key);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(JSON_CONTENT_TYPE);
    expect(response.body).toEqual({
      license_key: key,
      plan: "pro",
      current_month: { requests: 12, tokens: 3400, avg_response_time_ms: 812.5 },
      limits: { monthly_requests: 1000, requests_remaining: 988 },
      period: AUGUST,
    });
  });

  it("answers zeros before any usage, and never a negative requests_remaining", async () => {
    const fresh = await newLicense(p, "agency");
    expect((await legacy(fresh.key)).body).toEqual({
      license_key: fresh.key,
      plan: "agency",
      current_month: { requests: 0, tokens: 0, avg_response_time_ms: 0 },
      limits: { monthly_requests: 5000, requests_remaining: 5000 },
      period: AUGUST,
    });
    const over = await newLicense(p, "pro");
    await seedCounter(p, over.license._id, "m:2025-08", { requests: 1200, calls: 3, response_time_ms: 1000 });
    expect((await legacy(over.key)).body).toMatchObject({
      current_month: { requests: 1200, tokens: 0, avg_response_time_ms: 333.33 },
      limits: { monthly_requests: 1000, requests_remaining: 0 },
    });
  });

  it('says "unlimited" for an unlimited plan, and "unknown" with limit 0 when the plan record is gone', async () => {
    const starter = await newLicense(p, "starter");
    await seedCounter(p, starter.license._id, "m:2025-08", { requests: 70 });
    expect((await legacy(starter.key)).body).toMatchObject({
      plan: "starter",
      limits: { monthly_requests: 0, requests_remaining: "unlimited" },
    });

    const plan = await newPlan(p);
    const orphan = await newLicense(p, plan.name);
    await seedCounter(p, orphan.license._id, "m:2025-08", { requests: 7, tokens: 70, calls: 7, response_time_ms: 700 });
    await p.services.models.Plan.deleteOne({ _id: plan._id }).exec();
    const response = await legacy(orphan.key);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      license_key: orphan.key,
      plan: "unknown",
      current_month: { requests: 7, tokens: 70, avg_response_time_ms: 100 },
      limits: { monthly_requests: 0, requests_remaining: "unlimited" },
      period: AUGUST,
    });
  });

  it("checks neither status nor expiry, and changes nothing", async () => {
    const cases: Array<[string, (issued: Issued) => Promise<void>]> = [
      ["suspended", async ({ license }) => setLicense(p, license._id, { status: LicenseStatus.suspended })],
      ["cancelled", async ({ license }) => setLicense(p, license._id, { status: LicenseStatus.cancelled })],
      ["inactive", async ({ license }) => setLicense(p, license._id, { status: LicenseStatus.inactive })],
      ["expired status", async ({ license }) => setLicense(p, license._id, { status: LicenseStatus.expired })],
      ["expires_at passed", async ({ license }) => setLicense(p, license._id, { expires_at: new Date("2025-08-01T00:00:00.000Z") })],
      [
        "customer suspended",
        async ({ customer }) =>
          void (await p.services.models.Customer.updateOne({ _id: customer._id }, { $set: { status: "suspended" } }).exec()),
      ],
    ];
    for (const [name, spoil] of cases) {
      const issued = await newLicense(p, "pro");
      await seedCounter(p, issued.license._id, "m:2025-08", { requests: 3 });
      await spoil(issued);
      const before = await storedLicense(p, issued.license._id);
      const response = await legacy(issued.key);
      expect({ name, status: response.status, body: response.body }).toEqual({
        name,
        status: 200,
        body: {
          license_key: issued.key,
          plan: "pro",
          current_month: { requests: 3, tokens: 0, avg_response_time_ms: 0 },
          limits: { monthly_requests: 1000, requests_remaining: 997 },
          period: AUGUST,
        },
      });
      // No side effect: an expired license is not marked expired here, and last_check is not touched.
      expect({ name, after: await storedLicense(p, issued.license._id) }).toEqual({ name, after: before });
    }
  });

  it("answers 404 LICENSE_NOT_FOUND to an unknown key, a wrong-case key, an empty key and a key over 64 characters", async () => {
    const { key } = await newLicense(p, "pro");
    for (const path of [
      "CHA-00000000-00000000-00000000-00000000",
      key.toLowerCase(),
      `${key}%20`,
      `%20${key}`,
      "",
      "x".repeat(65),
      `${key}${"0".repeat(26)}`,
    ]) {
      const response = await legacy(path);
      expect({ path, status: response.status, body: response.body }).toEqual({ path, status: 404, body: NOT_FOUND });
    }
  });

  it("percent-decodes the path key", async () => {
    const { key } = await newLicense(p, "pro");
    const dashesEncoded = key.replace(/-/g, "%2D");
    expect((await legacy(dashesEncoded)).body).toMatchObject({ license_key: key, plan: "pro" });
    const everyByte = [...key].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`).join("");
    expect((await legacy(everyByte)).body).toMatchObject({ license_key: key, plan: "pro" });

    // v2.1 keys of any shape keep working, even with characters that must be encoded in a path.
    const customer = await newCustomer(p);
    const pro = await p.services.plans.byName("pro");
    for (const odd of ["CHA-TEST-1234-5678-ABCD", "CHA TEST/1?x=ü#"]) {
      await importLicense(p, odd, customer._id, pro._id);
      const response = await legacy(encodeURIComponent(odd));
      expect({ odd, status: response.status, key: response.body.license_key }).toEqual({ odd, status: 200, key: odd });
    }
  });

  it("does not take the key from X-License-Key, and loses to /api/usage/current and /api/usage/history", async () => {
    const { key } = await newLicense(p, "pro");
    expect((await legacy("CHA-00000000-00000000-00000000-00000000", { "x-license-key": key })).body).toEqual(NOT_FOUND);
    // The static routes win: without a header they answer the license check's 401, not a legacy 404.
    for (const path of ["current", "history"]) {
      const response = await legacy(path);
      expect({ path, status: response.status, body: response.body }).toEqual({
        path,
        status: 401,
        body: { error: "License key required", code: "LICENSE_REQUIRED" },
      });
    }
  });

  it("reports the current UTC month as the period", async () => {
    freezeClock("2025-12-31T23:59:59.999Z");
    try {
      const { key, license } = await newLicense(p, "pro");
      await seedCounter(p, license._id, "m:2025-12", { requests: 4 });
      await seedCounter(p, license._id, "m:2026-01", { requests: 40 });
      expect((await legacy(key)).body).toMatchObject({
        current_month: { requests: 4 },
        period: { start: "2025-12-01T00:00:00.000Z", end: "2026-01-01T00:00:00.000Z" },
      });
      freezeClock("2026-01-01T00:00:00.000Z");
      expect((await legacy(key)).body).toMatchObject({
        current_month: { requests: 40 },
        period: { start: "2026-01-01T00:00:00.000Z", end: "2026-02-01T00:00:00.000Z" },
      });
    } finally {
      freezeClock();
    }
  });
});
