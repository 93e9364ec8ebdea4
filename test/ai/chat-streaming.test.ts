import { request as httpRequest, type IncomingMessage } from "node:http";
import type { mongoose } from "@typegoose/typegoose";
import { http, JSON_CONTENT_TYPE, type HttpResult, type Json, type RequestOptions } from "../support/http";
import { newLicense } from "../support/fixtures";
import { startAiPlatform, type AiPlatform } from "../support/ai-platform";
import type { ProviderStub } from "../support/ai-stubs";

// POST /api/chat with "stream": true: plugin contract §6.4 "200 with stream: true" and "Streaming details", §4.4
// (the estimate), §4.1 (one usage record per provider call), reliability B6 (a client that goes away aborts the call).
// `p` has the default 30 s provider timeout; `short` a 300 ms one, for a provider that goes silent.
let p: AiPlatform;
let short: AiPlatform;
beforeAll(async () => {
  [p, short] = await Promise.all([startAiPlatform(), startAiPlatform({ env: { AI_TIMEOUT_MS: "300" } })]);
});
afterAll(async () => {
  await Promise.all([p?.stop(), short?.stop()]);
});
beforeEach(() => {
  for (const stub of [...stubs(), short.stubs.openai, short.stubs.anthropic, short.stubs.deepseek]) stub.reset();
});

type Provider = "openai" | "anthropic" | "deepseek";
const stubs = (): ProviderStub[] => [p.stubs.openai, p.stubs.anthropic, p.stubs.deepseek];
const HI = [{ role: "user", content: "Hi" }];
const chat = (key: string, json: unknown, options: RequestOptions = {}): Promise<HttpResult> =>
  http(p.baseUrl, "POST", "/api/chat", { key, json, ...options });

const KEYS: Record<Provider, string> = { openai: "sk-test-openai-0000", anthropic: "sk-ant-test-0000", deepseek: "sk-test-deepseek-0000" };
const PATHS: Record<Provider, string> = { openai: "/chat/completions", anthropic: "/v1/messages", deepseek: "/chat/completions" };
const MODELS: Record<Provider, string> = { openai: "gpt-4o-mini", anthropic: "claude-3-haiku-20240307", deepseek: "deepseek-chat" };
// EUR per million tokens = micro-euros per token.
const PRICES: Record<Provider, { input: number; output: number }> = {
  openai: { input: 0.138, output: 0.552 },
  anthropic: { input: 0.23, output: 1.15 },
  deepseek: { input: 0.2484, output: 1.012 },
};
const costMicros = (provider: Provider, prompt: number, completion: number): number =>
  Math.ceil(prompt * PRICES[provider].input + completion * PRICES[provider].output);
const eur4 = (micros: number): number => Math.round(micros / 100) / 10_000;

/** What the stub itself sends for this request body, asked for directly (not through the platform). */
async function directFromStub(provider: Provider, body: unknown): Promise<string> {
  const stub = p.stubs[provider];
  const response = await fetch(`${stub.baseUrl}${PATHS[provider]}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${KEYS[provider]}` },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return response.text();
}

/** Ids and timestamps differ between two answers of the stub; everything else is deterministic. */
const normalised = (sse: string): string =>
  sse.replace(/"id":"(chatcmpl-|msg_)[0-9a-f]+"/g, '"id":"ID"').replace(/"created":\d+/g, '"created":0');

/** Splits the platform's stream into the provider's bytes and the platform's final event. */
function splitFinal(text: string, event: "chatello.usage" | "chatello.error"): { provider: string; data: Json } {
  const at = text.lastIndexOf(`event: ${event}\n`);
  expect(at).toBeGreaterThan(0);
  const final = text.slice(at);
  const match = /^event: chatello\.(?:usage|error)\ndata: (\{[^\n]*\})\n\n$/.exec(final);
  expect(match).not.toBeNull();
  return { provider: text.slice(0, at), data: JSON.parse((match as RegExpExecArray)[1]) as Json };
}

