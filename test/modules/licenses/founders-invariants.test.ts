import { SYSTEM_ACTOR } from "../../../src/modules/activity/activity.service";
import { AdminRole } from "../../../src/modules/admins/admin.model";
import { newCustomer, newLicense } from "../../support/fixtures";
import { expectLicensingInvariants } from "../../support/invariants";
import { bearer, type GraphQLResponse } from "../../support/platform";
import { startSharedDatabase, type PlatformProcess, type SharedDatabase } from "../../support/platform-process";

/**
 * The Founders cap (DOMAIN.md "Founders Deal"): `lifetime_sold` equals the live (not cancelled) Founders licenses
 * and never exceeds `lifetime_limit`, under any interleaving of issue, cancel, plan change, suspension,
 * reactivation and limit changes, on two platform processes sharing one database, and across a `kill -9`.
 */
let shared: SharedDatabase;
let first: PlatformProcess;
let second: PlatformProcess;
let admin: Record<string, string>;

beforeAll(async () => {
  shared = await startSharedDatabase();
  [first, second] = await Promise.all([shared.startPlatform(), shared.startPlatform()]);
  admin = bearer((await shared.services.admins.create("races", AdminRole.admin, SYSTEM_ACTOR)).token);
}, 60_000);

afterAll(async () => {
  await shared?.stop();
});

const on = (i: number): PlatformProcess => (i % 2 === 0 ? first : second);
const mutate = (i: number, query: string, variables: Record<string, unknown>): Promise<GraphQLResponse> =>
  on(i).graphql(query, variables, admin);
const CANCEL = `mutation($id: ID!) { cancelLicense(id: $id) { status } }`;
const CHANGE = `mutation($id: ID!, $plan: String!) { changeLicensePlan(id: $id, plan: $plan) { id } }`;
const SUSPEND = `mutation($id: ID!) { suspendLicense(id: $id, reason: "race") { status } }`;
const REACTIVATE = `mutation($id: ID!) { reactivateLicense(id: $id) { status } }`;
const ISSUE = `mutation($customerId: ID!) { issueLicense(input: { customerId: $customerId, plan: "founders" }) { key } }`;
const LIMIT = `mutation($limit: Int!) { updatePlan(name: "founders", input: { lifetimeLimit: $limit }) { lifetimeLimit } }`;

async function foundersPlan(): Promise<{ sold: number; limit: number }> {
  const plan = await shared.services.plans.byName("founders");
  return { sold: plan.lifetime_sold, limit: plan.lifetime_limit ?? Number.POSITIVE_INFINITY };
}

/** Every response either succeeded or was refused with a coded error; never an internal error. */
function expectCoded(responses: GraphQLResponse[]): void {
  for (const response of responses) {
    for (const error of response.errors ?? []) expect(["CONFLICT", "BAD_USER_INPUT"]).toContain(error.extensions?.code);
  }
}

describe("Founders seats under racing mutations on two platform processes", () => {
  test("cancel against plan change (both ways), issue, suspend, reactivate and limit changes, five rounds", async () => {
    const customer = await newCustomer(shared);
    for (let round = 0; round < 5; round++) {
      const { sold } = await foundersPlan();
      await shared.services.plans.update("founders", { lifetime_limit: sold + 8 }, SYSTEM_ACTOR);
      const founders = await Promise.all(Array.from({ length: 4 }, () => newLicense(shared, "founders", { customer })));
      const pros = await Promise.all(Array.from({ length: 4 }, () => newLicense(shared, "pro", { customer })));
      const ids = (list: typeof founders) => list.map((issued) => issued.license._id.toHexString());

      const responses = await Promise.all([
        // Founders → cancelled on one process while the other moves it to pro.
        ...ids(founders).flatMap((id, i) => [mutate(i, CANCEL, { id }), mutate(i + 1, CHANGE, { id, plan: "pro" })]),
        // Pro → founders on one process while the other cancels it.
        ...ids(pros).flatMap((id, i) => [mutate(i, CHANGE, { id, plan: "founders" }), mutate(i + 1, CANCEL, { id })]),
        // Suspension and reactivation do not move seats, but they race the others on the same documents.
        ...ids(founders).flatMap((id, i) => [mutate(i, SUSPEND, { id }), mutate(i + 1, REACTIVATE, { id })]),
        // New sales, and the limit lowered to what is sold while they happen.
        ...Array.from({ length: 6 }, (_unused, i) => mutate(i, ISSUE, { customerId: customer._id.toHexString() })),
        mutate(round, LIMIT, { limit: sold + 4 }),
      ]);

      expectCoded(responses);
      await expectLicensingInvariants(shared.services.models);
    }
  });
});

describe("a crash between taking a Founders seat and writing the license", () => {
  test("kill -9 of the platform while the seat's write is acknowledged but the license is not yet written", async () => {
    const victim = await shared.startPlatform();
    const customer = await newCustomer(shared);
    const { sold } = await foundersPlan();
    await shared.services.plans.update("founders", { lifetime_limit: sold + 5 }, SYSTEM_ACTOR);
    // The token's once-a-minute bookkeeping write happens now, so that the sale's first `update` is the seat.
    expect((await victim.graphql(`{ plans { name } }`, {}, admin)).status).toBe(200);

    const failPoints = shared.engine.engine.failPoints;
    await shared.db.connection.db?.admin().command({
      configureFailPoint: "failCommand",
      mode: { times: 1 },
      data: { failCommands: ["update"], blockConnection: true, blockTimeMS: 3_000 },
    });
    const pending = victim.graphql(ISSUE, { customerId: customer._id.toHexString() }, admin).catch(() => undefined);
    const deadline = Date.now() + 20_000;
    while (failPoints.timesEntered < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(failPoints.timesEntered).toBe(1);
    await victim.kill9();
    await pending;

    await expectLicensingInvariants(shared.services.models);
    expect((await foundersPlan()).sold).toBe(sold);
  });
});
