import { cliOn, jsonOf, type CliResult } from "../support/cli-process";
import { http } from "../support/http";
import { expectLicensingInvariants } from "../support/invariants";
import { startSharedDatabase, type PlatformProcess, type SharedDatabase } from "../support/platform-process";

/**
 * The license commands as processes, on the database a running platform (its own process) serves: each change is
 * checked where it matters, on /api/validate, and the counters still agree with their records afterwards.
 */
// Each CLI run is a Node process that connects to the database: a few seconds each on a loaded machine.
jest.setTimeout(180_000);

let shared: SharedDatabase;
let platform: PlatformProcess;
let cli: (...args: string[]) => Promise<CliResult>;

beforeAll(async () => {
  shared = await startSharedDatabase();
  platform = await shared.startPlatform();
  cli = cliOn(shared);
}, 60_000);

afterAll(async () => {
  await shared?.stop();
});

interface Issued {
  key: string;
  licenseId: string;
  customerId: string;
}
interface Summary {
  ok: true;
  license: { id: string; keyLast4: string; plan: string; status: string; statusReason: string | null };
}

async function issue(email: string, plan: string): Promise<Issued> {
  const result = await cli("--json", "license:issue", "--email", email, "--plan", plan);
  expect(result.status).toBe(0);
  return jsonOf<Issued>(result);
}

const validate = async (key: string): Promise<{ status: number; code: unknown }> => {
  const response = await http(platform.baseUrl, "POST", "/api/validate", { key });
  return { status: response.status, code: response.body.valid === true ? "VALID" : response.body.code };
};

const failure = (result: CliResult): string => {
  expect(result.status).toBe(1);
  return result.stderr.trim();
};

describe("license:issue", () => {
  test("a bad email is refused as GraphQL refuses it: one line, exit 1, nothing written", async () => {
    const before = await shared.services.models.Customer.countDocuments().exec();
    const text = await cli("license:issue", "--email", "bad", "--plan", "pro");
    expect(failure(text)).toBe("Error: email must be a valid email address");
    expect(text.stdout).toBe("");
    const json = await cli("--json", "license:issue", "--email", "bad", "--plan", "pro");
    expect(json.status).toBe(1);
    expect(jsonOf(json)).toEqual({ ok: false, error: "email must be a valid email address", code: "BAD_USER_INPUT" });
    const unknownPlan = await cli("license:issue", "--email", "new-customer@example.com", "--plan", "platinum");
    expect(failure(unknownPlan)).toBe('Error: Plan "platinum" not found');
    expect(await shared.services.models.Customer.countDocuments().exec()).toBe(before);
    expect(await shared.services.models.Customer.countDocuments({ email: { $in: ["bad", "new-customer@example.com"] } }).exec()).toBe(0);
  });
});

describe("license:show", () => {
  test("by key or by id: plan, status, customer, sites, this month's usage, expiry; the key only by its last 4", async () => {
    const issued = await issue("Show@Example.com", "pro");
    expect((await http(platform.baseUrl, "POST", "/api/validate", { key: issued.key, site: "https://shop.example.com" })).status).toBe(200);

    const byKey = await cli("--json", "license:show", issued.key);
    expect(byKey.status).toBe(0);
    expect(byKey.stdout).not.toContain(issued.key);
    const view = jsonOf<{ license: Record<string, unknown> }>(byKey).license;
    expect(view).toMatchObject({
      id: issued.licenseId,
      keyLast4: issued.key.slice(-4),
      plan: "pro",
      status: "active",
      customer: { id: issued.customerId, email: "show@example.com" },
      sites: { used: 1, max: 3, list: [{ site: "shop.example.com", isDevelopment: false }] },
      usage: { requests: 0, requestLimit: 1000, tokens: 0, cost: "0.00", budget: "4.00" },
      expiresAt: null,
    });
    expect(jsonOf(await cli("--json", "license:show", issued.licenseId))).toEqual(jsonOf(byKey));

    const text = await cli("license:show", issued.licenseId);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain(`License …${issued.key.slice(-4)}`);
    expect(text.stdout).toMatch(/customer\s+show@example\.com/);
    expect(text.stdout).toMatch(/sites\s+1 of 3 seats used/);
    expect(text.stdout).toMatch(/expires\s+never/);
    expect(text.stdout).not.toContain(issued.key);
  });

  test("an unknown key, an unknown id and a malformed key are one clear line and exit 1", async () => {
    expect(failure(await cli("license:show", "CHA-00000000-00000000-00000000-00000000"))).toBe(
      "Error: No license has this key (a license id is 24 hexadecimal characters)",
    );
    expect(failure(await cli("license:show", "0123456789abcdef01234567"))).toBe("Error: License not found");
    const json = await cli("--json", "license:show", "not-a-key");
    expect(json.status).toBe(1);
    expect(jsonOf(json)).toMatchObject({ ok: false, code: "NOT_FOUND" });
  });
});

