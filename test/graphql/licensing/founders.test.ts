import { AdminRole } from "../../../src/modules/admins/admin.model";
import { LicenseStatus } from "../../../src/modules/licenses/license.model";
import { bearer, startTestPlatform, type GraphQLResponse, type TestPlatform } from "../../support/platform";
import { activityOf, adminIdOf, dataOf, expectFieldError } from "../../support/graphql-assertions";
import { unique } from "../../support/fixtures";
import { expectLicensingInvariants } from "../../support/invariants";

/** The Founders Deal cap: one guarded increment, never oversold, seats given back on cancel. */

const ISSUE = `mutation($input: IssueLicenseInput!) { issueLicense(input: $input) { key license { id expiresAt plan { name } } } }`;
const FOUNDERS = `{ plan(name: "founders") { lifetimeSold lifetimeLimit } }`;
const UPDATE_LIMIT = `mutation($limit: Int!) { updatePlan(name: "founders", input: { lifetimeLimit: $limit }) { lifetimeLimit lifetimeSold } }`;

type IssueResponse = GraphQLResponse<{
  issueLicense: { key: string; license: { id: string; expiresAt: string | null; plan: { name: string } } };
}>;

let platform: TestPlatform;
let admin: Record<string, string>;
let customerId: string;

beforeAll(async () => {
  platform = await startTestPlatform();
  admin = bearer(await platform.token(AdminRole.admin));
  customerId = dataOf(
    await platform.graphql<{ createCustomer: { id: string } }>(
      `mutation($email: String!) { createCustomer(input: { email: $email }) { id } }`,
      { email: `${unique("founder")}@example.com` },
      admin,
    ),
  ).createCustomer.id;
});

// After every sale, cancellation and limit change: sold equals the live Founders licenses, within the limit.
afterEach(async () => {
  await expectLicensingInvariants(platform.services.models);
});

afterAll(async () => {
  await platform.stop();
});

async function founders(): Promise<{ lifetimeSold: number; lifetimeLimit: number | null }> {
  return dataOf(await platform.graphql<{ plan: { lifetimeSold: number; lifetimeLimit: number | null } }>(FOUNDERS, {}, admin)).plan;
}

const issueFounders = (extra: Record<string, unknown> = {}): Promise<IssueResponse> =>
  platform.graphql(ISSUE, { input: { customerId, plan: "founders", ...extra } }, admin);

async function foundersLicenseCount(): Promise<number> {
  const plan = await platform.services.models.Plan.findOne({ name: "founders" }).lean().exec();
  return platform.services.models.License.countDocuments({ plan_id: plan?._id, status: { $ne: LicenseStatus.cancelled } }).exec();
}

