import { buildBareSchema } from "../../../src/graphql/schema";
import { AdminRole } from "../../../src/modules/admins/admin.model";
import { bearer, licenseKeyHeader, startTestPlatform, type TestPlatform } from "../../support/platform";
import { activityOf, adminIdOf, dataOf, expectFieldError } from "../../support/graphql-assertions";
import { unique } from "../../support/fixtures";

/** Issuing, looking up and listing licenses. */

const KEY_SHAPE = /^CHA-[0-9A-F]{8}(-[0-9A-F]{8}){3}$/;
const ISSUE = `mutation($input: IssueLicenseInput!) { issueLicense(input: $input) { key license { id keyLast4 status domain expiresAt plan { name } customer { id } } } }`;
const LIST = `query($filter: LicenseFilterInput) { licenses(filter: $filter, first: 100) { totalCount edges { node { id } } } }`;

interface Issued {
  key: string;
  license: {
    id: string;
    keyLast4: string;
    status: string;
    domain: string | null;
    expiresAt: string | null;
    plan: { name: string };
    customer: { id: string };
  };
}

let platform: TestPlatform;
let admin: Record<string, string>;

beforeAll(async () => {
  platform = await startTestPlatform();
  admin = bearer(await platform.token(AdminRole.admin));
});

afterAll(async () => {
  await platform.stop();
});

async function newCustomer(fields: Record<string, string> = {}): Promise<string> {
  const response = await platform.graphql<{ createCustomer: { id: string } }>(
    `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }`,
    { input: { email: `${unique("lic")}@example.com`, ...fields } },
    admin,
  );
  return dataOf(response).createCustomer.id;
}

async function issue(customerId: string, plan = "pro", extra: Record<string, unknown> = {}): Promise<Issued> {
  return dataOf(await platform.graphql<{ issueLicense: Issued }>(ISSUE, { input: { customerId, plan, ...extra } }, admin)).issueLicense;
}

async function listIds(filter: Record<string, unknown>): Promise<string[]> {
  const response = await platform.graphql<{ licenses: { totalCount: number; edges: Array<{ node: { id: string } }> } }>(
    LIST,
    { filter },
    admin,
  );
  const { licenses } = dataOf(response);
  expect(licenses.totalCount).toBe(licenses.edges.length);
  return licenses.edges.map((edge) => edge.node.id).sort();
}

describe("issueLicense", () => {
  test("returns an active license and a CHA- key that authenticates its holder; audited", async () => {
    const customerId = await newCustomer();
    const expiresAt = new Date(Date.UTC(2099, 0, 1)).toISOString();

    const issued = await issue(customerId, "pro", { domain: "shop.example", expiresAt });

    expect(issued.key).toMatch(KEY_SHAPE);
    expect(issued.license).toEqual({
      id: expect.any(String),
      keyLast4: issued.key.slice(-4),
      status: "active",
      domain: "shop.example",
      expiresAt,
      plan: { name: "pro" },
      customer: { id: customerId },
    });
    const viewer = await platform.graphql<{ viewer: { kind: string; license: { id: string } } }>(
      `{ viewer { kind license { id } } }`,
      {},
      licenseKeyHeader(issued.key),
    );
    expect(dataOf(viewer).viewer).toEqual({ kind: "license", license: { id: issued.license.id } });
    expect(await activityOf(platform, admin, { licenseId: issued.license.id })).toEqual([
      { action: "license.issued", actor: `admin:${await adminIdOf(platform, admin)}`, details: { plan: "pro" } },
    ]);
  });

  test("the issued license reads back with its metadata ({} when none was given), in the answer and afterwards", async () => {
    const customerId = await newCustomer();

    const response = await platform.graphql<{ issueLicense: { key: string; license: { id: string; metadata: unknown } } }>(
      `mutation($input: IssueLicenseInput!) { issueLicense(input: $input) { key license { id metadata } } }`,
      { input: { customerId, plan: "pro" } },
      admin,
    );

    // An error here loses the key for good: the license exists, but the only answer that carries its key failed.
    const issued = dataOf(response).issueLicense;
    expect(issued.license.metadata).toEqual({});
    const read = await platform.graphql<{ license: { metadata: unknown } }>(
      `query($id: ID!) { license(id: $id) { metadata } }`,
      { id: issued.license.id },
      admin,
    );
    expect(dataOf(read).license.metadata).toEqual({});
  });

  test("two licenses never share a key", async () => {
    const customerId = await newCustomer();
    const keys = await Promise.all(Array.from({ length: 10 }, async () => (await issue(customerId)).key));
    expect(new Set(keys).size).toBe(10);
  });

  test("the key is shown only by issueLicense: the License type has no key field", async () => {
    const schema = await buildBareSchema();
    const licenseType = schema.getType("License");
    if (!licenseType || !("getFields" in licenseType)) throw new Error("no License object type");
    expect(Object.keys(licenseType.getFields()).filter((field) => /key/i.test(field))).toEqual(["keyLast4"]);

    const issued = await issue(await newCustomer());
    const response = await platform.graphql(`query($id: ID!) { license(id: $id) { key } }`, { id: issued.license.id }, admin);
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(JSON.stringify(response)).not.toContain(issued.key);
  });

  test.each([
    ["an unknown customer", { customerId: "0123456789abcdef01234567", plan: "pro" }, "NOT_FOUND", /Customer not found/],
    ["an unknown plan", { plan: "platinum" }, "NOT_FOUND", /Plan "platinum" not found/],
    ["an expiry in the past", { plan: "pro", expiresAt: "2001-01-01T00:00:00.000Z" }, "BAD_USER_INPUT", /expiresAt must be in the future/],
    ["a malformed customer id", { customerId: "nope", plan: "pro" }, "BAD_USER_INPUT", /input.customerId is not a valid id/],
  ])("%s is refused and stores nothing", async (_case, input, code, message) => {
    const customerId = await newCustomer();
    const before = await platform.services.models.License.countDocuments().exec();
    expectFieldError(await platform.graphql(ISSUE, { input: { customerId, ...input } }, admin), "issueLicense", code, message);
    expect(await platform.services.models.License.countDocuments().exec()).toBe(before);
  });
});

