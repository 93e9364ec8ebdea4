import { request as httpRequest } from "node:http";
import { Writable } from "node:stream";
import { createLogger } from "../../src/logger";
import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import { AdminRole } from "../../src/modules/admins/admin.model";
import { startOpenAIStub } from "../support/ai-stubs";
import { newLicense } from "../support/fixtures";
import { http, type HttpResult } from "../support/http";
import { bearer, startTestPlatform, TEST_APP_SECRET, type TestPlatform } from "../support/platform";

const PROVIDER_KEY = "sk-env-openai-provider-key-0123456789";
const STORED_PROVIDER_KEY = "sk-stored-deepseek-provider-key-9876543210";
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type LogLine = Record<string, unknown>;

/** A platform whose log (the real createLogger, at info) is written to a string the test reads. */
async function loggedPlatform(env: Record<string, string> = {}): Promise<{ platform: TestPlatform; output: () => string }> {
  let output = "";
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      output += chunk.toString();
      done();
    },
  });
  const logger = createLogger({ logLevel: "info", logPretty: false }, sink);
  const platform = await startTestPlatform({ logger, env: { OPENAI_API_KEY: PROVIDER_KEY, ...env } });
  return { platform, output: () => output };
}

function linesOf(output: string): LogLine[] {
  return output
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as LogLine);
}

describe("the request log (LOG_REQUESTS on, the default)", () => {
  let platform: TestPlatform;
  let output: () => string;
  let key: string;
  let token: string;
  let tokenId: string;
  const answers: HttpResult[] = [];

  /** Sends a request and keeps its answer, so every request can be matched with its log line. */
  async function send(...args: Parameters<typeof http>): Promise<HttpResult> {
    const answer = await http(...args);
    answers.push(answer);
    return answer;
  }

  /** The request lines for one request id (the onResponse hook runs after the answer is sent, so wait for it). */
  async function requestLines(requestId: string | null): Promise<LogLine[]> {
    const find = (): LogLine[] => linesOf(output()).filter((line) => line["msg"] === "request" && line["request_id"] === requestId);
    for (let attempt = 0; attempt < 100 && find().length === 0; attempt += 1) await new Promise((resolve) => setImmediate(resolve));
    return find();
  }

  async function onlyLineOf(answer: HttpResult): Promise<LogLine> {
    const lines = await requestLines(answer.headers.get("x-request-id"));
    expect(lines).toHaveLength(1);
    return lines[0] as LogLine;
  }

  beforeAll(async () => {
    ({ platform, output } = await loggedPlatform());
    ({ key } = await newLicense(platform, "pro"));
    const created = await platform.services.admins.create("request-log test", AdminRole.owner, SYSTEM_ACTOR);
    token = created.token;
    tokenId = created.admin._id.toHexString();
  });
  afterAll(() => platform.stop());

  it("writes one line per plugin request: method, route, path without the query, status, duration, request id, key_last4", async () => {
    const answer = await send(platform.baseUrl, "POST", "/api/validate?utm=newsletter", { key });
    expect(answer.status).toBe(200);

    const line = await onlyLineOf(answer);
    expect(line).toEqual({
      level: 30,
      time: expect.stringMatching(ISO_UTC),
      pid: process.pid,
      hostname: expect.any(String),
      request_id: answer.headers.get("x-request-id"),
      msg: "request",
      method: "POST",
      route: "/api/validate",
      path: "/api/validate",
      status: 200,
      duration_ms: expect.any(Number),
      key_last4: key.slice(-4),
    });
    expect(line["duration_ms"]).toBeGreaterThanOrEqual(0);
    expect(answer.headers.get("x-request-id")).toMatch(UUID);
  });

  it("logs the legacy route's path with the key replaced, and refused requests too", async () => {
    const legacy = await onlyLineOf(await send(platform.baseUrl, "GET", `/api/usage/${key}?x=1`));
    expect(legacy).toMatchObject({
      route: "/api/usage/:license_key",
      path: "/api/usage/[redacted]",
      status: 200,
      key_last4: key.slice(-4),
    });

    const refused = await onlyLineOf(
      await send(platform.baseUrl, "GET", "/api/usage/current", { key: "CHA-00000000-00000000-00000000-0000BEEF" }),
    );
    expect(refused).toMatchObject({ route: "/api/usage/current", status: 401, key_last4: "BEEF" });

    const unmatched = await onlyLineOf(await send(platform.baseUrl, "GET", `/api/usage/${key}/more?key=${key}`));
    expect(unmatched).toMatchObject({ route: null, path: "/api/usage/[redacted]/more", status: 404 });
  });

  it("names the admin token by its id on GraphQL, and the license on GraphQL and /v1 by its last 4", async () => {
    const asAdmin = await send(platform.baseUrl, "POST", "/graphql", {
      json: { query: `mutation { setProviderKey(provider: "deepseek", apiKey: "${STORED_PROVIDER_KEY}") { keyLast4 } }` },
      headers: bearer(token),
    });
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body).not.toHaveProperty("errors");
    const adminLine = await onlyLineOf(asAdmin);
    expect(adminLine).toMatchObject({ method: "POST", route: "/graphql", path: "/graphql", status: 200, admin_token_id: tokenId });
    expect(adminLine).not.toHaveProperty("key_last4");

    const asHolder = await send(platform.baseUrl, "POST", "/graphql", { json: { query: "{ viewer { kind } }" }, key });
    expect(asHolder.body).toEqual({ data: { viewer: { kind: "license" } } });
    const holderLine = await onlyLineOf(asHolder);
    expect(holderLine).toMatchObject({ route: "/graphql", key_last4: key.slice(-4) });
    expect(holderLine).not.toHaveProperty("admin_token_id");

    const openai = await onlyLineOf(await send(platform.baseUrl, "GET", "/v1/models", { headers: bearer(key) }));
    expect(openai).toMatchObject({ route: "/v1/models", key_last4: key.slice(-4) });
  });

  it("reuses a well-formed X-Request-Id and echoes it; replaces one that is malformed or too long", async () => {
    const given = "lb-7f3a.2026:12:03_x";
    const reused = await send(platform.baseUrl, "GET", "/livez", { headers: { "x-request-id": given } });
    expect(reused.headers.get("x-request-id")).toBe(given);
    expect(await onlyLineOf(reused)).toMatchObject({ request_id: given, route: "/livez", status: 200 });

    for (const bad of ["has spaces in it", '"quoted"', "x".repeat(129), "semi;colon", "ünïcode"]) {
      const replaced = await send(platform.baseUrl, "GET", "/livez", { headers: { "x-request-id": bad } });
      expect(replaced.headers.get("x-request-id")).toMatch(UUID);
      expect(await onlyLineOf(replaced)).toMatchObject({ route: "/livez" });
    }
    const longest = "y".repeat(128);
    expect((await send(platform.baseUrl, "GET", "/livez", { headers: { "x-request-id": longest } })).headers.get("x-request-id")).toBe(
      longest,
    );
  });

  it("never writes a secret: no license key, admin token, app secret or provider key in any line", async () => {
    // One more request of each kind that carries a secret, failing ones included.
    await send(platform.baseUrl, "POST", "/graphql", { json: { query: "{ viewer { kind } }" }, headers: bearer(`${token}x`) });
    await send(platform.baseUrl, "POST", "/api/chat", { key, json: { message: "hello" } });

    const text = output();
    for (const secret of [key, token, TEST_APP_SECRET, PROVIDER_KEY, STORED_PROVIDER_KEY]) expect(text).not.toContain(secret);
    // Every line is JSON with an ISO time, and each answered request has exactly one request line.
    const lines = linesOf(text);
    for (const line of lines) expect(line["time"]).toMatch(ISO_UTC);
    for (const answer of answers) expect(await requestLines(answer.headers.get("x-request-id"))).toHaveLength(1);
    expect(lines.filter((line) => line["msg"] === "request")).toHaveLength(answers.length);
  });
});

