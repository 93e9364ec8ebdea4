import { LicenseStatus } from "../../src/modules/licenses/license.model";
import { startTestPlatform, type TestPlatform } from "../support/platform";
import { activationCounts, importLicense, newLicense, newPlan, setLicense, storedLicense } from "../support/fixtures";
import { http, JSON_CONTENT_TYPE, type HttpResult, type RequestOptions } from "../support/http";

// POST /api/validate, the refusals: plugin contract §6.3 rows 1-7 and their order, §2.2 (lookup), §5 (sites).
let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform();
});
afterAll(async () => {
  await p.stop();
});

const validate = (options: RequestOptions = {}): Promise<HttpResult> => http(p.baseUrl, "POST", "/api/validate", options);
const past = (): Date => new Date(Date.now() - 60_000);

describe("row 1: the key is required", () => {
  it.each([
    ["no header", {}],
    ["an empty header", { key: "" }],
    ["the key only in Authorization", { headers: { authorization: "Bearer KEY" } }],
  ])("%s (even with the key in the query string) → 400 without a `valid` key", async (_label, options: RequestOptions) => {
    const { key } = await newLicense(p, "pro");
    const headers = Object.fromEntries(Object.entries(options.headers ?? {}).map(([name, value]) => [name, value.replace("KEY", key)]));
    const response = await http(p.baseUrl, "POST", `/api/validate?license_key=${key}&key=${key}`, { ...options, headers });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe(JSON_CONTENT_TYPE);
    expect(response.body).toEqual({ error: "License key required in X-License-Key header", code: "LICENSE_REQUIRED" });
  });
});

describe("row 2: not found", () => {
  const notFound = { valid: false, error: "License not found", code: "LICENSE_NOT_FOUND" };

  it("unknown key, a lower-cased key (exact, case-sensitive match), a key with a suffix → 404", async () => {
    const { key } = await newLicense(p, "pro");
    for (const candidate of ["CHA-00000000-00000000-00000000-00000000", key.toLowerCase(), `${key}-`, key.slice(0, -1)]) {
      const response = await validate({ key: candidate });
      expect({ candidate, status: response.status, body: response.body }).toEqual({ candidate, status: 404, body: notFound });
    }
    expect((await validate({ key })).status).toBe(200);
  });

  it("a key longer than 64 characters is not found even when a license holds it; 64 characters still work (§2.2)", async () => {
    const long = await importLicense(p, `CHA-${"A".repeat(61)}`);
    expect(long).toHaveLength(65);
    expect(await validate({ key: long })).toMatchObject({ status: 404, body: notFound });
    const edge = await importLicense(p, `CHA-${"B".repeat(60)}`);
    expect(edge).toHaveLength(64);
    expect((await validate({ key: edge })).status).toBe(200);
  });

  it("a license whose plan document was deleted → 404", async () => {
    const plan = await newPlan(p);
    const { key } = await newLicense(p, plan.name);
    expect((await validate({ key })).status).toBe(200);
    await p.services.models.Plan.deleteOne({ _id: plan._id }).exec();
    const response = await validate({ key });
    expect(response.status).toBe(404);
    expect(response.body).toEqual(notFound);
  });

  it("a license whose customer document was deleted → 404, even when the license is also suspended (row 2 first)", async () => {
    const { key, license, customer } = await newLicense(p, "pro");
    await p.services.models.Customer.deleteOne({ _id: customer._id }).exec();
    expect(await validate({ key })).toMatchObject({ status: 404, body: notFound });
    await setLicense(p, license._id, { status: LicenseStatus.suspended });
    expect(await validate({ key })).toMatchObject({ status: 404, body: notFound });
  });
});