describe("Founders Deal cap", () => {
  let issuedIds: string[] = [];

  test("with 5 seats left, 20 concurrent issueLicense calls give exactly 5 licenses and 15 CONFLICT 'Founders Deal sold out'", async () => {
    const start = await founders();
    const limit = start.lifetimeSold + 5;
    expect(
      dataOf(await platform.graphql<{ updatePlan: { lifetimeLimit: number } }>(UPDATE_LIMIT, { limit }, admin)).updatePlan.lifetimeLimit,
    ).toBe(limit);

    const responses = await Promise.all(Array.from({ length: 20 }, () => issueFounders()));

    const succeeded = responses.filter((response) => response.data?.issueLicense);
    const refused = responses.filter((response) => !response.data?.issueLicense);
    expect(succeeded).toHaveLength(5);
    expect(refused).toHaveLength(15);
    for (const response of refused) expectFieldError(response, "issueLicense", "CONFLICT", /^Founders Deal sold out$/);
    expect(await founders()).toEqual({ lifetimeSold: limit, lifetimeLimit: limit });
    expect(await foundersLicenseCount()).toBe(5);
    issuedIds = succeeded.map((response) => dataOf(response).issueLicense.license.id);
    expect(new Set(issuedIds).size).toBe(5);
  });

  test("a Founders license is lifetime: it has no expiry", async () => {
    const [id] = issuedIds;
    const license = dataOf(
      await platform.graphql<{ license: { expiresAt: string | null; plan: { name: string } } }>(
        `query($id: ID!) { license(id: $id) { expiresAt plan { name } } }`,
        { id },
        admin,
      ),
    ).license;
    expect(license).toEqual({ expiresAt: null, plan: { name: "founders" } });
  });

  test("when sold out, one more is refused; cancelling one gives its seat back, so exactly one more can be issued", async () => {
    const { lifetimeLimit } = await founders();
    expectFieldError(await issueFounders(), "issueLicense", "CONFLICT", /Founders Deal sold out/);

    dataOf(await platform.graphql(`mutation($id: ID!) { cancelLicense(id: $id) { status } }`, { id: issuedIds[0] }, admin));
    expect((await founders()).lifetimeSold).toBe((lifetimeLimit ?? 0) - 1);

    const askedExpiry = { expiresAt: "2099-01-01T00:00:00.000Z" };
    const again = await Promise.all([issueFounders(askedExpiry), issueFounders(askedExpiry), issueFounders(askedExpiry)]);
    const won = again.filter((response) => response.data?.issueLicense);
    expect(won).toHaveLength(1);
    // Lifetime: the expiry asked for is ignored.
    expect(dataOf(won[0]).issueLicense.license.expiresAt).toBeNull();
    expect(await founders()).toEqual({ lifetimeSold: lifetimeLimit, lifetimeLimit });
    expect(await foundersLicenseCount()).toBe(5);
  });

  test("moving another license onto the sold-out plan is refused too (CONFLICT), and the license keeps its plan", async () => {
    const before = await founders();
    const pro = dataOf((await platform.graphql(ISSUE, { input: { customerId, plan: "pro" } }, admin)) as IssueResponse).issueLicense
      .license;

    expectFieldError(
      await platform.graphql(`mutation($id: ID!) { changeLicensePlan(id: $id, plan: "founders") { id } }`, { id: pro.id }, admin),
      "changeLicensePlan",
      "CONFLICT",
      /Founders Deal sold out/,
    );
    const stored = await platform.services.models.License.findById(pro.id).lean().exec();
    const proPlan = await platform.services.models.Plan.findOne({ name: "pro" }).lean().exec();
    expect(stored?.plan_id.toHexString()).toBe(proPlan?._id.toHexString());
    expect(await founders()).toEqual(before);
  });

  test("a cancelled license moved onto the Founders plan does not take a seat", async () => {
    const { lifetimeSold } = await founders();
    await platform.graphql(UPDATE_LIMIT, { limit: lifetimeSold + 1 }, admin);
    const pro = dataOf((await platform.graphql(ISSUE, { input: { customerId, plan: "pro" } }, admin)) as IssueResponse).issueLicense
      .license;
    dataOf(await platform.graphql(`mutation($id: ID!) { cancelLicense(id: $id) { status } }`, { id: pro.id }, admin));

    // Refusing the change or accepting it without a seat are both fine; a seat held by a cancelled license is not.
    await platform.graphql(`mutation($id: ID!) { changeLicensePlan(id: $id, plan: "founders") { id } }`, { id: pro.id }, admin);

    expect((await founders()).lifetimeSold).toBe(lifetimeSold);
    expect(dataOf(await issueFounders()).issueLicense.license.plan.name).toBe("founders");
  });
});

describe("updatePlan lifetimeLimit", () => {
  test("a limit below the seats already sold is BAD_USER_INPUT and changes nothing", async () => {
    const before = await founders();
    expect(before.lifetimeSold).toBeGreaterThan(0);

    expectFieldError(
      await platform.graphql(UPDATE_LIMIT, { limit: before.lifetimeSold - 1 }, admin),
      "updatePlan",
      "BAD_USER_INPUT",
      new RegExp(`below the ${before.lifetimeSold} licenses already sold`),
    );
    expectFieldError(await platform.graphql(UPDATE_LIMIT, { limit: -1 }, admin), "updatePlan", "BAD_USER_INPUT");
    expect(await founders()).toEqual(before);
  });

  test("raising the limit is audited as plan.updated with the admin as actor", async () => {
    const before = await founders();
    dataOf(await platform.graphql(UPDATE_LIMIT, { limit: before.lifetimeSold + 10 }, admin));
    const log = await activityOf(platform, admin, { action: "plan.updated" });
    expect(log[0]).toEqual({
      action: "plan.updated",
      actor: `admin:${await adminIdOf(platform, admin)}`,
      details: { plan: "founders", changes: { lifetime_limit: before.lifetimeSold + 10 } },
    });
  });
});
