import { PINNED_INSTANT } from "../../support/clock";
import { http, type HttpResult } from "../../support/http";
import { newLicense } from "../../support/fixtures";
import { licenseKeyHeader, startTestPlatform, type TestPlatform } from "../../support/platform";
import { startSharedDatabase, type PlatformProcess, type SharedDatabase } from "../../support/platform-process";

/**
 * One way in for license keys (contract §1.5): every surface that takes a key (/api, /v1, the legacy usage path,
 * GraphQL's X-License-Key) goes through the same failed-lookup guard, whose count is taken before the lookup.
 */
const PINNED = PINNED_INSTANT;

type Surface = (baseUrl: string, key: string) => Promise<HttpResult>;
const SURFACES: Record<string, Surface> = {
  "/api/sites": (baseUrl, key) => http(baseUrl, "GET", "/api/sites", { key }),
  "/api/validate": (baseUrl, key) => http(baseUrl, "POST", "/api/validate", { key }),
  // Sent with the key as X-License-Key too, so that the route's own limit (10 a minute) counts per key, not per IP.
  "/api/usage/:key": (baseUrl, key) => http(baseUrl, "GET", `/api/usage/${encodeURIComponent(key)}`, { key }),
  "/v1/models": (baseUrl, key) => http(baseUrl, "GET", "/v1/models", { headers: { authorization: `Bearer ${key}` } }),
  "/graphql": (baseUrl, key) =>
    http(baseUrl, "POST", "/graphql", { json: { query: "{ viewer { kind } }" }, headers: licenseKeyHeader(key) }),
};

describe("one guard for every surface", () => {
  let platform: TestPlatform;
  beforeEach(async () => {
    platform = await startTestPlatform({ clock: () => PINNED });
  });
  afterEach(async () => platform.stop());

  test.each(Object.keys(SURFACES))(
    "unknown keys looked up through %s count: the 22nd lookup of the IP is refused everywhere",
    async (name) => {
      const { key } = await newLicense(platform, "agency");
      const surface = SURFACES[name] as Surface;
      for (let i = 0; i < 21; i++) expect((await surface(platform.baseUrl, `CHA-GUESS-${i}`)).status).not.toBe(429);

      // Blocked now on every surface, even with a key that exists.
      for (const [other, call] of Object.entries(SURFACES)) {
        const refused = await call(platform.baseUrl, key);
        expect({ other, status: refused.status }).toEqual({ other, status: 429 });
        expect(Number(refused.headers.get("retry-after"))).toBe(55);
      }
      expect(
        (await http(platform.baseUrl, "POST", "/graphql", { json: { query: "{ viewer { kind } }" }, headers: licenseKeyHeader(key) })).body,
      ).toMatchObject({
        errors: [{ extensions: { code: "RATE_LIMITED" } }],
      });
    },
  );

  test("a key that exists gives its count back: 30 valid lookups at once from one IP all pass", async () => {
    const { key } = await newLicense(platform, "agency");
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_unused, i) => (SURFACES[i % 2 ? "/graphql" : "/v1/models"] as Surface)(platform.baseUrl, key)),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(30).fill(200));
  });
});

describe("200 unknown keys at once, over every surface of two platform processes", () => {
  let shared: SharedDatabase;
  let processes: PlatformProcess[];
  beforeAll(async () => {
    shared = await startSharedDatabase();
    processes = await Promise.all([shared.startPlatform(), shared.startPlatform()]);
  }, 60_000);
  afterAll(async () => shared?.stop());

  test("at most 21 of them are looked up (answered as unknown); every other one is refused with 429", async () => {
    const names = Object.keys(SURFACES);
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_unused, i) =>
        (SURFACES[names[i % names.length] as string] as Surface)((processes[i % 2] as PlatformProcess).baseUrl, `CHA-BURST-${i}`),
      ),
    );
    const answered = responses.filter((response) => response.status !== 429);
    expect(answered.every((response) => response.status === 401 || response.status === 404)).toBe(true);
    // A burst that straddles a minute boundary meets two windows; each allows 21.
    const windows = await shared.services.models.RateWindow.find({ _id: /^failed-lookups\|/ })
      .lean()
      .exec();
    expect(windows.length).toBeGreaterThanOrEqual(1);
    for (const window of windows) expect(window.failed ?? 0).toBeLessThanOrEqual(21);
    expect(answered.length).toBeLessThanOrEqual(21 * windows.length);
    expect(answered.length).toBe(windows.reduce((sum, window) => sum + (window.failed ?? 0), 0));
  });
});