describe("rows 3-5: state of the license", () => {
  it("row 3: a suspended customer → 400 License is suspended", async () => {
    const { key, customer } = await newLicense(p, "pro");
    await p.services.models.Customer.updateOne({ _id: customer._id }, { $set: { status: "suspended" } }).exec();
    const response = await validate({ key });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ valid: false, error: "License is suspended", code: "LICENSE_SUSPENDED" });
  });

  it("an inactive (not suspended) customer does not block the license", async () => {
    const { key, customer } = await newLicense(p, "pro");
    await p.services.models.Customer.updateOne({ _id: customer._id }, { $set: { status: "inactive" } }).exec();
    expect((await validate({ key })).status).toBe(200);
  });

  it.each([
    [LicenseStatus.inactive, "LICENSE_INACTIVE"],
    [LicenseStatus.suspended, "LICENSE_SUSPENDED"],
    [LicenseStatus.expired, "LICENSE_EXPIRED"],
    [LicenseStatus.cancelled, "LICENSE_INACTIVE"],
  ])("row 4: status %s → 400 License is <status> with %s", async (status, code) => {
    const { key, license } = await newLicense(p, "pro");
    await setLicense(p, license._id, { status });
    const response = await validate({ key });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ valid: false, error: `License is ${status}`, code });
  });

  it("row 5: expires_at in the past on an active license → 400 License expired, and the stored status becomes expired", async () => {
    const { key, license } = await newLicense(p, "pro");
    await setLicense(p, license._id, { expires_at: past() });
    const response = await validate({ key });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ valid: false, error: "License expired", code: "LICENSE_EXPIRED" });
    expect((await storedLicense(p, license._id)).status).toBe(LicenseStatus.expired);
    expect((await validate({ key })).body).toEqual({ valid: false, error: "License is expired", code: "LICENSE_EXPIRED" });
  });

  it("precedence: suspended customer beats a non-active status and a passed expiry (row 3)", async () => {
    for (const changes of [{ status: LicenseStatus.expired }, { status: LicenseStatus.cancelled }, { expires_at: past() }]) {
      const { key, license, customer } = await newLicense(p, "pro");
      await setLicense(p, license._id, changes);
      await p.services.models.Customer.updateOne({ _id: customer._id }, { $set: { status: "suspended" } }).exec();
      expect(await validate({ key })).toMatchObject({
        status: 400,
        body: { valid: false, error: "License is suspended", code: "LICENSE_SUSPENDED" },
      });
    }
  });

  it("precedence: a non-active status beats a passed expiry (row 4), which is then left alone", async () => {
    const { key, license } = await newLicense(p, "pro");
    await setLicense(p, license._id, { status: LicenseStatus.inactive, expires_at: past() });
    expect((await validate({ key })).body).toEqual({ valid: false, error: "License is inactive", code: "LICENSE_INACTIVE" });
    expect((await storedLicense(p, license._id)).status).toBe(LicenseStatus.inactive);
  });

  it("precedence: a passed expiry beats an invalid site_url (row 5 before row 6), and nothing is activated", async () => {
    const { key, license } = await newLicense(p, "pro");
    await setLicense(p, license._id, { expires_at: past() });
    expect((await validate({ key, site: "https://" })).body).toEqual({ valid: false, error: "License expired", code: "LICENSE_EXPIRED" });
    expect(await activationCounts(p, license._id)).toEqual({ all: 0, seated: 0 });
  });
});

describe("rows 6-7: the site", () => {
  it.each([["https://"], ["http:/example.com"], ["exa\tmple.com"]])("row 6: invalid site_url %j → 400", async (site) => {
    const { key } = await newLicense(p, "pro");
    for (const options of [
      { key, site },
      { key, json: { site_url: site } },
    ]) {
      const response = await validate(options);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ valid: false, error: "Invalid site_url", code: "INVALID_INPUT" });
    }
  });

  it("row 6: a non-string body site_url → 400 Invalid site_url", async () => {
    const { key } = await newLicense(p, "pro");
    expect(await validate({ key, json: { site_url: 42 } })).toMatchObject({
      status: 400,
      body: { valid: false, error: "Invalid site_url", code: "INVALID_INPUT" },
    });
  });

  it("row 7: no free seat → 403 with max_sites/active_sites; active and development sites still pass; row 6 before row 7", async () => {
    const { key, license } = await newLicense(p, "starter");
    expect((await validate({ key, site: "one.example.com" })).status).toBe(200);
    const refused = await validate({ key, site: "two.example.com" });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ valid: false, error: "Site limit reached", code: "TOO_MANY_SITES", max_sites: 1, active_sites: 1 });
    expect((await validate({ key, site: "https://www.one.example.com/" })).body).toMatchObject({
      valid: true,
      site: { newly_activated: false },
    });
    expect((await validate({ key, site: "localhost:8080" })).body).toMatchObject({
      valid: true,
      site: { site_url: "localhost:8080", is_development: true, active_sites: 1, sites_remaining: 0 },
    });
    expect((await validate({ key, site: "https://" })).status).toBe(400);
    expect(await activationCounts(p, license._id)).toEqual({ all: 2, seated: 1 });
  });
});
