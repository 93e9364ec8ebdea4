import { readFileSync } from "node:fs";
import path from "node:path";
import { startTestPlatform, type TestPlatform } from "../support/platform";
import { EXPOSED_HEADERS, http, JSON_CONTENT_TYPE, type HttpResult, type RequestOptions } from "../support/http";
import { newLicense, snapshot } from "../support/fixtures";

// General rules of the plugin contract: §1.2 (key, bodies), §1.3, §1.4, §1.6 (CORS), §1.7, §6.1.
let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform();
});
afterAll(async () => {
  await p.stop();
});

const packageVersion = (JSON.parse(readFileSync(path.join(__dirname, "../../package.json"), "utf8")) as { version: string }).version;
const MIB = 1024 * 1024;
const ERROR_CODES = [
  "LICENSE_REQUIRED",
  "LICENSE_NOT_FOUND",
  "LICENSE_INACTIVE",
  "LICENSE_SUSPENDED",
  "LICENSE_EXPIRED",
  "AI_NOT_INCLUDED",
  "MODEL_NOT_ALLOWED",
  "TOO_MANY_SITES",
  "MONTHLY_LIMIT",
  "MINUTE_LIMIT",
  "HOUR_LIMIT",
  "BUDGET_EXCEEDED",
  "RATE_LIMITED",
  "INVALID_INPUT",
  "PROVIDER_NOT_CONFIGURED",
  "PROVIDER_ERROR",
  "NOT_FOUND",
  "METHOD_NOT_ALLOWED",
  "DATABASE_UNAVAILABLE",
  "INTERNAL_ERROR",
];

function expectCors(response: HttpResult): void {
  expect(response.headers.get("access-control-allow-origin")).toBe("*");
  expect(response.headers.get("access-control-expose-headers")).toBe(EXPOSED_HEADERS);
  expect(response.headers.has("access-control-allow-credentials")).toBe(false);
}

it("GET / answers the API information, with the package version", async () => {
  const response = await http(p.baseUrl, "GET", "/");
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe(JSON_CONTENT_TYPE);
  expect(response.body).toEqual({
    message: "Chatello SaaS API",
    version: packageVersion,
    status: "active",
    endpoints: {
      public: ["/api/health", "/api/validate"],
      authenticated: [
        "/api/chat",
        "/api/usage/current",
        "/api/usage/history",
        "/api/limits/check",
        "/api/activate",
        "/api/deactivate",
        "/api/sites",
      ],
      legacy: ["/api/usage/{license_key}"],
      admin: [],
    },
    features: [
      "multi_level_rate_limiting",
      "token_usage_tracking",
      "budget_management",
      "real_time_usage_analytics",
      "comprehensive_limit_validation",
      "site_activations",
      "streaming",
    ],
    documentation: "https://docs.chatello.io",
  });
});

describe("CORS (§1.6)", () => {
  it("every response (200, 400, 401, 403, 404, 413) carries * and the expose list, never credentials", async () => {
    const { key } = await newLicense(p, "starter");
    await http(p.baseUrl, "POST", "/api/activate", { key, json: { site_url: "taken.example.com" } });
    const origin = { origin: "https://shop.example.com" };
    const cases: Array<[number, Promise<HttpResult>]> = [
      [200, http(p.baseUrl, "GET", "/", { headers: origin })],
      [200, http(p.baseUrl, "POST", "/api/validate", { key, headers: origin })],
      [200, http(p.baseUrl, "GET", "/api/sites", { key, headers: origin })],
      [400, http(p.baseUrl, "POST", "/api/validate", { headers: origin })],
      [400, http(p.baseUrl, "POST", "/api/activate", { key, raw: "{", contentType: "application/json", headers: origin })],
      [401, http(p.baseUrl, "GET", "/api/sites", { headers: origin })],
      [403, http(p.baseUrl, "POST", "/api/activate", { key, json: { site_url: "other.example.com" }, headers: origin })],
      [404, http(p.baseUrl, "POST", "/api/validate", { key: "CHA-NOPE", headers: origin })],
      [404, http(p.baseUrl, "GET", "/no/such/path", { headers: origin })],
      [413, http(p.baseUrl, "POST", "/api/activate", { key, raw: "x".repeat(MIB + 1), contentType: "application/json" })],
    ];
    for (const [status, pending] of cases) {
      const response = await pending;
      expect(response.status).toBe(status);
      expectCors(response);
    }
  });

  it.each([["/api/validate"], ["/api/activate"], ["/api/sites"], ["/"], ["/anything"], ["/a/b/c?x=1"]])(
    "OPTIONS %s → 204 with the preflight headers",
    async (target) => {
      const response = await http(p.baseUrl, "OPTIONS", target, {
        headers: {
          origin: "https://shop.example.com",
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type, x-license-key, x-site-url",
        },
      });
      expect(response.status).toBe(204);
      expect(response.text).toBe("");
      expectCors(response);
      expect(response.headers.get("access-control-allow-methods")).toBe("GET, POST, OPTIONS");
      expect(response.headers.get("access-control-allow-headers")).toBe("Content-Type, X-License-Key, X-Site-URL, Authorization");
      expect(response.headers.get("access-control-max-age")).toBe("86400");
    },
  );
});

