import { LicenseStatus } from "../../src/modules/licenses/license.model";
import { describeCommands, startMonitoredPlatform, type MonitoredPlatform } from "../support/monitored-platform";
import { http, type HttpResult } from "../support/http";
import { newLicense, setLicense } from "../support/fixtures";

// Reliability K4 / contract §1.5: unknown, malformed, revoked and suspended keys must not be told apart by the
// shape of the answer or by its timing. Timing is measured in `npm run bench:validate`; here we prove its cause:
// every kind of refusal sends the same database commands (uncached: this platform has no license cache).

let p: MonitoredPlatform;
const keys: Record<string, string> = {};

beforeAll(async () => {
  p = await startMonitoredPlatform();
  const revoked = await newLicense(p, "pro");
  await setLicense(p, revoked.license._id, { status: LicenseStatus.cancelled });
  const suspended = await newLicense(p, "pro");
  await setLicense(p, suspended.license._id, { status: LicenseStatus.suspended });
  const suspendedCustomer = await newLicense(p, "pro");
  await p.services.models.Customer.updateOne({ _id: suspendedCustomer.customer._id }, { $set: { status: "suspended" } }).exec();
  Object.assign(keys, {
    unknown: "CHA-00000000-00000000-00000000-00000000",
    malformed: "x".repeat(5000),
    "wrong shape": "not a key at all",
    revoked: revoked.key,
    suspended: suspended.key,
    "suspended customer": suspendedCustomer.key,
  });
});
afterAll(async () => p.stop());

async function refusals(method: string, path: string): Promise<Map<string, { response: HttpResult; commands: string }>> {
  const seen = new Map<string, { response: HttpResult; commands: string }>();
  for (const [kind, key] of Object.entries(keys)) {
    const { result, commands } = await p.commands.during(() => http(p.baseUrl, method, path, { key }));
    // Promise.all may send the parallel reads in either order; the set of commands is what costs time.
    seen.set(kind, { response: result, commands: describeCommands(commands).split(", ").sort().join(", ") });
  }
  return seen;
}

const headerNames = (response: HttpResult): string[] => [...response.headers.keys()].sort();

describe.each([
  ["POST", "/api/validate", ["code", "error", "valid"]],
  ["GET", "/api/sites", ["code", "error"]],
  ["GET", "/api/usage/current", ["code", "error"]],
])("%s %s refuses every kind of bad key alike", (method, path, fields) => {
  let seen: Map<string, { response: HttpResult; commands: string }>;
  beforeAll(async () => {
    seen = await refusals(method, path);
  });

  test("the same body fields, content type and headers", () => {
    for (const [kind, { response }] of seen) {
      expect({ kind, fields: Object.keys(response.body).sort() }).toEqual({ kind, fields });
      expect({ kind, type: response.headers.get("content-type") }).toEqual({ kind, type: "application/json; charset=utf-8" });
      expect({ kind, headers: headerNames(response) }).toEqual({
        kind,
        headers: headerNames((seen.get("unknown") as { response: HttpResult }).response),
      });
    }
  });

  test("the same database commands", () => {
    const unknown = (seen.get("unknown") as { commands: string }).commands;
    expect(unknown).toMatch(/find licenses/);
    expect(unknown).toMatch(/find plans/);
    for (const [kind, { commands }] of seen) expect({ kind, commands }).toEqual({ kind, commands: unknown });
  });
});
