import { AdminRole } from "../../../src/modules/admins/admin.model";
import { LicenseStatus } from "../../../src/modules/licenses/license.model";
import { bearer, licenseKeyHeader, startTestPlatform, type TestPlatform } from "../../support/platform";
import { activityOf, adminIdOf, dataOf, expectFieldError, expectUnauthenticated } from "../../support/graphql-assertions";
import { unique } from "../../support/fixtures";

/** License state changes (suspend, reactivate, cancel, plan, expiry, key rotation, reveal), each audited. */

const FIELDS = `id status statusReason expiresAt keyLast4 plan { name }`;
interface LicenseView {
  id: string;
  status: string;
  statusReason: string | null;
  expiresAt: string | null;
  keyLast4: string;
  plan: { name: string };
}

let platform: TestPlatform;
let admin: Record<string, string>;
let support: Record<string, string>;
let adminActor: string;
let supportActor: string;

beforeAll(async () => {
  platform = await startTestPlatform();
  admin = bearer(await platform.token(AdminRole.admin));
  support = bearer(await platform.token(AdminRole.support));
  adminActor = `admin:${await adminIdOf(platform, admin)}`;
  supportActor = `admin:${await adminIdOf(platform, support)}`;
});

afterAll(async () => {
  await platform.stop();
});

async function newLicense(plan = "pro"): Promise<{ id: string; key: string }> {
  const customer = dataOf(
    await platform.graphql<{ createCustomer: { id: string } }>(
      `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }`,
      { input: { email: `${unique("life")}@example.com` } },
      admin,
    ),
  ).createCustomer;
  const issued = dataOf(
    await platform.graphql<{ issueLicense: { key: string; license: { id: string } } }>(
      `mutation($input: IssueLicenseInput!) { issueLicense(input: $input) { key license { id } } }`,
      { input: { customerId: customer.id, plan } },
      admin,
    ),
  ).issueLicense;
  return { id: issued.license.id, key: issued.key };
}

type Call = [mutation: string, args: string, variables: Record<string, unknown>];

async function mutate(headers: Record<string, string>, [field, args, variables]: Call) {
  const declarations = Object.keys(variables).map(
    (name) => `$${name}: ${name === "at" ? "DateTimeISO" : name === "id" ? "ID!" : "String!"}`,
  );
  return platform.graphql<Record<string, LicenseView>>(
    `mutation(${declarations.join(", ")}) { ${field}(${args}) { ${FIELDS} } }`,
    variables,
    headers,
  );
}

const suspend = (id: string, reason = "chargeback"): Call => ["suspendLicense", "id: $id, reason: $reason", { id, reason }];
const reactivate = (id: string): Call => ["reactivateLicense", "id: $id", { id }];
const cancel = (id: string): Call => ["cancelLicense", "id: $id", { id }];
const changePlan = (id: string, plan: string): Call => ["changeLicensePlan", "id: $id, plan: $plan", { id, plan }];
const extend = (id: string, at: string | null): Call => ["extendLicense", "id: $id, expiresAt: $at", { id, at }];

describe("suspend, reactivate, cancel", () => {
  test("support suspends with a reason and reactivates; both are audited with the support actor", async () => {
    const license = await newLicense();

    const suspended = dataOf(await mutate(support, suspend(license.id, "chargeback opened"))).suspendLicense;
    expect(suspended).toEqual(expect.objectContaining({ status: "suspended", statusReason: "chargeback opened" }));
    const reactivated = dataOf(await mutate(support, reactivate(license.id))).reactivateLicense;
    expect(reactivated).toEqual(expect.objectContaining({ status: "active", statusReason: null }));

    const log = await activityOf(platform, admin, { licenseId: license.id });
    expect(log.map((entry) => [entry.action, entry.actor])).toEqual([
      ["license.reactivated", supportActor],
      ["license.suspended", supportActor],
      ["license.issued", adminActor],
    ]);
    expect(log[1].details).toEqual(expect.objectContaining({ from: "active", status: "suspended", status_reason: "chargeback opened" }));
  });

  test("a cancelled license cannot be reactivated, suspended or cancelled again (BAD_USER_INPUT) and stays cancelled", async () => {
    const license = await newLicense();
    expect(dataOf(await mutate(admin, cancel(license.id))).cancelLicense.status).toBe("cancelled");

    expectFieldError(
      await mutate(support, reactivate(license.id)),
      "reactivateLicense",
      "BAD_USER_INPUT",
      /cancelled license cannot be reactivated/,
    );
    expectFieldError(
      await mutate(support, suspend(license.id)),
      "suspendLicense",
      "BAD_USER_INPUT",
      /cancelled license cannot be suspended/,
    );
    expectFieldError(await mutate(admin, cancel(license.id)), "cancelLicense", "BAD_USER_INPUT", /already cancelled/);

    const stored = await platform.services.models.License.findById(license.id).lean().exec();
    expect(stored?.status).toBe("cancelled");
    const log = await activityOf(platform, admin, { licenseId: license.id });
    expect(log.map((entry) => [entry.action, entry.actor])).toEqual([
      ["license.cancelled", adminActor],
      ["license.issued", adminActor],
    ]);
  });

  test.each([
    { what: "an unknown id", id: "0123456789abcdef01234567", code: "NOT_FOUND" },
    { what: "a malformed id", id: "xyz", code: "BAD_USER_INPUT" },
  ])("suspending $what is $code", async ({ id, code }) => {
    expectFieldError(await mutate(support, suspend(id)), "suspendLicense", code);
  });
});

