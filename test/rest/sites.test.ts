import { LicenseStatus } from "../../src/modules/licenses/license.model";
import { startTestPlatform, type TestPlatform } from "../support/platform";
import { activationCounts, newLicense, setLicense, storedLicense } from "../support/fixtures";
import { expectIsoWithin, http, JSON_CONTENT_TYPE, type HttpResult, type RequestOptions } from "../support/http";

// POST /api/activate, POST /api/deactivate, GET /api/sites: plugin contract §6.9-6.11, §5, §2.4.
let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform();
});
afterAll(async () => {
  await p.stop();
});

const activate = (options: RequestOptions): Promise<HttpResult> => http(p.baseUrl, "POST", "/api/activate", options);
const deactivate = (options: RequestOptions): Promise<HttpResult> => http(p.baseUrl, "POST", "/api/deactivate", options);
const sites = (key: string): Promise<HttpResult> => http(p.baseUrl, "GET", "/api/sites", { key });
const past = (): Date => new Date(Date.now() - 60_000);

describe("POST /api/activate", () => {
  it("activates with the normalised site_url; a repeat is already_active with the original activated_at", async () => {
    const { key, license } = await newLicense(p, "pro");
    const before = Date.now();
    const first = await activate({ key, json: { site_url: " https://www.Example.com/shop/?utm=1#top " } });
    const after = Date.now();
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe(JSON_CONTENT_TYPE);
    const activatedAt = expectIsoWithin(first.body.activated_at, before, after);
    expect(first.body).toEqual({
      success: true,
      site_url: "example.com/shop",
      activated_at: activatedAt,
      is_development: false,
      already_active: false,
      active_sites: 1,
      max_sites: 3,
      sites_remaining: 2,
    });
    const seenBefore = (await p.services.models.Activation.findOne({ license_id: license._id }).lean().exec())?.last_seen_at;

    const again = await activate({ key, json: { site_url: "HTTP://EXAMPLE.COM/shop" } });
    expect(again.body).toEqual({
      success: true,
      site_url: "example.com/shop",
      activated_at: activatedAt,
      is_development: false,
      already_active: true,
      active_sites: 1,
      max_sites: 3,
      sites_remaining: 2,
    });
    const stored = await p.services.models.Activation.find({ license_id: license._id }).lean().exec();
    expect(stored).toHaveLength(1);
    expect(stored[0].activated_at.toISOString()).toBe(activatedAt);
    expect(stored[0].last_seen_at.getTime()).toBeGreaterThanOrEqual(seenBefore?.getTime() ?? Infinity);
    expect((await storedLicense(p, license._id)).active_sites).toBe(1);
  });

  it("development sites use no seat, even when every seat is taken", async () => {
    const { key, license } = await newLicense(p, "starter");
    expect((await activate({ key, json: { site_url: "real.example.com" } })).body).toMatchObject({ active_sites: 1, sites_remaining: 0 });
    for (const [site, normalised] of [
      ["http://localhost:8080/", "localhost:8080"],
      ["https://staging.example.com", "staging.example.com"],
      ["shop.test", "shop.test"],
      ["http://[::1]:3000", "[::1]:3000"],
      ["dev.example.com", "dev.example.com"],
    ]) {
      const response = await activate({ key, json: { site_url: site } });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        site_url: normalised,
        is_development: true,
        already_active: false,
        active_sites: 1,
        max_sites: 1,
        sites_remaining: 0,
      });
    }
    expect(await activationCounts(p, license._id)).toEqual({ all: 6, seated: 1 });
  });

  it("unlimited plans (agency) show max_sites -1 and sites_remaining null", async () => {
    const { key } = await newLicense(p, "agency");
    for (let i = 1; i <= 6; i += 1) {
      const response = await activate({ key, json: { site_url: `site${i}.example.com` } });
      expect(response.body).toMatchObject({ success: true, active_sites: i, max_sites: -1, sites_remaining: null });
    }
    expect((await sites(key)).body).toMatchObject({ active_sites: 6, development_sites: 0, max_sites: -1, sites_remaining: null });
  });

  it("no free seat → 403 with the counts, and nothing is stored", async () => {
    const { key, license } = await newLicense(p, "starter");
    await activate({ key, json: { site_url: "one.example.com" } });
    const refused = await activate({ key, json: { site_url: "two.example.com" } });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ error: "Site limit reached", code: "TOO_MANY_SITES", max_sites: 1, active_sites: 1 });
    expect(await activationCounts(p, license._id)).toEqual({ all: 1, seated: 1 });
    expect((await storedLicense(p, license._id)).active_sites).toBe(1);
  });

  it("the body's site_url, else X-Site-URL; site_url required when neither is given", async () => {
    const { key } = await newLicense(p, "agency");
    expect((await activate({ key, site: "header.example.com" })).body).toMatchObject({ site_url: "header.example.com" });
    expect((await activate({ key, site: "header2.example.com", json: {} })).body).toMatchObject({ site_url: "header2.example.com" });
    expect((await activate({ key, site: "header3.example.com", json: null })).body).toMatchObject({ site_url: "header3.example.com" });
    expect((await activate({ key, site: "ignored.example.com", json: { site_url: "body.example.com" } })).body).toMatchObject({
      site_url: "body.example.com",
    });
    for (const options of [
      { key },
      { key, json: {} },
      { key, json: null },
      { key, json: { site_url: null } },
      { key, json: { other: "x.example.com" } },
    ]) {
      const response = await activate(options);
      expect({ options, status: response.status, body: response.body }).toEqual({
        options,
        status: 400,
        body: { error: "site_url required", code: "INVALID_INPUT" },
      });
    }
  });

  it("accepts application/json with a charset and application/*+json", async () => {
    const { key } = await newLicense(p, "pro");
    for (const contentType of ["application/json; charset=utf-8", "application/vnd.api+json", "Application/JSON"]) {
      const response = await activate({ key, raw: JSON.stringify({ site_url: "types.example.com" }), contentType });
      expect({ contentType, status: response.status }).toEqual({ contentType, status: 200 });
    }
  });

  it.each([
    ["invalid JSON", { raw: '{"site_url": ', contentType: "application/json" }],
    ["a JSON array", { raw: '[{"site_url":"a.example.com"}]', contentType: "application/json" }],
    ["a JSON number", { raw: "42", contentType: "application/json" }],
    ["a JSON string", { raw: '"a.example.com"', contentType: "application/json" }],
    [
      "non-UTF-8 bytes",
      { raw: new Uint8Array([0x7b, 0x22, 0x73, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), contentType: "application/json" },
    ],
    ["a text/plain body", { raw: '{"site_url":"a.example.com"}', contentType: "text/plain" }],
    ["a form body", { raw: "site_url=a.example.com", contentType: "application/x-www-form-urlencoded" }],
    ["bytes without a Content-Type", { raw: new TextEncoder().encode('{"site_url":"a.example.com"}') }],
  ])("%s → 400 Invalid JSON body, on activate and deactivate", async (_label, options: RequestOptions) => {
    const { key, license } = await newLicense(p, "pro");
    for (const call of [activate, deactivate]) {
      const response = await call({ key, site: "header.example.com", ...options });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: "Invalid JSON body", code: "INVALID_INPUT" });
    }
    expect(await activationCounts(p, license._id)).toEqual({ all: 0, seated: 0 });
  });

  it.each<[string, unknown]>([
    ["no host", "https://"],
    ["http without //", "http:/example.com"],
    ["a control character", "exa\nmple.com"],
    ["a number", 42],
    ["a boolean", true],
    ["an operator object", { $ne: null }],
    ["an array", ["a.example.com"]],
    ["over 2048 characters", `${"x".repeat(2049)}.com`],
  ])("invalid site_url (%s) → 400 Invalid site_url, on activate and deactivate", async (_label, site) => {
    const { key, license } = await newLicense(p, "pro");
    await activate({ key, json: { site_url: "keep.example.com" } });
    for (const call of [activate, deactivate]) {
      const response = await call({ key, json: { site_url: site } });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: "Invalid site_url", code: "INVALID_INPUT" });
    }
    expect(await activationCounts(p, license._id)).toEqual({ all: 1, seated: 1 });
  });
});