describe("a caller that leaves before the answer", () => {
  it("still gets its one line, marked aborted, with no status (none was sent)", async () => {
    const stub = await startOpenAIStub();
    stub.behave({ mode: "hang" });
    const { platform, output } = await loggedPlatform({ OPENAI_BASE_URL: stub.baseUrl, THROTTLE: "off" });
    try {
      const { key } = await newLicense(platform, "pro");
      const url = new URL(`${platform.baseUrl}/api/chat`);
      const request = httpRequest({
        hostname: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        headers: { "content-type": "application/json", "x-license-key": key, "x-request-id": "caller-gone-1" },
      });
      request.on("error", () => undefined);
      request.end(JSON.stringify({ messages: [{ role: "user", content: "Hi" }] }));
      await waitUntil(() => stub.requests.length === 1);
      request.destroy();

      await waitUntil(() => output().includes('"caller-gone-1"'));
      const lines = linesOf(output()).filter((line) => line["request_id"] === "caller-gone-1");
      expect(lines).toEqual([
        expect.objectContaining({ msg: "request", route: "/api/chat", status: null, aborted: true, key_last4: key.slice(-4) }),
      ]);
    } finally {
      await platform.stop();
      await stub.close();
    }
    // The handler's late answer to the closed connection added no second line.
    expect(linesOf(output()).filter((line) => line["request_id"] === "caller-gone-1" && line["msg"] === "request")).toHaveLength(1);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("LOG_REQUESTS=0", () => {
  it("writes no request lines", async () => {
    const { platform, output } = await loggedPlatform({ LOG_REQUESTS: "0" });
    try {
      const { key } = await newLicense(platform, "pro");
      expect((await http(platform.baseUrl, "POST", "/api/validate", { key })).status).toBe(200);
      expect((await http(platform.baseUrl, "GET", "/livez")).status).toBe(200);
      expect((await http(platform.baseUrl, "GET", "/nope")).status).toBe(404);
    } finally {
      // Closing waits for every request to finish, so any request line would have been written by now.
      await platform.stop();
    }
    // The platform still logs at info, just not requests: a line written after them proves the sink was live.
    platform.app.log.info("marker");
    const messages = linesOf(output()).map((line) => line["msg"]);
    expect(messages).toContain("marker");
    expect(messages).not.toContain("request");
  });
});