describe("licenseByKey", () => {
  test("finds a license by its exact key only (case-sensitive, no trimming, no prefix match)", async () => {
    const issued = await issue(await newCustomer());
    const byKey = `query($key: String!) { licenseByKey(key: $key) { id } }`;

    expect(dataOf(await platform.graphql<{ licenseByKey: { id: string } }>(byKey, { key: issued.key }, admin)).licenseByKey.id).toBe(
      issued.license.id,
    );
    for (const near of [
      issued.key.toLowerCase(),
      ` ${issued.key}`,
      `${issued.key} `,
      issued.key.slice(0, -1),
      `${issued.key}0`,
      issued.key.slice(-4),
    ]) {
      expectFieldError(await platform.graphql(byKey, { key: near }, admin), "licenseByKey", "NOT_FOUND", /License not found/);
    }
  });
});

describe("licenses(filter)", () => {
  let alice: string;
  let bob: string;
  let aliceStarter: Issued;
  let alicePro: Issued;
  let bobPro: Issued;
  const marker = unique("filtertest");

  beforeAll(async () => {
    alice = await newCustomer({ name: "Alice Marker", company: `${marker} Alice` });
    bob = await newCustomer({ name: "Bob Marker", company: `${marker} Bob` });
    aliceStarter = await issue(alice, "starter");
    alicePro = await issue(alice, "pro");
    bobPro = await issue(bob, "pro");
    dataOf(
      await platform.graphql(`mutation($id: ID!) { suspendLicense(id: $id, reason: "r") { id } }`, { id: alicePro.license.id }, admin),
    );
  });

  test("by customerId", async () => {
    expect(await listIds({ customerId: alice })).toEqual([aliceStarter.license.id, alicePro.license.id].sort());
  });

  test("by search over the customer's email, name or company (case-insensitive)", async () => {
    expect(await listIds({ search: marker.toUpperCase() })).toEqual(
      [aliceStarter.license.id, alicePro.license.id, bobPro.license.id].sort(),
    );
    expect(await listIds({ search: `${marker} bob` })).toEqual([bobPro.license.id]);
  });

  test("by status and plan, combined with the customer", async () => {
    expect(await listIds({ customerId: alice, status: "suspended" })).toEqual([alicePro.license.id]);
    expect(await listIds({ customerId: alice, plan: "starter" })).toEqual([aliceStarter.license.id]);
    expect(await listIds({ search: marker, plan: "pro", status: "active" })).toEqual([bobPro.license.id]);
  });

  test("by keyLast4, in either case", async () => {
    const last4 = bobPro.key.slice(-4);
    expect(await listIds({ keyLast4: last4 })).toContain(bobPro.license.id);
    expect(await listIds({ keyLast4: last4.toLowerCase(), customerId: bob })).toEqual([bobPro.license.id]);
  });

  test("customerId and search together must both match (AND), like every other pair of filters", async () => {
    // Bob's search text does not match Alice, so nothing of Alice's may come back.
    expect(await listIds({ customerId: alice, search: `${marker} Bob` })).toEqual([]);
  });

  test("an unknown plan name is NOT_FOUND", async () => {
    expectFieldError(await platform.graphql(LIST, { filter: { plan: "nope" } }, admin), "licenses", "NOT_FOUND", /Plan "nope" not found/);
  });
});
