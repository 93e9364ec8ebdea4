import { request as httpRequest } from "node:http";
import { LicenseStatus } from "../../../src/modules/licenses/license.model";
import type { TestPlatform } from "../../support/platform";
import { http, type HttpResult } from "../../support/http";
import { newLicense, setLicense, storedLicense, type Issued } from "../../support/fixtures";
import { clearFailures, failCommands, freezeClock, seedCounter, startUsagePlatform } from "./fixtures";

// The usage routes' refusals: the license check (§2.4), wrong methods (§1.7), each route's own 500 bodies
// (§6.5–6.8), and client mistakes, which must never get a 500.
let p: TestPlatform;
beforeAll(async () => {
  p = await startUsagePlatform();
  freezeClock();
});
afterAll(async () => {
  jest.useRealTimers();
  await p.stop();
});

const AUTHENTICATED = ["/api/usage/current", "/api/usage/history", "/api/limits/check"];
const get = (path: string, options: Parameters<typeof http>[3] = {}): Promise<HttpResult> => http(p.baseUrl, "GET", path, options);
const REQUIRED = { error: "License key required", code: "LICENSE_REQUIRED" };
const refused = (code: string) => ({ error: "Invalid or inactive license", code });

describe("the license check on the three authenticated routes", () => {
  it("answers 401 LICENSE_REQUIRED without a usable X-License-Key header", async () => {
    const { key } = await newLicense(p, "pro");
    for (const path of AUTHENTICATED) {
      for (const [name, options, suffix] of [
        ["no header", {}, ""],
        ["empty header", { key: "" }, ""],
        ["key in the query string", {}, `?license_key=${key}&key=${key}`],
        ["key as a bearer token", { headers: { authorization: `Bearer ${key}` } }, ""],
      ] as const) {
        const response = await get(`${path}${suffix}`, options);
        expect({ path, name, status: response.status, body: response.body }).toEqual({ path, name, status: 401, body: REQUIRED });
      }
    }
  });

  it("answers 401 with the failing rule's code, before reading any parameter", async () => {
    const spoilers: Array<[string, (issued: Issued) => Promise<unknown>, object]> = [
      ["unknown key", async () => undefined, refused("LICENSE_NOT_FOUND")],
      [
        "customer suspended",
        async ({ customer }) => p.services.models.Customer.updateOne({ _id: customer._id }, { $set: { status: "suspended" } }).exec(),
        refused("LICENSE_SUSPENDED"),
      ],
      ["suspended", async ({ license }) => setLicense(p, license._id, { status: LicenseStatus.suspended }), refused("LICENSE_SUSPENDED")],
      ["inactive", async ({ license }) => setLicense(p, license._id, { status: LicenseStatus.inactive }), refused("LICENSE_INACTIVE")],
      ["cancelled", async ({ license }) => setLicense(p, license._id, { status: LicenseStatus.cancelled }), refused("LICENSE_INACTIVE")],
      ["expired", async ({ license }) => setLicense(p, license._id, { status: LicenseStatus.expired }), refused("LICENSE_EXPIRED")],
      [
        "expires_at passed",
        async ({ license }) => setLicense(p, license._id, { expires_at: new Date("2025-08-21T10:00:12.000Z") }),
        { error: "License expired", code: "LICENSE_EXPIRED" },
      ],
    ];
    for (const path of AUTHENTICATED) {
      for (const [name, spoil, body] of spoilers) {
        const issued = await newLicense(p, "pro");
        await spoil(issued);
        const key = name === "unknown key" ? "CHA-00000000-00000000-00000000-00000000" : issued.key;
        // An invalid days value too: the license check answers first.
        const response = await get(`${path}?days=abc`, { key });
        expect({ path, name, status: response.status, body: response.body }).toEqual({ path, name, status: 401, body });
      }
    }
  });

  it("marks a license whose expires_at has passed as expired", async () => {
    const { key, license } = await newLicense(p, "pro");
    await setLicense(p, license._id, { expires_at: new Date("2025-08-01T00:00:00.000Z") });
    expect((await get("/api/limits/check", { key })).status).toBe(401);
    expect((await storedLicense(p, license._id)).status).toBe(LicenseStatus.expired);
  });
});

describe("other methods", () => {
  it("answers 405 with an Allow header on every usage path", async () => {
    const { key } = await newLicense(p, "pro");
    for (const [method, path] of [
      ["POST", "/api/usage/current"],
      ["PUT", "/api/usage/history"],
      ["DELETE", "/api/limits/check"],
      ["POST", `/api/usage/${key}`],
      ["PATCH", "/api/usage/anything"],
    ]) {
      const response = await http(p.baseUrl, method, path, { key });
      expect({ method, path, status: response.status, allow: response.headers.get("allow"), body: response.body }).toEqual({
        method,
        path,
        status: 405,
        allow: "GET, HEAD, OPTIONS",
        body: { error: "Method not allowed", code: "METHOD_NOT_ALLOWED" },
      });
    }
  });
});