async function tally(licenseId: mongoose.Types.ObjectId) {
  const counters = await p.services.models.UsageCounter.find({ license_id: licenseId }).lean().exec();
  const month = counters.filter((c) => c.window.startsWith("m:"));
  const sum = (list: typeof counters, field: "requests" | "cost_micros" | "reserved_micros" | "tokens"): number =>
    list.reduce((total, c) => total + (c[field] ?? 0), 0);
  return {
    requests: sum(month, "requests"),
    cost_micros: sum(month, "cost_micros"),
    reserved_micros: sum(month, "reserved_micros"),
    tokens: sum(month, "tokens"),
    pending: month.reduce((total, c) => total + (c.pending ?? []).length, 0),
    hour: sum(
      counters.filter((c) => c.window.startsWith("h:")),
      "requests",
    ),
    minute: sum(
      counters.filter((c) => c.window.startsWith("i:")),
      "requests",
    ),
  };
}

const logsOf = (licenseId: mongoose.Types.ObjectId) =>
  p.services.models.UsageLog.find({ license_id: licenseId }).sort({ _id: 1 }).lean().exec();

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("waitFor: condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function expectStreamHeaders(response: HttpResult): void {
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("text/event-stream");
  expect(response.headers.get("cache-control")).toBe("no-cache");
  expect(response.headers.get("x-accel-buffering")).toBe("no");
}

