import { LicenseStatus } from "../../src/modules/licenses/license.model";
import { startTestPlatform, type TestPlatform } from "../support/platform";
import { http } from "../support/http";
import { newLicense } from "../support/fixtures";

// Contract §2.3: changes made elsewhere take effect within 5 seconds. Each instance may reuse what a license check
// read for LICENSE_CACHE_TTL_MS (at most 5000); here 400 ms, so the bound is observable in a test.
const TTL_MS = 400;
let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ env: { LICENSE_CACHE_TTL_MS: String(TTL_MS), THROTTLE: "off" } });
});
afterAll(async () => platform.stop());

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test("a suspension made directly in the database reaches the license check once the cache entry expires", async () => {
  const { key, license } = await newLicense(platform, "pro");
  expect((await http(platform.baseUrl, "POST", "/api/validate", { key })).status).toBe(200);
  await platform.services.models.License.updateOne({ _id: license._id }, { $set: { status: LicenseStatus.suspended } });
  await pause(TTL_MS + 100);
  const refused = await http(platform.baseUrl, "POST", "/api/validate", { key });
  expect(refused.status).toBe(400);
  expect(refused.body).toEqual({ valid: false, error: "License is suspended", code: "LICENSE_SUSPENDED" });
});

test("a customer suspension and a plan change also reach it after the TTL", async () => {
  const { key, customer } = await newLicense(platform, "pro");
  expect((await http(platform.baseUrl, "POST", "/api/validate", { key })).body).toMatchObject({ plan: { monthly_requests: 1000 } });
  await platform.services.models.Plan.updateOne({ name: "pro" }, { $set: { monthly_requests: 1234 } });
  await pause(TTL_MS + 100);
  expect((await http(platform.baseUrl, "POST", "/api/validate", { key })).body).toMatchObject({ plan: { monthly_requests: 1234 } });
  await platform.services.models.Customer.updateOne({ _id: customer._id }, { $set: { status: "suspended" } });
  await pause(TTL_MS + 100);
  expect((await http(platform.baseUrl, "POST", "/api/validate", { key })).body).toMatchObject({ code: "LICENSE_SUSPENDED" });
});

test("last_check is still written (at most once a minute) while the license comes from the cache", async () => {
  const { key, license } = await newLicense(platform, "pro");
  await http(platform.baseUrl, "POST", "/api/validate", { key });
  const first = (await platform.services.models.License.findById(license._id).lean())?.last_check;
  expect(first).toBeInstanceOf(Date);
  await http(platform.baseUrl, "POST", "/api/validate", { key });
  expect((await platform.services.models.License.findById(license._id).lean())?.last_check).toEqual(first);
});