describe("each route's own 500 body", () => {
  let issued: Issued;
  beforeAll(async () => {
    issued = await newLicense(p, "pro");
    await seedCounter(p, issued.license._id, "m:2025-08", { requests: 1 });
  });
  afterEach(async () => {
    await clearFailures(p);
  });

  /** Arms the fail point, asks, and returns the status and body. */
  async function failing(
    path: string,
    commands: string[],
    mode: "alwaysOn" | { skip: number },
    key?: string,
  ): Promise<{ status: number; body: unknown }> {
    await failCommands(p, commands, mode);
    const response = await get(path, key === undefined ? {} : { key });
    await clearFailures(p);
    return { status: response.status, body: response.body };
  }

  it("the license check's database failure: 500 License validation failed", async () => {
    for (const path of AUTHENTICATED) {
      expect({ path, ...(await failing(path, ["find"], "alwaysOn", issued.key)) }).toEqual({
        path,
        status: 500,
        body: { error: "License validation failed", code: "INTERNAL_ERROR" },
      });
    }
  });

  // The license check reads the license, its plan and its customer (3 finds); the fourth find is the route's own.
  it("/api/usage/current: the statistics cannot be read", async () => {
    expect(await failing("/api/usage/current", ["find"], { skip: 3 }, issued.key)).toEqual({
      status: 500,
      body: { error: "Unable to get usage statistics", code: "INTERNAL_ERROR" },
    });
    expect((await get("/api/usage/current", { key: issued.key })).status).toBe(200);
  });

  it("/api/usage/history: the logs cannot be read", async () => {
    const failed = { status: 500, body: { error: "Failed to get usage history", code: "INTERNAL_ERROR" } };
    expect(await failing("/api/usage/history", ["aggregate"], "alwaysOn", issued.key)).toEqual(failed);
    expect(await failing("/api/usage/history", ["find"], { skip: 3 }, issued.key)).toEqual(failed);
    expect((await get("/api/usage/history", { key: issued.key })).status).toBe(200);
  });

  it("/api/limits/check: the counters cannot be read", async () => {
    expect(await failing("/api/limits/check", ["find"], { skip: 3 }, issued.key)).toEqual({
      status: 500,
      body: { error: "Failed to check limits", code: "INTERNAL_ERROR" },
    });
  });

  it("/api/usage/:license_key: the license, its plan or its counters cannot be read", async () => {
    const failed = { status: 500, body: { error: "Failed to get usage stats", code: "INTERNAL_ERROR" } };
    expect(await failing(`/api/usage/${issued.key}`, ["find"], "alwaysOn")).toEqual(failed);
    expect(await failing(`/api/usage/${issued.key}`, ["find"], { skip: 1 })).toEqual(failed);
    expect((await get(`/api/usage/${issued.key}`)).status).toBe(200);
  });
});

describe("client mistakes", () => {
  /** A GET with a body, which fetch() cannot send. */
  function getWithBody(path: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        `${p.baseUrl}${path}`,
        { method: "GET", headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (text += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }

  it("ignores any body on the GET routes", async () => {
    const { key } = await newLicense(p, "pro");
    for (const path of [...AUTHENTICATED, `/api/usage/${key}`]) {
      for (const [contentType, body] of [
        ["application/json", "{not json"],
        ["text/plain", "hello"],
        ["application/json", "[1,2]"],
        ["application/octet-stream", "\u0000\u00ff"],
      ]) {
        const response = await getWithBody(path, { "x-license-key": key, "content-type": contentType }, body);
        expect({ path, contentType, status: response.status }).toEqual({ path, contentType, status: 200 });
      }
    }
  });

  it("never answers 500 to malformed paths, queries or keys", async () => {
    const { key } = await newLicense(p, "pro");
    const requests: Array<[string, string | undefined]> = [
      ["/api/usage/%ZZ", undefined],
      ["/api/usage/%C3", undefined],
      ["/api/usage/%00", undefined],
      [`/api/usage/${"A".repeat(150)}`, undefined],
      ["/api/usage/a/b", undefined],
      ["/api/usage/history?days=%ZZ&provider=%ZZ", key],
      ["/api/usage/history?days[]=1&provider[]=openai", key],
      ["/api/usage/history?days=1&days=2&days=3&provider=openai&provider=x", key],
      ["/api/usage/current?%%%&&==", key],
      ["/api/limits/check?days=abc", key],
      ["/api/usage/current", "x".repeat(10_000)],
      ["/api/usage/history", "CHA-\u00ff\u00fe"],
      ["/api/limits/check", " "],
    ];
    for (const [path, sentKey] of requests) {
      const response = await get(path, sentKey === undefined ? {} : { key: sentKey });
      expect({ path, serverError: response.status >= 500, json: Object.keys(response.body).length > 0 }).toEqual({
        path,
        serverError: false,
        json: true,
      });
    }
  });
});