describe("changeLicensePlan", () => {
  test("moves the license to another plan, audited with from/to", async () => {
    const license = await newLicense("pro");
    expect(dataOf(await mutate(admin, changePlan(license.id, "agency"))).changeLicensePlan.plan).toEqual({ name: "agency" });
    const [entry] = await activityOf(platform, admin, { licenseId: license.id });
    expect(entry).toEqual({ action: "license.plan_changed", actor: adminActor, details: { from: "pro", to: "agency" } });
  });

  test("the same plan is BAD_USER_INPUT; an unknown plan NOT_FOUND; the plan is unchanged", async () => {
    const license = await newLicense("pro");
    expectFieldError(await mutate(admin, changePlan(license.id, "pro")), "changeLicensePlan", "BAD_USER_INPUT", /already on plan "pro"/);
    expectFieldError(await mutate(admin, changePlan(license.id, "platinum")), "changeLicensePlan", "NOT_FOUND");
    const view = dataOf(
      await platform.graphql<{ license: LicenseView }>(`query($id: ID!) { license(id: $id) { ${FIELDS} } }`, { id: license.id }, admin),
    ).license;
    expect(view.plan.name).toBe("pro");
  });
});

describe("extendLicense", () => {
  test("a date in the past is BAD_USER_INPUT", async () => {
    const license = await newLicense();
    expectFieldError(
      await mutate(admin, extend(license.id, "2001-01-01T00:00:00.000Z")),
      "extendLicense",
      "BAD_USER_INPUT",
      /expiresAt must be in the future/,
    );
  });

  test("an expired license becomes active again when extended; null means no expiry", async () => {
    const license = await newLicense();
    await platform.services.models.License.updateOne(
      { _id: license.id },
      { $set: { expires_at: new Date(Date.UTC(2020, 0, 1)), status: LicenseStatus.expired } },
    ).exec();
    const at = new Date(Date.UTC(2099, 5, 30)).toISOString();

    const extended = dataOf(await mutate(admin, extend(license.id, at))).extendLicense;
    expect(extended).toEqual(expect.objectContaining({ status: "active", expiresAt: at }));
    expect(dataOf(await mutate(admin, extend(license.id, null))).extendLicense.expiresAt).toBeNull();

    const log = await activityOf(platform, admin, { licenseId: license.id });
    expect(log.slice(0, 2).map((entry) => [entry.action, entry.actor])).toEqual([
      ["license.extended", adminActor],
      ["license.extended", adminActor],
    ]);
    expect(log[1].details).toEqual(expect.objectContaining({ from: "expired", status: "active" }));
  });

  test("reactivating an expired license without extending it is BAD_USER_INPUT", async () => {
    const license = await newLicense();
    await platform.services.models.License.updateOne(
      { _id: license.id },
      { $set: { expires_at: new Date(Date.UTC(2020, 0, 1)), status: LicenseStatus.suspended } },
    ).exec();
    expectFieldError(await mutate(support, reactivate(license.id)), "reactivateLicense", "BAD_USER_INPUT", /expired: extend it first/);
  });
});