describe("license:suspend, reactivate, cancel, rotate", () => {
  test("each change takes effect on /api/validate of the running platform", async () => {
    const { key, licenseId } = await issue("states@example.com", "starter");
    expect(await validate(key)).toEqual({ status: 200, code: "VALID" });

    const suspended = jsonOf<Summary>(await cli("--json", "license:suspend", key, "--reason", "chargeback"));
    expect(suspended.license).toMatchObject({ id: licenseId, status: "suspended", statusReason: "chargeback" });
    expect(await validate(key)).toEqual({ status: 400, code: "LICENSE_SUSPENDED" });

    const reactivated = await cli("license:reactivate", licenseId);
    expect(reactivated.stdout).toContain(`License …${key.slice(-4)} (starter, id ${licenseId}) is now active.`);
    expect(await validate(key)).toEqual({ status: 200, code: "VALID" });

    const rotated = await cli("--json", "license:rotate", licenseId);
    expect(rotated.status).toBe(0);
    const { key: newKey, previousKeyLast4 } = jsonOf<{ key: string; previousKeyLast4: string }>(rotated);
    expect(newKey).toMatch(/^CHA-[0-9A-F]{8}(?:-[0-9A-F]{8}){3}$/);
    expect(previousKeyLast4).toBe(key.slice(-4));
    expect(await validate(key)).toEqual({ status: 404, code: "LICENSE_NOT_FOUND" });
    expect(await validate(newKey)).toEqual({ status: 200, code: "VALID" });
    // The old key no longer names the license, for the CLI either.
    expect(failure(await cli("license:show", key))).toContain("No license has this key");

    const cancelled = jsonOf<Summary>(await cli("--json", "license:cancel", newKey, "--reason", "refund"));
    expect(cancelled.license).toMatchObject({ status: "cancelled", statusReason: "refund" });
    expect(await validate(newKey)).toEqual({ status: 400, code: "LICENSE_INACTIVE" });
    await expectLicensingInvariants(shared.services.models);
  });

  test("refusals are the service's own: cancelling twice, reactivating a cancelled license, suspending without a reason", async () => {
    const { licenseId } = await issue("refusals@example.com", "pro");
    expect((await cli("license:cancel", licenseId)).status).toBe(0);
    expect(failure(await cli("license:cancel", licenseId))).toBe("Error: The license is already cancelled");
    expect(failure(await cli("license:reactivate", licenseId))).toBe("Error: A cancelled license cannot be reactivated; issue a new one");
    expect(failure(await cli("license:suspend", licenseId))).toContain("required option '--reason <text>' not specified");
    const json = await cli("--json", "license:suspend", licenseId, "--reason", "x");
    expect(jsonOf(json)).toEqual({ ok: false, error: "A cancelled license cannot be suspended", code: "BAD_USER_INPUT" });
    expect(failure(await cli("license:rotate", "0123456789abcdef01234567"))).toBe("Error: License not found");
  });

  test("cancelling a Founders license gives its seat back, exactly once; suspending keeps it", async () => {
    const seatsSold = async (): Promise<number> => (await shared.services.plans.byName("founders")).lifetime_sold;
    const before = await seatsSold();
    const { key, licenseId } = await issue("founder@example.com", "founders");
    expect(await seatsSold()).toBe(before + 1);
    expect((await cli("license:suspend", key, "--reason", "check")).status).toBe(0);
    expect(await seatsSold()).toBe(before + 1);
    expect((await cli("license:reactivate", key)).status).toBe(0);
    expect((await cli("license:cancel", key)).status).toBe(0);
    expect(await seatsSold()).toBe(before);
    expect((await cli("license:cancel", licenseId)).status).toBe(1);
    expect(await seatsSold()).toBe(before);
    await expectLicensingInvariants(shared.services.models);
  });
});

describe("customer:find", () => {
  test("case-insensitive on part of the email; lists each customer's licenses by last 4, plan and status", async () => {
    const first = await issue("Grace.Hopper@Navy.example", "pro");
    const second = await issue("grace.hopper@navy.example", "agency");
    await cli("license:suspend", second.licenseId, "--reason", "unpaid");

    const found = await cli("--json", "customer:find", "HOPPER@navy");
    expect(found.status).toBe(0);
    expect(found.stdout).not.toContain(first.key);
    expect(jsonOf(found)).toEqual({
      ok: true,
      more: false,
      customers: [
        {
          id: first.customerId,
          email: "grace.hopper@navy.example",
          name: null,
          status: "active",
          licenses: [
            { id: first.licenseId, keyLast4: first.key.slice(-4), plan: "pro", status: "active" },
            { id: second.licenseId, keyLast4: second.key.slice(-4), plan: "agency", status: "suspended" },
          ],
        },
      ],
    });
    const text = await cli("customer:find", "navy.EXAMPLE");
    expect(text.stdout).toContain("grace.hopper@navy.example");
    expect(text.stdout).toMatch(new RegExp(`…${second.key.slice(-4)}\\s+agency\\s+suspended`));
    expect((await cli("customer:find", "nobody-like-this")).stdout).toBe("No customer matches.\n");
    expect(failure(await cli("customer:find", "x".repeat(101)))).toBe("Error: search must be shorter than or equal to 100 characters");
  });
});