describe("unknown routes and oversized input (§1.7)", () => {
  it.each([
    ["GET", "/nothing-here"],
    ["POST", "/api/nothing"],
    ["POST", "/api/admin/customers"],
    ["POST", "/api/admin/licenses"],
    ["GET", "/api/usage"],
    ["POST", "/api/webhook/payment"],
  ])("%s %s → 404 JSON", async (method, target) => {
    const response = await http(p.baseUrl, method, target, method === "POST" ? { json: { email: "x@example.com" } } : {});
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe(JSON_CONTENT_TYPE);
    expect(response.body).toEqual({ error: "Not found", code: "NOT_FOUND" });
  });

  it.each([["/api/validate"], ["/api/activate"], ["/api/deactivate"]])(
    "a body over 1 MiB on %s → 413; exactly 1 MiB is read",
    async (target) => {
      const { key, license } = await newLicense(p, "pro");
      const tooLarge = await http(p.baseUrl, "POST", target, {
        key,
        raw: JSON.stringify({ site_url: "big.example.com", pad: "x".repeat(MIB) }),
        contentType: "application/json",
      });
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.body).toEqual({ error: "Request body too large", code: "INVALID_INPUT" });
      const prefix = '{"site_url":"big.example.com","pad":"';
      const exact = `${prefix}${"x".repeat(MIB - prefix.length - 2)}"}`;
      expect(Buffer.byteLength(exact)).toBe(MIB);
      expect((await http(p.baseUrl, "POST", target, { key, raw: exact, contentType: "application/json" })).status).toBe(200);
      const activations = await p.services.models.Activation.countDocuments({ license_id: license._id }).exec();
      expect(activations).toBe(target === "/api/deactivate" ? 0 : 1);
    },
  );

  it("a malformed percent-encoded path still answers JSON with CORS headers and a contract code", async () => {
    const response = await http(p.baseUrl, "GET", "/api/%E0%A4%A");
    expect([400, 404]).toContain(response.status);
    expect(response.headers.get("content-type")).toBe(JSON_CONTENT_TYPE);
    expectCors(response);
    expect(ERROR_CODES).toContain(response.body.code);
    expect(Object.keys(response.body).sort()).toEqual(["code", "error"]);
  });
});

describe("the license key (§1.2)", () => {
  it("is never read from the query string or Authorization", async () => {
    const { key } = await newLicense(p, "pro");
    for (const [method, target, options] of [
      ["GET", `/api/sites?license_key=${key}`, {}],
      ["GET", `/api/sites?key=${key}&X-License-Key=${key}`, {}],
      ["GET", "/api/sites", { headers: { authorization: `Bearer ${key}` } }],
      ["POST", `/api/activate?license_key=${key}`, { json: { site_url: "q.example.com" } }],
      ["POST", `/api/deactivate?license_key=${key}`, { json: { site_url: "q.example.com" } }],
    ] as Array<[string, string, RequestOptions]>) {
      const response = await http(p.baseUrl, method, target, options);
      expect({ target, status: response.status, body: response.body }).toEqual({
        target,
        status: 401,
        body: { error: "License key required", code: "LICENSE_REQUIRED" },
      });
    }
    expect((await http(p.baseUrl, "GET", `/api/sites?license_key=CHA-WRONG`, { key })).status).toBe(200);
  });
});