describe("a complete stream", () => {
  it.each(["openai", "deepseek", "anthropic"] as const)(
    "%s: headers, the provider's bytes unchanged, then chatello.usage with the reported usage and its cost",
    async (provider) => {
      const { key, license } = await newLicense(p, "pro");
      p.stubs[provider].behave({ text: "Ciao, come posso aiutarti oggi?", promptTokens: 1_000_000, completionTokens: 500_000 });
      const messages = [{ role: "user", content: "Hi there" }];
      const response = await chat(key, { api_provider: provider, messages, stream: true, max_tokens: 256, temperature: 0.4 });
      expectStreamHeaders(response);

      // What the provider was asked: streamed, with usage for OpenAI-style providers.
      const stub = p.stubs[provider];
      expect(stub.requests).toHaveLength(1);
      const sent = stub.requests[0].body;
      expect(sent).toEqual(
        provider === "anthropic"
          ? { model: MODELS[provider], messages, max_tokens: 256, temperature: 0.4, stream: true }
          : { model: MODELS[provider], messages, max_tokens: 256, temperature: 0.4, stream: true, stream_options: { include_usage: true } },
      );
      await stub.requests[0].closed;
      expect(stub.requests[0].outcome).toBe("completed");

      // The provider's bytes, byte for byte (ids and timestamps aside, which differ between two answers).
      const { provider: passedThrough, data } = splitFinal(response.text, "chatello.usage");
      const direct = await directFromStub(provider, sent);
      expect(normalised(passedThrough)).toBe(normalised(direct));
      // The ids are the provider's own, kept as they were: one id throughout the stream.
      expect(new Set(passedThrough.match(/"id":"(chatcmpl-|msg_)[0-9a-f]+"/g)).size).toBe(1);
      if (provider === "anthropic") {
        expect(passedThrough.startsWith("event: message_start\n")).toBe(true);
        expect(passedThrough.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')).toBe(true);
      } else {
        expect(passedThrough.endsWith("data: [DONE]\n\n")).toBe(true);
        // The usage chunk asked for with include_usage has an empty `choices`.
        expect(passedThrough).toContain('"choices":[],"usage":{"prompt_tokens":1000000,"completion_tokens":500000,"total_tokens":1500000}');
      }

      const micros = costMicros(provider, 1_000_000, 500_000);
      expect(data).toEqual({
        tokens: 1_500_000,
        prompt_tokens: 1_000_000,
        completion_tokens: 500_000,
        cost_eur: eur4(micros),
        response_time_ms: expect.any(Number),
      });
      expect(Number.isInteger(data.response_time_ms)).toBe(true);

      const logs = await logsOf(license._id);
      expect(logs).toHaveLength(1);
      expect(logs[0]).toMatchObject({
        endpoint: `/api/chat/${provider}`,
        provider,
        model: MODELS[provider],
        prompt_tokens: 1_000_000,
        completion_tokens: 500_000,
        tokens_used: 1_500_000,
        cost_micros: micros,
        response_time_ms: data.response_time_ms,
        status: "ok",
        ip_address: "127.0.0.1",
      });
      expect(await tally(license._id)).toEqual({
        requests: 1,
        cost_micros: micros,
        reserved_micros: 0,
        tokens: 1_500_000,
        pending: 0,
        hour: 1,
        minute: 1,
      });
    },
  );

  it("the exact figures for gpt-4o-mini: 1,000,000 + 500,000 tokens cost 414,000 micro-euros = 0.414 EUR", async () => {
    const { key } = await newLicense(p, "pro");
    p.stubs.openai.behave({ promptTokens: 1_000_000, completionTokens: 500_000 });
    const response = await chat(key, { messages: HI, stream: true });
    expect(splitFinal(response.text, "chatello.usage").data).toMatchObject({ tokens: 1_500_000, cost_eur: 0.414 });
  });

  it.each(["openai", "deepseek", "anthropic"] as const)(
    "%s reporting no usage: charged the §4.4 estimate (floor(chars / 4), min(max_tokens, 500))",
    async (provider) => {
      const { key, license } = await newLicense(p, "pro");
      p.stubs[provider].behave({ reportUsage: false });
      // 401 characters in strings plus 16 in a text part = 417 → 104 prompt tokens.
      const messages = [
        { role: "user", content: "q".repeat(401) },
        { role: "user", content: [{ type: "text", text: "0123456789abcdef" }] },
      ];
      const response = await chat(key, { api_provider: provider, messages, stream: true, max_tokens: 1500 });
      expectStreamHeaders(response);
      const { provider: passedThrough, data } = splitFinal(response.text, "chatello.usage");
      expect(passedThrough).not.toContain("_tokens");
      const micros = costMicros(provider, 104, 500);
      expect(data).toEqual({
        tokens: 604,
        prompt_tokens: 104,
        completion_tokens: 500,
        cost_eur: eur4(micros),
        response_time_ms: expect.any(Number),
      });
      const logs = await logsOf(license._id);
      expect(logs).toHaveLength(1);
      expect(logs[0]).toMatchObject({ prompt_tokens: 104, completion_tokens: 500, tokens_used: 604, cost_micros: micros });
      expect(await tally(license._id)).toMatchObject({ requests: 1, cost_micros: micros, reserved_micros: 0, pending: 0 });
    },
  );

  it("max_tokens below 500 caps the estimated completion", async () => {
    const { key, license } = await newLicense(p, "pro");
    p.stubs.openai.behave({ reportUsage: false });
    const response = await chat(key, { messages: [{ role: "user", content: "12345678" }], stream: true, max_tokens: 42 });
    expect(splitFinal(response.text, "chatello.usage").data).toMatchObject({ tokens: 44, prompt_tokens: 2, completion_tokens: 42 });
    expect((await logsOf(license._id))[0]).toMatchObject({
      prompt_tokens: 2,
      completion_tokens: 42,
      cost_micros: costMicros("openai", 2, 42),
    });
  });
});

describe("an upstream stream that breaks", () => {
  it.each([
    ["openai", 1],
    ["deepseek", 1],
    ["anthropic", 3],
  ] as const)(
    "%s: the events that arrived, then chatello.error; one usage record and the reservation settled",
    async (provider, preambleFrames) => {
      const { key, license } = await newLicense(p, "pro");
      p.stubs[provider].behave({ mode: "break", breakAfterChunks: 2, text: "one two three four five six" });
      const body = { api_provider: provider, messages: [{ role: "user", content: "Count to six please" }], stream: true };
      const response = await chat(key, body);
      expectStreamHeaders(response);
      const { provider: passedThrough, data } = splitFinal(response.text, "chatello.error");
      expect(data).toEqual({ error: "Request failed", code: "PROVIDER_ERROR" });
      expect(response.text).not.toContain("chatello.usage");

      // The frames that arrived are the first ones of the same answer in full.
      const sent = p.stubs[provider].requests[0].body;
      p.stubs[provider].behave({ mode: "ok" });
      const direct = normalised(await directFromStub(provider, sent));
      const frames = direct.split(/(?<=\n\n)/);
      expect(normalised(passedThrough)).toBe(frames.slice(0, preambleFrames + 2).join(""));

      await waitFor(async () => (await logsOf(license._id)).length > 0);
      const logs = await logsOf(license._id);
      expect(logs).toHaveLength(1);
      expect(logs[0]).toMatchObject({ endpoint: `/api/chat/${provider}`, provider, model: MODELS[provider] });
      expect(await tally(license._id)).toMatchObject({
        requests: 1,
        cost_micros: logs[0].cost_micros,
        tokens: logs[0].tokens_used,
        reserved_micros: 0,
        pending: 0,
      });
      if (provider !== "anthropic") {
        // No usage was reported before the break: the estimate (19 characters → 4 prompt tokens; min(1000, 500)).
        expect(logs[0]).toMatchObject({ prompt_tokens: 4, completion_tokens: 500, cost_micros: costMicros(provider, 4, 500) });
      }
    },
  );
});

describe("a provider that goes silent (AI_TIMEOUT_MS=300)", () => {
  it("before accepting a streamed call → 500 Request failed JSON; the upstream call aborted; nothing recorded or counted", async () => {
    const { key, license } = await newLicense(short, "pro");
    short.stubs.openai.behave({ mode: "hang" });
    const response = await http(short.baseUrl, "POST", "/api/chat", { key, json: { messages: HI, stream: true } });
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toBe(JSON_CONTENT_TYPE);
    expect(response.body).toEqual({ error: "Request failed", code: "PROVIDER_ERROR" });
    await short.stubs.openai.requests[0].closed;
    expect(short.stubs.openai.requests[0].outcome).toBe("aborted");
    expect(await short.services.models.UsageLog.countDocuments({ license_id: license._id }).exec()).toBe(0);
    const month = await short.services.models.UsageCounter.findOne({ license_id: license._id, window: /^m:/ }).lean().exec();
    expect({ requests: month?.requests ?? 0, reserved: month?.reserved_micros ?? 0, pending: (month?.pending ?? []).length }).toEqual({
      requests: 0,
      reserved: 0,
      pending: 0,
    });
  });

  it("in the middle of a stream → chatello.error; the upstream call aborted; one usage record, the reservation settled", async () => {
    const { key, license } = await newLicense(short, "pro");
    // The first frame comes at once, the next one only after 5 s: far beyond the 300 ms of silence allowed.
    short.stubs.openai.behave({ text: "one two three", chunkDelayMs: 5_000 });
    const response = await http(short.baseUrl, "POST", "/api/chat", { key, json: { messages: HI, stream: true } });
    expectStreamHeaders(response);
    const { provider: passedThrough, data } = splitFinal(response.text, "chatello.error");
    expect(data).toEqual({ error: "Request failed", code: "PROVIDER_ERROR" });
    expect(passedThrough.split("\n\n").filter((frame) => frame !== "")).toHaveLength(1);
    await short.stubs.openai.requests[0].closed;
    expect(short.stubs.openai.requests[0].outcome).toBe("aborted");
    await waitFor(async () => (await short.services.models.UsageLog.countDocuments({ license_id: license._id }).exec()) > 0);
    const logs = await short.services.models.UsageLog.find({ license_id: license._id }).lean().exec();
    expect(logs).toHaveLength(1);
    const month = await short.services.models.UsageCounter.findOne({ license_id: license._id, window: /^m:/ }).lean().exec();
    expect({
      requests: month?.requests,
      cost: month?.cost_micros,
      reserved: month?.reserved_micros,
      pending: month?.pending.length,
    }).toEqual({
      requests: 1,
      cost: logs[0].cost_micros,
      reserved: 0,
      pending: 0,
    });
  });
});

describe("the client goes away mid-stream", () => {
  /** Starts a streamed chat with node:http, reads the first chunk, then destroys the connection. */
  async function readOneChunkAndLeave(
    key: string,
    body: unknown,
  ): Promise<{ status: number; contentType: string | undefined; first: string }> {
    const url = new URL(`${p.baseUrl}/api/chat`);
    const req = httpRequest({
      hostname: url.hostname,
      port: url.port,
      path: url.pathname,
      method: "POST",
      headers: { "content-type": "application/json", "x-license-key": key },
    });
    req.on("error", () => undefined);
    req.end(JSON.stringify(body));
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      req.once("response", resolve);
      req.once("error", reject);
    });
    const first = await new Promise<Buffer>((resolve) => res.once("data", resolve));
    res.on("error", () => undefined);
    req.destroy();
    return { status: res.statusCode ?? 0, contentType: res.headers["content-type"], first: first.toString("utf8") };
  }

  it.each(["openai", "anthropic"] as const)(
    "%s: the upstream call is aborted, one usage record, the reservation released",
    async (provider) => {
      const { key, license } = await newLicense(p, "pro");
      const words = Array.from({ length: 200 }, (_, i) => `word${i}`).join(" ");
      p.stubs[provider].behave({ text: words, chunkDelayMs: 50, promptTokens: 30, completionTokens: 200 });
      const content = "Tell me a very long story";
      const left = await readOneChunkAndLeave(key, {
        api_provider: provider,
        messages: [{ role: "user", content }],
        stream: true,
        max_tokens: 800,
      });
      expect(left.status).toBe(200);
      expect(left.contentType).toBe("text/event-stream");
      expect(left.first.length).toBeGreaterThan(0);

      const stub = p.stubs[provider];
      expect(stub.requests).toHaveLength(1);
      await stub.requests[0].closed;
      expect(stub.requests[0].outcome).toBe("aborted");

      await waitFor(async () => (await tally(license._id)).pending === 0);
      await waitFor(async () => (await logsOf(license._id)).length > 0);
      // Give a second record a chance to appear: there must never be one.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const logs = await logsOf(license._id);
      expect(logs).toHaveLength(1);
      expect(logs[0]).toMatchObject({ endpoint: `/api/chat/${provider}`, provider, model: MODELS[provider] });
      if (provider === "openai") {
        // OpenAI reports usage only in its last chunk, which never came: the estimate (25 characters → 6; min(800, 500)).
        expect(logs[0]).toMatchObject({
          prompt_tokens: 6,
          completion_tokens: 500,
          tokens_used: 506,
          cost_micros: costMicros("openai", 6, 500),
        });
      } else {
        // Anthropic reported the input tokens up front (message_start).
        expect(logs[0]).toMatchObject({ prompt_tokens: 30 });
      }
      expect(await tally(license._id)).toEqual({
        requests: 1,
        cost_micros: logs[0].cost_micros,
        reserved_micros: 0,
        tokens: logs[0].tokens_used,
        pending: 0,
        hour: 1,
        minute: 1,
      });
    },
  );
});

