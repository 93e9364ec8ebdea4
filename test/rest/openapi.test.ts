import { subscribe, unsubscribe } from "node:diagnostics_channel";
import Ajv2020 from "ajv/dist/2020";
import type { FastifyInstance, RouteOptions } from "fastify";
import { DOCS_PAGE_CSP } from "../../src/rest/docs/api-docs";
import { OPERATIONS } from "../../src/rest/docs/operations";
import { newLicense } from "../support/fixtures";
import { http, type HttpResult } from "../support/http";
import { startTestPlatform, type TestPlatform } from "../support/platform";

// The OpenAPI document at /api/openapi.json (issue 11, part 5): its shape, that it covers every route of the plugin
// REST shim and /v1, and that its examples and the platform's real answers fit its schemas.

interface Media {
  schema: Record<string, unknown>;
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}
interface Operation {
  operationId: string;
  responses: Record<string, { description: string; content?: Record<string, Media> }>;
  requestBody?: { content: Record<string, Media> };
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, Record<string, string>> };
}

// Every route the platform registers, seen by an onRoute hook added as the app is created (Fastify announces each
// new instance on this diagnostics channel), so a route added before the docs plugin would be seen too.
const registered: Array<{ method: string; url: string }> = [];
const onInit = (message: unknown): void => {
  const { fastify } = message as { fastify: FastifyInstance };
  fastify.addHook("onRoute", (route: RouteOptions) => {
    for (const method of [route.method].flat()) registered.push({ method: String(method), url: route.url ?? "" });
  });
};

let p: TestPlatform;
let doc: Document;
beforeAll(async () => {
  subscribe("fastify.initialization", onInit);
  try {
    p = await startTestPlatform({ env: { THROTTLE: "off" } });
  } finally {
    unsubscribe("fastify.initialization", onInit);
  }
  const response = await fetch(`${p.baseUrl}/api/openapi.json`);
  expect(response.status).toBe(200);
  doc = (await response.json()) as Document;
});
afterAll(async () => p?.stop());

const ajv = new Ajv2020({ strict: false, allErrors: true });
const METHODS = ["get", "post", "put", "patch", "delete"];
const openapiPath = (url: string): string => url.replace(/:(\w+)/g, "{$1}");
const operations = (): Array<[string, string, Operation]> =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]): [string, string, Operation] => [path, method, op]),
  );