it("no error body carries a stack trace or exception text (§1.4)", async () => {
  const { key } = await newLicense(p, "pro");
  const requests: Array<[string, string, RequestOptions]> = [
    ["POST", "/api/validate", {}],
    ["POST", "/api/validate", { key: "CHA-NOPE" }],
    ["POST", "/api/validate", { key, site: "https://" }],
    ["POST", "/api/validate", { key: "x".repeat(5000) }],
    ["POST", "/api/activate", { key, raw: '{"site_url": [', contentType: "application/json" }],
    ["POST", "/api/activate", { key, raw: new Uint8Array([0xc3, 0x28]), contentType: "application/json" }],
    ["POST", "/api/activate", { key, json: { site_url: { $where: "sleep(1)" } } }],
    ["POST", "/api/activate", { key, json: {} }],
    ["POST", "/api/deactivate", { key, json: { site_url: "exa\u0000mple.com" } }],
    ["POST", "/api/activate", { key, raw: "x".repeat(MIB + 10), contentType: "application/json" }],
    ["GET", "/api/sites", { key: "CHA-NOPE" }],
    ["GET", "/nowhere", {}],
    ["GET", "/api/%E0%A4%A", {}],
    ["POST", "/api/activate", { key, raw: "{}", contentType: 'application/json; charset=utf-8; boundary="' }],
  ];
  for (const [method, target, options] of requests) {
    const response = await http(p.baseUrl, method, target, options);
    const where = `${method} ${target.slice(0, 40)} → ${response.status}`;
    expect({ where, ok: response.status >= 400 && response.status < 500 }).toEqual({ where, ok: true });
    expect({ where, text: response.text }).not.toEqual({
      where,
      text: expect.stringMatching(/\n\s+at |\bat [\w$.<>]+ \(|Error:|node_modules|\/src\//),
    });
  }
});

describe("bad input changes nothing (§1.7)", () => {
  it("malformed activate/deactivate/validate requests leave activations and licenses untouched", async () => {
    const { key } = await newLicense(p, "starter");
    await http(p.baseUrl, "POST", "/api/activate", { key, json: { site_url: "kept.example.com" } });
    await http(p.baseUrl, "POST", "/api/activate", { key, json: { site_url: "localhost:3000" } });
    // A valid call first, so the coalesced last_check write (at most once a minute, §2.4) is already done.
    expect((await http(p.baseUrl, "POST", "/api/validate", { key })).status).toBe(200);
    const before = await snapshot(p);

    const bad: RequestOptions[] = [
      { raw: "{", contentType: "application/json" },
      { raw: "[]", contentType: "application/json" },
      { raw: "7", contentType: "application/json" },
      { raw: new Uint8Array([0xff, 0xff]), contentType: "application/json" },
      { raw: '{"site_url":"kept.example.com"}', contentType: "text/plain" },
      { json: { site_url: { $ne: null } } },
      { json: { site_url: ["kept.example.com"] } },
      { json: { site_url: "https://" } },
      { json: {} },
      { raw: "x".repeat(MIB + 1), contentType: "application/json" },
    ];
    for (const options of bad) {
      for (const target of ["/api/activate", "/api/deactivate"]) {
        const response = await http(p.baseUrl, "POST", target, { key, ...options });
        expect([400, 413]).toContain(response.status);
      }
    }
    for (const options of [
      { site: "https://" },
      { json: { site_url: 42 } },
      { site: "new.example.com" },
      { raw: "garbage", contentType: "text/plain" },
    ]) {
      await http(p.baseUrl, "POST", "/api/validate", { key, ...options });
    }
    for (const wrong of ["", key.toLowerCase(), "C".repeat(65)]) {
      await http(p.baseUrl, "POST", "/api/activate", { key: wrong, json: { site_url: "intruder.example.com" } });
      await http(p.baseUrl, "POST", "/api/deactivate", { key: wrong, json: { site_url: "kept.example.com" } });
    }
    expect(await snapshot(p)).toEqual(before);
  });
});
