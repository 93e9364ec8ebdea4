import { SYSTEM_ACTOR } from "../../../src/modules/activity/activity.service";
import { AdminRole } from "../../../src/modules/admins/admin.model";
import { LicenseStatus } from "../../../src/modules/licenses/license.model";
import { bearer, licenseKeyHeader, startTestPlatform, type TestPlatform } from "../../support/platform";

// validateLicense is the same license check and site activation as POST /api/validate, for license holders.
let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => platform.stop());

async function issue(plan: string): Promise<{ id: string; key: string }> {
  const customer = await platform.services.customers.create(
    { email: `${plan}-${Math.random().toString(36).slice(2)}@example.com` },
    SYSTEM_ACTOR,
  );
  const { key, license } = await platform.services.licenses.issue({ customerId: customer._id, plan }, SYSTEM_ACTOR);
  return { id: license._id.toHexString(), key };
}

const VALIDATE = `query($site: String) { validateLicense(siteUrl: $site) { valid code detail site { site isDevelopment newlyActivated activeSites maxSites sitesRemaining } } }`;

test("an active license is valid; naming a site activates it once, and seats run out at the plan's max_sites", async () => {
  const { key } = await issue("starter");
  const plain = await platform.graphql(VALIDATE, {}, licenseKeyHeader(key));
  expect(plain.data).toEqual({ validateLicense: { valid: true, code: null, detail: null, site: null } });

  const first = await platform.graphql(VALIDATE, { site: "https://www.Shop.example/" }, licenseKeyHeader(key));
  expect(first.data).toEqual({
    validateLicense: {
      valid: true,
      code: null,
      detail: null,
      site: { site: "shop.example", isDevelopment: false, newlyActivated: true, activeSites: 1, maxSites: 1, sitesRemaining: 0 },
    },
  });
  const again = await platform.graphql(VALIDATE, { site: "shop.example" }, licenseKeyHeader(key));
  expect(again.data).toMatchObject({ validateLicense: { valid: true, site: { newlyActivated: false, activeSites: 1 } } });

  const dev = await platform.graphql(VALIDATE, { site: "localhost:8080" }, licenseKeyHeader(key));
  expect(dev.data).toMatchObject({ validateLicense: { valid: true, site: { isDevelopment: true, activeSites: 1 } } });
  const full = await platform.graphql(VALIDATE, { site: "second.example" }, licenseKeyHeader(key));
  expect(full.data).toEqual({ validateLicense: { valid: false, code: "TOO_MANY_SITES", detail: "Site limit reached", site: null } });
  const invalid = await platform.graphql(VALIDATE, { site: "http://" }, licenseKeyHeader(key));
  expect(invalid.data).toEqual({ validateLicense: { valid: false, code: "INVALID_INPUT", detail: "Invalid site_url", site: null } });
});

test("a key that fails the check makes no license holder: 401 UNAUTHENTICATED naming the failed check", async () => {
  const suspended = await issue("pro");
  await platform.services.models.License.updateOne({ _id: suspended.id }, { $set: { status: LicenseStatus.suspended } });
  const refused = await platform.graphql(VALIDATE, {}, licenseKeyHeader(suspended.key));
  expect({
    status: refused.status,
    data: refused.data ?? null,
    errors: refused.errors?.map((error) => ({ message: error.message, ...error.extensions })),
  }).toEqual({
    status: 401,
    data: null,
    errors: [{ message: "Invalid or inactive license", code: "UNAUTHENTICATED", reason: "LICENSE_SUSPENDED" }],
  });

  const lapsed = await issue("pro");
  await platform.services.models.License.updateOne({ _id: lapsed.id }, { $set: { expires_at: new Date(Date.now() - 60_000) } });
  const expired = await platform.graphql(VALIDATE, {}, licenseKeyHeader(lapsed.key));
  expect(expired.errors?.map((error) => ({ message: error.message, ...error.extensions }))).toEqual([
    { message: "License expired", code: "UNAUTHENTICATED", reason: "LICENSE_EXPIRED" },
  ]);
  expect((await platform.services.models.License.findById(lapsed.id).lean())?.status).toBe(LicenseStatus.expired);
});

test("an admin lists a license's activations and removes one, freeing its seat", async () => {
  const { id, key } = await issue("starter");
  await platform.graphql(VALIDATE, { site: "first.example" }, licenseKeyHeader(key));
  const admin = bearer(await platform.token(AdminRole.admin));
  const listed = await platform.graphql<{ license: { activeSites: number; activations: Array<{ site: string }> } }>(
    `query($id: ID!) { license(id: $id) { activeSites activations { site } } }`,
    { id },
    admin,
  );
  expect(listed.data?.license).toEqual({ activeSites: 1, activations: [{ site: "first.example" }] });

  const removed = await platform.graphql(
    `mutation($id: ID!) { removeActivation(licenseId: $id, site: "https://first.example/") }`,
    { id },
    admin,
  );
  expect(removed.data).toEqual({ removeActivation: true });
  const again = await platform.graphql(`mutation($id: ID!) { removeActivation(licenseId: $id, site: "first.example") }`, { id }, admin);
  expect(again.data).toEqual({ removeActivation: false });
  expect((await platform.graphql(VALIDATE, { site: "second.example" }, licenseKeyHeader(key))).data).toMatchObject({
    validateLicense: { valid: true },
  });
});