describe("POST /api/deactivate", () => {
  it("frees the seat (deactivated true), then is idempotent (deactivated false)", async () => {
    const { key, license } = await newLicense(p, "pro");
    await activate({ key, json: { site_url: "a.example.com" } });
    await activate({ key, json: { site_url: "b.example.com" } });
    const first = await deactivate({ key, json: { site_url: "https://www.A.example.com/" } });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      success: true,
      site_url: "a.example.com",
      deactivated: true,
      is_development: false,
      active_sites: 1,
      max_sites: 3,
      sites_remaining: 2,
    });
    const second = await deactivate({ key, site: "a.example.com" });
    expect(second.status).toBe(200);
    expect(second.body).toEqual({
      success: true,
      site_url: "a.example.com",
      deactivated: false,
      is_development: false,
      active_sites: 1,
      max_sites: 3,
      sites_remaining: 2,
    });
    expect(await activationCounts(p, license._id)).toEqual({ all: 1, seated: 1 });
    expect((await storedLicense(p, license._id)).active_sites).toBe(1);
  });

  it("a development site: is_development true, no seat freed; site_url required without a site", async () => {
    const { key, license } = await newLicense(p, "pro");
    await activate({ key, json: { site_url: "a.example.com" } });
    await activate({ key, json: { site_url: "localhost:8080" } });
    expect((await deactivate({ key, json: { site_url: "http://localhost:8080/" } })).body).toEqual({
      success: true,
      site_url: "localhost:8080",
      deactivated: true,
      is_development: true,
      active_sites: 1,
      max_sites: 3,
      sites_remaining: 2,
    });
    expect((await deactivate({ key, json: { site_url: "never.test" } })).body).toMatchObject({ deactivated: false, is_development: true });
    expect(await deactivate({ key, json: {} })).toMatchObject({ status: 400, body: { error: "site_url required", code: "INVALID_INPUT" } });
    expect((await storedLicense(p, license._id)).active_sites).toBe(1);
  });
});