describe("the document", () => {
  it("is OpenAPI 3.1 with operations that each have responses, and the license key as an apiKey header scheme", () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(Object.keys(doc.paths).length).toBeGreaterThan(0);
    for (const [path, item] of Object.entries(doc.paths)) {
      expect([path, Object.keys(item).filter((key) => METHODS.includes(key)).length > 0]).toEqual([path, true]);
    }
    for (const [path, method, op] of operations()) {
      expect([path, method, Object.keys(op.responses).length > 0, typeof op.operationId]).toEqual([path, method, true, "string"]);
    }
    expect(doc.components.securitySchemes.licenseKey).toMatchObject({ type: "apiKey", in: "header", name: "X-License-Key" });
    expect(doc.components.securitySchemes.licenseBearer).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it("documents exactly the plugin REST shim and /v1: no GraphQL, playground, docs pages or probes", () => {
    const documented = operations().map(([path, method]) => `${method.toUpperCase()} ${path}`);
    expect(documented.sort()).toEqual(
      Object.keys(OPERATIONS)
        .map((key) => openapiPath(key))
        .sort(),
    );
    for (const path of Object.keys(doc.paths)) expect(path).toMatch(/^\/$|^\/api\/|^\/admin\/health$|^\/v1\//);
  });

  it("covers every route registered under /, /api, /admin/health and /v1; the others only refuse (404/405)", async () => {
    const ours = registered.filter(
      ({ method, url }) =>
        method !== "HEAD" &&
        method !== "OPTIONS" &&
        /^\/$|^\/api(\/|$)|^\/admin\/health$|^\/v1(\/|$)/.test(url) &&
        !url.startsWith("/api/docs") &&
        url !== "/api/openapi.json",
    );
    expect(ours.length).toBeGreaterThan(Object.keys(OPERATIONS).length);
    // A key that passes /v1's gate, so its refusals are reached (without one they answer 401 first).
    const { key } = await newLicense(p, "agency");
    for (const { method, url } of ours) {
      if (doc.paths[openapiPath(url)]?.[method.toLowerCase()]) continue;
      // Not documented: it must be a method refusal or /v1's unknown-URL answer, nothing that serves data.
      const response = await p.app.inject({
        method: method as "GET",
        url: url.replace(/:\w+/, "x").replace("*", "nope"),
        headers: { authorization: `Bearer ${key}` },
      });
      expect([method, url, response.statusCode]).toEqual([method, url, /\/v1(\/\*)?$/.test(url) ? 404 : 405]);
    }
    const seen = new Set(ours.map(({ method, url }) => `${method} ${url}`));
    for (const key of Object.keys(OPERATIONS)) expect([key, seen.has(key)]).toEqual([key, true]);
  });

  it("has examples that each validate against their own schema", () => {
    let checked = 0;
    for (const [path, method, op] of operations()) {
      const media = [
        ...Object.entries(op.responses).flatMap(([status, response]) =>
          Object.entries(response.content ?? {}).map(([type, m]) => [`${status} ${type}`, m] as const),
        ),
        ...Object.entries(op.requestBody?.content ?? {}).map(([type, m]) => [`request ${type}`, m] as const),
      ];
      for (const [where, { schema, example, examples }] of media) {
        const validate = ajv.compile(schema);
        const values = [...(example === undefined ? [] : [example]), ...Object.values(examples ?? {}).map((e) => e.value)];
        for (const value of values) {
          checked++;
          expect([method, path, where, validate(value) ? "valid" : ajv.errorsText(validate.errors)]).toEqual([
            method,
            path,
            where,
            "valid",
          ]);
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
  });
});

/** Asserts that a real answer fits the document's schema for its route and status. */
function expectDocumented(method: string, template: string, result: HttpResult): void {
  const op = doc.paths[template]?.[method];
  expect(op).toBeDefined();
  const response = op?.responses[String(result.status)] ?? op?.responses.default;
  const schema = response?.content?.["application/json"]?.schema;
  expect([template, result.status, schema === undefined ? "undocumented" : "documented"]).toEqual([template, result.status, "documented"]);
  const validate = ajv.compile(schema ?? {});
  expect([template, result.status, validate(result.body) ? "valid" : ajv.errorsText(validate.errors)]).toEqual([
    template,
    result.status,
    "valid",
  ]);
}

describe("real answers fit the documented schema of their status", () => {
  it("validate: 200 for a license with a site, 404 for an unknown key, 400 without a key", async () => {
    const { key } = await newLicense(p, "founders");
    const ok = await http(p.baseUrl, "POST", "/api/validate", { key, site: "https://shop.example.com/" });
    expect(ok.status).toBe(200);
    expectDocumented("post", "/api/validate", ok);
    const unknown = await http(p.baseUrl, "POST", "/api/validate", { key: "CHA-00000000-00000000-00000000-00000000" });
    expect(unknown.status).toBe(404);
    expectDocumented("post", "/api/validate", unknown);
    expectDocumented("post", "/api/validate", await http(p.baseUrl, "POST", "/api/validate"));
  });

  it("usage and limits: 200 with a key, 401 for an unknown one; legacy usage 200 and 404", async () => {
    const { key } = await newLicense(p, "pro");
    for (const path of ["/api/usage/current", "/api/usage/history", "/api/limits/check", "/api/sites"]) {
      const ok = await http(p.baseUrl, "GET", path, { key });
      expect([path, ok.status]).toEqual([path, 200]);
      expectDocumented("get", path, ok);
      const refused = await http(p.baseUrl, "GET", path, { key: "CHA-NOPE" });
      expect([path, refused.status]).toEqual([path, 401]);
      expectDocumented("get", path, refused);
    }
    const legacy = await http(p.baseUrl, "GET", `/api/usage/${key}`);
    expect(legacy.status).toBe(200);
    expectDocumented("get", "/api/usage/{license_key}", legacy);
    const missing = await http(p.baseUrl, "GET", "/api/usage/CHA-NOPE");
    expect(missing.status).toBe(404);
    expectDocumented("get", "/api/usage/{license_key}", missing);
  });

  it("sites, info and health", async () => {
    const { key } = await newLicense(p, "pro");
    const activated = await http(p.baseUrl, "POST", "/api/activate", { key, json: { site_url: "https://www.example.com/" } });
    expect(activated.status).toBe(200);
    expectDocumented("post", "/api/activate", activated);
    expectDocumented("post", "/api/activate", await http(p.baseUrl, "POST", "/api/activate", { key }));
    expectDocumented(
      "post",
      "/api/deactivate",
      await http(p.baseUrl, "POST", "/api/deactivate", { key, json: { site_url: "example.com" } }),
    );
    expectDocumented("get", "/", await http(p.baseUrl, "GET", "/"));
    for (const path of ["/api/health", "/admin/health"]) expectDocumented("get", path, await http(p.baseUrl, "GET", path));
  });

  it("chat on a platform without provider keys: 503 not configured; 400 for an empty body; the same on /v1", async () => {
    const { key } = await newLicense(p, "agency");
    const messages = [{ role: "user", content: "Hello" }];
    const chat = await http(p.baseUrl, "POST", "/api/chat", { key, json: { messages } });
    expect(chat.status).toBe(503);
    expectDocumented("post", "/api/chat", chat);
    const empty = await http(p.baseUrl, "POST", "/api/chat", { key });
    expect(empty.status).toBe(400);
    expectDocumented("post", "/api/chat", empty);
    const headers = { authorization: `Bearer ${key}` };
    const v1 = await http(p.baseUrl, "POST", "/v1/chat/completions", { headers, json: { model: "gpt-4o-mini", messages } });
    expect(v1.status).toBe(503);
    expectDocumented("post", "/v1/chat/completions", v1);
    const noModel = await http(p.baseUrl, "POST", "/v1/chat/completions", { headers, json: { messages } });
    expect(noModel.status).toBe(400);
    expectDocumented("post", "/v1/chat/completions", noModel);
  });

  it("/v1/models: 200 with an agency key, 401 without one", async () => {
    const { key } = await newLicense(p, "agency");
    const ok = await http(p.baseUrl, "GET", "/v1/models", { headers: { authorization: `Bearer ${key}` } });
    expect(ok.status).toBe(200);
    expectDocumented("get", "/v1/models", ok);
    const refused = await http(p.baseUrl, "GET", "/v1/models");
    expect(refused.status).toBe(401);
    expectDocumented("get", "/v1/models", refused);
  });
});

describe("the docs page", () => {
  it("serves the same document at /api/docs/json, and a page that refers to nothing on another host", async () => {
    const json = await http(p.baseUrl, "GET", "/api/docs/json");
    expect(json.body).toEqual(doc);
    const yaml = await http(p.baseUrl, "GET", "/api/docs/yaml");
    expect(yaml.status).toBe(200);
    expect(yaml.text).toMatch(/^openapi: 3\.1\.0$/m);
    const page = await http(p.baseUrl, "GET", "/api/docs/");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("content-security-policy")).toBe(DOCS_PAGE_CSP);
    expect(page.text).not.toMatch(/(src|href)="(https?:)?\/\//);
    const initializer = await http(p.baseUrl, "GET", "/api/docs/static/swagger-initializer.js");
    expect(initializer.status).toBe(200);
    expect(initializer.text).toContain("validatorUrl: null");
    // What could load from elsewhere: URLs outside comments and the inline (data:) logo.
    const code = initializer.text.replace(/^\s*\/\/.*$/gm, "").replace(/data:[^']*/g, "");
    expect(code).not.toMatch(/https?:\/\//);
  });
});