describe("rotateLicenseKey and revealLicenseKey", () => {
  const ROTATE = `mutation($id: ID!) { rotateLicenseKey(id: $id) { key license { id keyLast4 } } }`;
  const REVEAL = `mutation($id: ID!) { revealLicenseKey(id: $id) }`;
  const WHO = `{ viewer { kind license { id } } }`;

  test("the old key stops working at once (401); the new one works; audited without the key", async () => {
    const license = await newLicense();
    expect(dataOf(await platform.graphql(WHO, {}, licenseKeyHeader(license.key)))).toEqual({
      viewer: { kind: "license", license: { id: license.id } },
    });

    const rotated = dataOf(
      await platform.graphql<{ rotateLicenseKey: { key: string; license: { id: string; keyLast4: string } } }>(
        ROTATE,
        { id: license.id },
        admin,
      ),
    ).rotateLicenseKey;

    expect(rotated.key).toMatch(/^CHA-[0-9A-F]{8}(-[0-9A-F]{8}){3}$/);
    expect(rotated.key).not.toBe(license.key);
    expect(rotated.license).toEqual({ id: license.id, keyLast4: rotated.key.slice(-4) });
    expectUnauthenticated(await platform.graphql(WHO, {}, licenseKeyHeader(license.key)));
    expect(dataOf(await platform.graphql(WHO, {}, licenseKeyHeader(rotated.key)))).toEqual({
      viewer: { kind: "license", license: { id: license.id } },
    });
    expectFieldError(
      await platform.graphql(`query($key: String!) { licenseByKey(key: $key) { id } }`, { key: license.key }, admin),
      "licenseByKey",
      "NOT_FOUND",
    );

    const [entry] = await activityOf(platform, admin, { licenseId: license.id });
    expect(entry).toEqual({ action: "license.key_rotated", actor: adminActor, details: { previousLast4: license.key.slice(-4) } });
    expect(JSON.stringify(entry)).not.toContain(rotated.key);
  });

  test("support reveals the issued key; the reveal is logged as license.key_revealed by admin:<id>", async () => {
    const license = await newLicense();

    const revealed = dataOf(await platform.graphql<{ revealLicenseKey: string }>(REVEAL, { id: license.id }, support)).revealLicenseKey;

    expect(revealed).toBe(license.key);
    const stored = await platform.services.models.ActivityLog.find({ license_id: license.id, action: "license.key_revealed" })
      .lean()
      .exec();
    expect(stored.map((entry) => entry.actor)).toEqual([supportActor]);
    expect(JSON.stringify(stored)).not.toContain(license.key);
  });

  test("the reveal's audit entry reads back through the activity query, details included ({})", async () => {
    const license = await newLicense();
    dataOf(await platform.graphql(REVEAL, { id: license.id }, support));

    const response = await platform.graphql<{ activity: { edges: Array<{ node: { action: string; actor: string; details: unknown } }> } }>(
      `query($id: ID!) { activity(filter: { licenseId: $id, action: "license.key_revealed" }) { edges { node { action actor details } } } }`,
      { id: license.id },
      admin,
    );

    expect(dataOf(response).activity.edges.map((edge) => edge.node)).toEqual([
      { action: "license.key_revealed", actor: supportActor, details: {} },
    ]);
  });

  test("after a rotation, reveal returns the new key", async () => {
    const license = await newLicense();
    const rotated = dataOf(
      await platform.graphql<{ rotateLicenseKey: { key: string } }>(ROTATE, { id: license.id }, admin),
    ).rotateLicenseKey;
    expect(dataOf(await platform.graphql<{ revealLicenseKey: string }>(REVEAL, { id: license.id }, admin)).revealLicenseKey).toBe(
      rotated.key,
    );
  });
});

describe("every license mutation is audited with its actor", () => {
  test("one license through all of them gives one entry each, newest first", async () => {
    const license = await newLicense("pro");
    await mutate(support, suspend(license.id));
    await mutate(support, reactivate(license.id));
    await mutate(admin, changePlan(license.id, "agency"));
    await mutate(admin, extend(license.id, "2099-01-01T00:00:00.000Z"));
    await platform.graphql(`mutation($id: ID!) { rotateLicenseKey(id: $id) { key } }`, { id: license.id }, admin);
    await platform.graphql(`mutation($id: ID!) { revealLicenseKey(id: $id) }`, { id: license.id }, support);
    await mutate(admin, cancel(license.id));

    // Only action and actor: reading details back is covered on its own (see the reveal tests).
    const log = await activityOf(platform, admin, { licenseId: license.id }, { details: false });

    expect(log.map((entry) => [entry.action, entry.actor])).toEqual([
      ["license.cancelled", adminActor],
      ["license.key_revealed", supportActor],
      ["license.key_rotated", adminActor],
      ["license.extended", adminActor],
      ["license.plan_changed", adminActor],
      ["license.reactivated", supportActor],
      ["license.suspended", supportActor],
      ["license.issued", adminActor],
    ]);
  });
});