describe("the client goes away before a non-streamed answer", () => {
  it("the upstream call is aborted; no usage record, nothing counted (§4.1: no provider response)", async () => {
    const { key, license } = await newLicense(p, "pro");
    p.stubs.openai.behave({ delayMs: 10_000 });
    const url = new URL(`${p.baseUrl}/api/chat`);
    const req = httpRequest({
      hostname: url.hostname,
      port: url.port,
      path: url.pathname,
      method: "POST",
      headers: { "content-type": "application/json", "x-license-key": key },
    });
    req.on("error", () => undefined);
    req.end(JSON.stringify({ messages: HI }));
    await waitFor(async () => p.stubs.openai.requests.length === 1);
    req.destroy();
    await p.stubs.openai.requests[0].closed;
    expect(p.stubs.openai.requests[0].outcome).toBe("aborted");
    await waitFor(async () => (await tally(license._id)).pending === 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await logsOf(license._id)).toHaveLength(0);
    expect(await tally(license._id)).toEqual({
      requests: 0,
      cost_micros: 0,
      reserved_micros: 0,
      tokens: 0,
      pending: 0,
      hour: 0,
      minute: 0,
    });
  });
});

describe("failures before the first byte still answer JSON", () => {
  it.each([
    [
      "openai",
      500,
      JSON.stringify({
        error: { message: "The server had an error while processing your request.", type: "server_error", param: null, code: null },
      }),
    ],
    [
      "anthropic",
      429,
      JSON.stringify({
        type: "error",
        error: { type: "rate_limit_error", message: "Number of request tokens has exceeded your rate limit" },
      }),
    ],
    ["deepseek", 503, "Service Unavailable"],
  ] as const)("%s answering %d → the same status, JSON passthrough, one provider_error record", async (provider, status, errorBody) => {
    const { key, license } = await newLicense(p, "pro");
    p.stubs[provider].behave({ mode: "error", errorStatus: status, errorBody });
    const response = await chat(key, { api_provider: provider, messages: HI, stream: true });
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toBe(JSON_CONTENT_TYPE);
    expect(response.body).toEqual({ error: "AI service error", details: errorBody, code: "PROVIDER_ERROR" });
    const logs = await logsOf(license._id);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ status: "provider_error", tokens_used: 0, cost_micros: 0 });
    expect(await tally(license._id)).toMatchObject({ requests: 1, cost_micros: 0, reserved_micros: 0, pending: 0 });
  });

  it("a dropped connection → 500 Request failed JSON, no record, nothing counted", async () => {
    const { key, license } = await newLicense(p, "pro");
    p.stubs.openai.behave({ mode: "drop" });
    const response = await chat(key, { messages: HI, stream: true });
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toBe(JSON_CONTENT_TYPE);
    expect(response.body).toEqual({ error: "Request failed", code: "PROVIDER_ERROR" });
    expect(await logsOf(license._id)).toHaveLength(0);
    expect(await tally(license._id)).toMatchObject({ requests: 0, reserved_micros: 0, pending: 0, hour: 0, minute: 0 });
  });

  it("refusals (model, AI not included) → JSON, nothing sent", async () => {
    const { key } = await newLicense(p, "pro");
    const model = await chat(key, { messages: HI, stream: true, model: "gpt-4o" });
    expect(model.status).toBe(403);
    expect(model.headers.get("content-type")).toBe(JSON_CONTENT_TYPE);
    expect(model.body).toEqual({
      error: "Model not allowed for your plan",
      code: "MODEL_NOT_ALLOWED",
      provider: "openai",
      model: "gpt-4o",
      allowed_models: ["gpt-4o-mini"],
    });
    const starter = await newLicense(p, "starter");
    const refused = await chat(starter.key, { messages: HI, stream: true });
    expect(refused.status).toBe(403);
    expect(refused.headers.get("content-type")).toBe(JSON_CONTENT_TYPE);
    expect(refused.body).toMatchObject({ code: "AI_NOT_INCLUDED" });
    expect(stubs().reduce((sum, stub) => sum + stub.requests.length, 0)).toBe(0);
  });
});
