import { monthWindow, startOfNextMonth } from "../../src/modules/usage/usage-windows";
import { startTestPlatform, type TestPlatform } from "../support/platform";
import { activationCounts, importLicense, newCustomer, newLicense, storedLicense } from "../support/fixtures";
import { expectIsoWithin, http, JSON_CONTENT_TYPE, type HttpResult, type RequestOptions } from "../support/http";

// POST /api/validate, the 200 answer: plugin contract §6.3 ("200", field rules, founders_deal, compatibility
// fields, site), §1.2 (the body is never a reason to refuse), §2.2 (lookup).
let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform();
});
afterAll(async () => {
  await p.stop();
});

const validate = (options: RequestOptions = {}): Promise<HttpResult> => http(p.baseUrl, "POST", "/api/validate", options);
const FOUNDERS_FEATURES = [
  "ai_included",
  "5_sites",
  "lifetime_license",
  "priority_support",
  "advanced_features",
  "no_api_key_needed",
  "founders_badge",
  "early_access",
];
const PRO_FEATURES = ["ai_included", "3_sites", "priority_support", "advanced_features", "no_api_key_needed"];
const THANK_YOU = "🚀 Thank you for being a Founder! You have lifetime access to Chatello SaaS.";

describe("200", () => {
  it("a Founders license with a site: every field, then newly_activated false on the second call", async () => {
    const founders = await p.services.models.Plan.findOneAndUpdate(
      { name: "founders" },
      { $set: { lifetime_sold: 40 } },
      { returnDocument: "after" },
    ).exec();
    expect(founders).not.toBeNull();
    const { key, license, customer } = await newLicense(p, "founders", { domain: "example.com" });
    const now = new Date();
    await p.services.models.UsageCounter.create([
      {
        license_id: license._id,
        window: monthWindow(now),
        requests: 150,
        tokens: 12000,
        cost_micros: 3000,
        reserved_micros: 0,
        expires_at: startOfNextMonth(now),
      },
      {
        license_id: license._id,
        window: "m:2001-01",
        requests: 9,
        tokens: 9,
        cost_micros: 9,
        reserved_micros: 0,
        expires_at: startOfNextMonth(now),
      },
    ]);
    const before = Date.now();
    const first = await validate({ key, json: { site_url: "https://www.Shop.Example.com/" } });
    const after = Date.now();
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe(JSON_CONTENT_TYPE);
    const lastCheck = expectIsoWithin((first.body.license as Record<string, unknown>).last_check, before, after);
    const activatedAt = expectIsoWithin((first.body.site as Record<string, unknown>).activated_at, before, after);
    expect(first.body).toEqual({
      valid: true,
      license: {
        key,
        status: "active",
        activated_at: (license.activated_at as Date).toISOString(),
        expires_at: null,
        domain: "example.com",
        last_check: lastCheck,
        is_lifetime: true,
        is_founders_deal: true,
      },
      plan: {
        name: "founders",
        display_name: "Founders Deal - Lifetime",
        features: FOUNDERS_FEATURES,
        monthly_requests: 2000,
        max_sites: 5,
        price: 29,
        currency: "EUR",
        is_lifetime: true,
      },
      customer: { email: customer.email, name: "Alice", company: null },
      founders_deal: {
        badge: "founders_member",
        total_sold: 41,
        remaining_licenses: 459,
        is_limited_offer: true,
        thank_you_message: THANK_YOU,
      },
      features: FOUNDERS_FEATURES,
      usage: { requests_used: 150, requests_limit: 2000, tokens_used: 12000 },
      domain: "example.com",
      expires_at: null,
      site: {
        site_url: "shop.example.com",
        is_development: false,
        activated_at: activatedAt,
        newly_activated: true,
        active_sites: 1,
        max_sites: 5,
        sites_remaining: 4,
      },
    });
    expectIsoWithin((await storedLicense(p, license._id)).last_check?.toISOString(), before, after);

    const second = await validate({ key, site: "shop.example.com" });
    expect(second.body.site).toEqual({
      site_url: "shop.example.com",
      is_development: false,
      activated_at: activatedAt,
      newly_activated: false,
      active_sites: 1,
      max_sites: 5,
      sites_remaining: 4,
    });
    expect(Date.parse((second.body.license as Record<string, unknown>).last_check as string)).toBeGreaterThanOrEqual(after);
  });

  it("a pro license without a site: no founders_deal and no site key", async () => {
    const customer = await newCustomer(p, { name: null, company: "ACME" });
    const expiresAt = new Date(Date.now() + 30 * 86_400_000);
    const { key, license } = await newLicense(p, "pro", { customer, expiresAt });
    const before = Date.now();
    const response = await validate({ key });
    const lastCheck = expectIsoWithin((response.body.license as Record<string, unknown>).last_check, before, Date.now());
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      valid: true,
      license: {
        key,
        status: "active",
        activated_at: (license.activated_at as Date).toISOString(),
        expires_at: expiresAt.toISOString(),
        domain: null,
        last_check: lastCheck,
        is_lifetime: false,
        is_founders_deal: false,
      },
      plan: {
        name: "pro",
        display_name: "Pro - AI Inclusa",
        features: PRO_FEATURES,
        monthly_requests: 1000,
        max_sites: 3,
        price: 7.99,
        currency: "EUR",
        is_lifetime: false,
      },
      customer: { email: customer.email, name: null, company: "ACME" },
      features: PRO_FEATURES,
      usage: { requests_used: 0, requests_limit: 1000, tokens_used: 0 },
      domain: null,
      expires_at: expiresAt.toISOString(),
    });
  });

  it("an agency site shows max_sites -1 and sites_remaining null", async () => {
    const { key } = await newLicense(p, "agency");
    expect((await validate({ key, site: "agency.example.com" })).body.site).toMatchObject({
      active_sites: 1,
      max_sites: -1,
      sites_remaining: null,
    });
  });

  it("X-Site-URL wins over the body's site_url", async () => {
    const { key, license } = await newLicense(p, "pro");
    const response = await validate({ key, site: "header.example.com", json: { site_url: "body.example.com" } });
    expect(response.body.site).toMatchObject({ site_url: "header.example.com", newly_activated: true });
    const sites = await p.services.models.Activation.find({ license_id: license._id }).lean().exec();
    expect(sites.map((site) => site.site)).toEqual(["header.example.com"]);
  });

  it.each([
    ["text/plain garbage", { raw: "site_url=x.example.com&garbage", contentType: "text/plain" }],
    ["invalid JSON", { raw: '{"site_url": "x.example.com"', contentType: "application/json" }],
    ["a JSON array", { json: [{ site_url: "x.example.com" }] }],
    ["a JSON string", { json: "x.example.com" }],
    ["JSON null", { raw: "null", contentType: "application/json" }],
    ["non-UTF-8 bytes", { raw: new Uint8Array([0xff, 0xfe, 0x7b]), contentType: "application/json" }],
  ])("a body that is not a JSON object (%s) is ignored: 200 without site", async (_label, options: RequestOptions) => {
    const { key, license } = await newLicense(p, "pro");
    const response = await validate({ key, ...options });
    expect(response.status).toBe(200);
    expect(response.body.valid).toBe(true);
    expect(response.body).not.toHaveProperty("site");
    expect(await activationCounts(p, license._id)).toEqual({ all: 0, seated: 0 });
  });

  it.each([
    ["text/plain", "text/plain"],
    ["none", undefined],
  ])("a JSON-object body names the site whatever the Content-Type (%s) (§1.2)", async (_label, contentType) => {
    const { key } = await newLicense(p, "pro");
    const response = await validate({ key, raw: JSON.stringify({ site_url: "plain.example.com" }), contentType });
    expect(response.status).toBe(200);
    expect(response.body.site).toMatchObject({ site_url: "plain.example.com", newly_activated: true });
  });

  it("a v2.1-shaped imported key validates, but not its lower-cased form", async () => {
    const key = await importLicense(p, "CHA-TEST-1234-5678-ABCD");
    const response = await validate({ key });
    expect(response.status).toBe(200);
    expect(response.body.license).toMatchObject({
      key,
      status: "active",
      activated_at: "2025-08-10T12:00:00.123Z",
      domain: "legacy.example.com",
    });
    expect((await validate({ key: key.toLowerCase() })).status).toBe(404);
  });
});