describe("GET /api/sites", () => {
  it("lists every activation oldest first, with the counts", async () => {
    const { key, license } = await newLicense(p, "pro");
    for (const site of ["first.example.com", "staging.example.com", "third.example.com"]) await activate({ key, json: { site_url: site } });
    // Reverse the creation order in storage, so the answer must follow activated_at, not insertion order.
    const times: Record<string, string> = {
      "third.example.com": "2025-08-10T12:00:00.000Z",
      "staging.example.com": "2025-08-11T08:00:00.000Z",
      "first.example.com": "2025-08-12T09:30:00.500Z",
    };
    for (const [site, at] of Object.entries(times))
      await p.services.models.Activation.updateOne(
        { license_id: license._id, site },
        { $set: { activated_at: new Date(at), last_seen_at: new Date(at) } },
      ).exec();
    const response = await sites(key);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      success: true,
      license_key: key,
      sites: ["third.example.com", "staging.example.com", "first.example.com"].map((site) => ({
        site_url: site,
        activated_at: times[site],
        last_seen_at: times[site],
        is_development: site.startsWith("staging"),
      })),
      active_sites: 2,
      development_sites: 1,
      max_sites: 3,
      sites_remaining: 1,
    });
  });

  it("an empty list for a license without activations", async () => {
    const { key } = await newLicense(p, "starter");
    expect((await sites(key)).body).toEqual({
      success: true,
      license_key: key,
      sites: [],
      active_sites: 0,
      development_sites: 0,
      max_sites: 1,
      sites_remaining: 1,
    });
  });
});

describe.each([
  ["POST /api/activate", (options: RequestOptions) => activate({ ...options, json: { site_url: "check.example.com" } })],
  ["POST /api/deactivate", (options: RequestOptions) => deactivate({ ...options, json: { site_url: "check.example.com" } })],
  ["GET /api/sites", (options: RequestOptions) => http(p.baseUrl, "GET", "/api/sites", options)],
])("%s: the license check (§2.4)", (route, call) => {
  const invalid = (code: string): Record<string, string> => ({ error: "Invalid or inactive license", code });

  it("rows 1-2: missing, empty, unknown, lower-cased and over-long keys → 401", async () => {
    const { key } = await newLicense(p, "pro");
    expect(await call({})).toMatchObject({ status: 401, body: { error: "License key required", code: "LICENSE_REQUIRED" } });
    expect(await call({ key: "" })).toMatchObject({ status: 401, body: { error: "License key required", code: "LICENSE_REQUIRED" } });
    for (const candidate of ["CHA-00000000-00000000-00000000-00000000", key.toLowerCase(), "C".repeat(65)]) {
      const response = await call({ key: candidate });
      expect(response.status).toBe(401);
      expect(response.body).toEqual(invalid("LICENSE_NOT_FOUND"));
    }
  });

  it("row 3: a suspended customer → 401 LICENSE_SUSPENDED, before the status and expiry rows", async () => {
    const { key, license, customer } = await newLicense(p, "pro");
    await setLicense(p, license._id, { status: LicenseStatus.expired, expires_at: past() });
    await p.services.models.Customer.updateOne({ _id: customer._id }, { $set: { status: "suspended" } }).exec();
    const response = await call({ key });
    expect(response.status).toBe(401);
    expect(response.body).toEqual(invalid("LICENSE_SUSPENDED"));
  });

  it.each([
    [LicenseStatus.inactive, "LICENSE_INACTIVE"],
    [LicenseStatus.suspended, "LICENSE_SUSPENDED"],
    [LicenseStatus.expired, "LICENSE_EXPIRED"],
    [LicenseStatus.cancelled, "LICENSE_INACTIVE"],
  ])("row 4: status %s → 401 Invalid or inactive license, %s", async (status, code) => {
    const { key, license } = await newLicense(p, "pro");
    await setLicense(p, license._id, { status });
    const response = await call({ key });
    expect(response.status).toBe(401);
    expect(response.body).toEqual(invalid(code));
  });

  it("row 5: expires_at passed → 401 License expired and the status becomes expired; then row 4's body", async () => {
    const { key, license } = await newLicense(p, "pro");
    await setLicense(p, license._id, { expires_at: past() });
    const response = await call({ key });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: "License expired", code: "LICENSE_EXPIRED" });
    expect((await storedLicense(p, license._id)).status).toBe(LicenseStatus.expired);
    expect((await call({ key })).body).toEqual(invalid("LICENSE_EXPIRED"));
    expect(await activationCounts(p, license._id)).toEqual({ all: 0, seated: 0 });
  });

  it("the license check runs before the body is read", async () => {
    const [method, path] = route.split(" ");
    // fetch cannot send a GET body; GET routes ignore bodies anyway (§1.2).
    const response = await http(p.baseUrl, method, path, method === "GET" ? {} : { raw: "{not json", contentType: "application/json" });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: "License key required", code: "LICENSE_REQUIRED" });
  });
});
