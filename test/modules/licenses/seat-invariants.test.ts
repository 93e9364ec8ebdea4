import { activationCounts, newLicense, newPlan } from "../../support/fixtures";
import { http, type HttpResult } from "../../support/http";
import { expectLicensingInvariants } from "../../support/invariants";
import { startSharedDatabase, type PlatformProcess, type SharedDatabase } from "../../support/platform-process";

/**
 * Site seats (plugin contract §5, reliability K7/K8) against races and crashes: two platform processes on one
 * database, real `kill -9` between the seat and its activation record, a database failing mid-activation. After
 * each, the invariant: a license's `active_sites` equals its non-development activations, within `max_sites`.
 */
let shared: SharedDatabase;
let first: PlatformProcess;
let second: PlatformProcess;

beforeAll(async () => {
  shared = await startSharedDatabase();
  [first, second] = await Promise.all([shared.startPlatform({ THROTTLE: "off" }), shared.startPlatform({ THROTTLE: "off" })]);
}, 60_000);

afterAll(async () => {
  await shared?.stop();
});

const activate = (on: PlatformProcess, key: string, site: string): Promise<HttpResult> =>
  http(on.baseUrl, "POST", "/api/activate", { key, json: { site_url: site } });
const deactivate = (on: PlatformProcess, key: string, site: string): Promise<HttpResult> =>
  http(on.baseUrl, "POST", "/api/deactivate", { key, json: { site_url: site } });

async function failCommand(mode: unknown, data: Record<string, unknown>): Promise<void> {
  await shared.db.connection.db?.admin().command({ configureFailPoint: "failCommand", mode, data });
}

async function waitUntil(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("activations racing across two platform processes", () => {
  test("the same site 20 times at once, with one seat free and its first write slow to be acknowledged: every call 200, one activation, one seat", async () => {
    const plan = await newPlan(shared, { max_sites: 2 });
    const { key, license } = await newLicense(shared, plan.name);
    expect((await activate(first, key, "taken.example.com")).status).toBe(200);

    // As with a lagging majority write: the first seat taken is answered 300 ms late.
    await failCommand({ times: 1 }, { failCommands: ["update"], blockConnection: true, blockTimeMS: 300 });
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_unused, i) => activate(i % 2 ? first : second, key, "https://shop.example.com/")),
    );

    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect(responses.filter((response) => response.body.already_active === false)).toHaveLength(1);
    expect(await activationCounts(shared, license._id)).toEqual({ all: 2, seated: 2 });
    await expectLicensingInvariants(shared.services.models);
  });

  test("activate against deactivate on the same sites, split over both processes, three rounds", async () => {
    const plan = await newPlan(shared, { max_sites: 3 });
    const { key, license } = await newLicense(shared, plan.name);
    const sites = Array.from({ length: 6 }, (_unused, i) => `race${i}.example.com`);
    for (let round = 0; round < 3; round++) {
      const calls = sites.flatMap((site, i) => [
        activate(i % 2 ? first : second, key, site),
        deactivate(i % 2 ? second : first, key, site),
        activate(i % 2 ? second : first, key, site),
        // Development sites use no seat, whatever else happens.
        activate(first, key, `dev${round}-${i}.example.test`),
      ]);
      const statuses = (await Promise.all(calls)).map((response) => response.status);
      expect(statuses.every((status) => status === 200 || status === 403)).toBe(true);
      const { seated } = await activationCounts(shared, license._id);
      expect(seated).toBeLessThanOrEqual(3);
      await expectLicensingInvariants(shared.services.models);
    }
  });
});

describe("a crash between taking the seat and writing the activation", () => {
  test("kill -9 of the platform while the seat's write is acknowledged but the activation is not yet written", async () => {
    const victim = await shared.startPlatform({ THROTTLE: "off" });
    const { key, license } = await newLicense(shared, "pro");
    // A first validation writes last_check, so that the activation's first `update` command is the seat.
    expect((await http(victim.baseUrl, "POST", "/api/validate", { key })).status).toBe(200);

    const failPoints = shared.engine.engine.failPoints;
    await failCommand({ times: 1 }, { failCommands: ["update"], blockConnection: true, blockTimeMS: 3_000 });
    const pending = activate(victim, key, "crash.example.com").catch(() => undefined);
    await waitUntil("the seat's update reached the database", () => failPoints.timesEntered === 1);
    await victim.kill9();
    await pending;

    await expectLicensingInvariants(shared.services.models);
    // The platform that comes back finds the license whole: the site can be activated, and counts once.
    expect((await activate(first, key, "crash.example.com")).status).toBe(200);
    expect(await activationCounts(shared, license._id)).toEqual({ all: 1, seated: 1 });
    await expectLicensingInvariants(shared.services.models);
  });

  test("a database failing after the seat was taken (the activation and the give-back both fail): no seat is lost", async () => {
    const { key, license } = await newLicense(shared, "pro");
    expect((await http(first.baseUrl, "POST", "/api/validate", { key })).status).toBe(200);

    // The first update (the seat) passes; every insert and update after it fails, as during an outage.
    await failCommand({ skip: 1 }, { failCommands: ["update", "insert"], errorCode: 91 });
    const response = await activate(first, key, "outage.example.com");
    await failCommand("off", {});

    expect(response.status).toBe(500);
    expect(await activationCounts(shared, license._id)).toEqual({ all: 0, seated: 0 });
    await expectLicensingInvariants(shared.services.models);
  });
});
