import type { mongoose } from "@typegoose/typegoose";
import { http, type HttpResult, type Json, type RequestOptions } from "../support/http";
import { newLicense } from "../support/fixtures";
import { startAiPlatform, type AiPlatform } from "../support/ai-platform";
import { monthWindow } from "../../src/modules/usage/usage-windows";
import { MONTHLY } from "../support/ai-limit-bodies";

// Malformed chats over HTTP, on /api/chat and /v1/chat/completions: each is a 400 INVALID_INPUT before anything is
// reserved or sent (plugin contract §6.4 rows 10-14, §1.2), never a 500 and never a provider 400 the customer pays
// a request for. Bodies that nest 10,000 levels deep are sent raw (JSON.stringify would overflow here first).
let p: AiPlatform;
beforeAll(async () => {
  p = await startAiPlatform();
});
afterAll(async () => {
  await p?.stop();
});
beforeEach(() => {
  for (const stub of [p.stubs.openai, p.stubs.anthropic, p.stubs.deepseek]) stub.reset();
});

const HI = { role: "user", content: "Hi" };
const DEEP = 10_000;
const deepArray = (leaf: string): string => "[".repeat(DEEP) + leaf + "]".repeat(DEEP);
const deepObject = (leaf: string): string => '{"a":'.repeat(DEEP) + leaf + "}".repeat(DEEP);
const stubRequests = (): number => p.stubs.openai.requests.length + p.stubs.anthropic.requests.length + p.stubs.deepseek.requests.length;

/** Everything a refused chat must leave as it was: every counter of the license and its usage records. */
async function state(licenseId: mongoose.Types.ObjectId): Promise<unknown> {
  const counters = await p.services.models.UsageCounter.find({ license_id: licenseId }).sort({ window: 1 }).lean().exec();
  const logs = await p.services.models.UsageLog.countDocuments({ license_id: licenseId }).exec();
  return {
    counters: counters.map(({ window, requests, cost_micros, reserved_micros, pending }) => ({
      window,
      requests,
      cost_micros,
      reserved_micros,
      pending,
    })),
    logs,
  };
}

const CONTENT = "Invalid messages[0].content: must be a string or a non-empty array of text parts";
const NOT_AN_OBJECT = "Invalid messages[0]: each message must be an object with role and content";
const ROLE = "Invalid messages[0].role: must be system, user or assistant";
const PART = 'Invalid messages[0].content[0]: only text parts {"type":"text","text":"…"} are accepted';
const FIELDS = "Invalid messages[0]: only role, content and name are accepted";
const image = { type: "image_url", image_url: { url: "https://example.com/cat.png" } };

/** [label, raw JSON body, the error]. Every body is otherwise a valid chat on the plan's default model. */
const CASES: Array<[string, string, string]> = [
  ["messages [1, null]", JSON.stringify({ messages: [1, null] }), NOT_AN_OBJECT],
  ["messages [null]", JSON.stringify({ messages: [null] }), NOT_AN_OBJECT],
  ["a message that is a string", JSON.stringify({ messages: ["Hi"] }), NOT_AN_OBJECT],
  [
    "a bad message after a good one",
    JSON.stringify({ messages: [HI, 7] }),
    "Invalid messages[1]: each message must be an object with role and content",
  ],
  ["messages nested 10,000 deep", `{"messages":${deepArray("1")}}`, NOT_AN_OBJECT],
  ["api_provider {}", JSON.stringify({ messages: [HI], api_provider: {} }), "Unsupported provider: object"],
  [
    "api_provider whose toString is null",
    JSON.stringify({ messages: [HI], api_provider: { toString: null } }),
    "Unsupported provider: object",
  ],
  ["api_provider []", JSON.stringify({ messages: [HI], api_provider: [] }), "Unsupported provider: array"],
  [
    "api_provider nested 10,000 deep",
    `{"messages":[{"role":"user","content":"Hi"}],"api_provider":${deepArray('"openai"')}}`,
    "Unsupported provider: array",
  ],
  ["provider (v2.1 name) {}", JSON.stringify({ messages: [HI], provider: { name: "openai" } }), "Unsupported provider: object"],
  ["api_provider 42", JSON.stringify({ messages: [HI], api_provider: 42 }), "Unsupported provider: 42"],
  ["a message without content", JSON.stringify({ messages: [{ role: "user" }] }), CONTENT],
  ["content null", JSON.stringify({ messages: [{ role: "user", content: null }] }), CONTENT],
  ["content 42", JSON.stringify({ messages: [{ role: "user", content: 42 }] }), CONTENT],
  ["content an object", JSON.stringify({ messages: [{ role: "user", content: { text: "Hi" } }] }), CONTENT],
  ["content []", JSON.stringify({ messages: [{ role: "user", content: [] }] }), CONTENT],
  ["content nested 10,000 deep", `{"messages":[{"role":"user","content":${deepArray('"Hi"')}}]}`, PART],
  ["content an object nested 10,000 deep", `{"messages":[{"role":"user","content":${deepObject('"Hi"')}}]}`, CONTENT],
  ["an image part", JSON.stringify({ messages: [{ role: "user", content: [image, { type: "text", text: "What is it?" }] }] }), PART],
  [
    "an audio part",
    JSON.stringify({ messages: [{ role: "user", content: [{ type: "input_audio", input_audio: { data: "AAAA", format: "wav" } }] }] }),
    PART,
  ],
  ["a file part", JSON.stringify({ messages: [{ role: "user", content: [{ type: "file", file: { file_id: "file-1" } }] }] }), PART],
  ["a text part without text", JSON.stringify({ messages: [{ role: "user", content: [{ type: "text" }] }] }), PART],
  ["a text part with a number", JSON.stringify({ messages: [{ role: "user", content: [{ type: "text", text: 5 }] }] }), PART],
  [
    "a text part with another field",
    JSON.stringify({ messages: [{ role: "user", content: [{ type: "text", text: "Hi", cache_control: { type: "ephemeral" } }] }] }),
    PART,
  ],
  ["a message without role", JSON.stringify({ messages: [{ content: "Hi" }] }), ROLE],
  ["role tool", JSON.stringify({ messages: [{ role: "tool", content: "42" }] }), ROLE],
  ["role developer", JSON.stringify({ messages: [{ role: "developer", content: "Be brief." }] }), ROLE],
  ["role User (case matters to the providers)", JSON.stringify({ messages: [{ role: "User", content: "Hi" }] }), ROLE],
  ["role an object", JSON.stringify({ messages: [{ role: { toString: null }, content: "Hi" }] }), ROLE],
  ["an unknown field", JSON.stringify({ messages: [{ role: "assistant", content: "", tool_calls: [] }] }), FIELDS],
  ["an unknown field nested 10,000 deep", `{"messages":[{"role":"user","content":"Hi","x":${deepArray("1")}}]}`, FIELDS],
  [
    "a name with a space",
    JSON.stringify({ messages: [{ role: "user", content: "Hi", name: "John Doe" }] }),
    "Invalid messages[0].name: 1 to 64 letters, digits, _ or -",
  ],
  [
    "a name that is a number",
    JSON.stringify({ messages: [{ role: "user", content: "Hi", name: 5 }] }),
    "Invalid messages[0].name: 1 to 64 letters, digits, _ or -",
  ],
  [
    "a name sent to Anthropic",
    JSON.stringify({ messages: [HI, { role: "assistant", content: "Ciao", name: "bot" }], api_provider: "anthropic" }),
    "Invalid messages[1].name: anthropic does not accept it",
  ],
  ["1001 messages", JSON.stringify({ messages: Array.from({ length: 1001 }, () => HI) }), "Too many messages (at most 1000)"],
  // Row 11 (messages) comes before row 12 (provider).
  ["a bad message and an unknown provider", JSON.stringify({ messages: [null], api_provider: "gemini" }), NOT_AN_OBJECT],
];

describe("POST /api/chat: a malformed chat → 400 INVALID_INPUT; nothing reserved, counted or sent", () => {
  let key: string;
  let licenseId: mongoose.Types.ObjectId;
  beforeAll(async () => {
    // One successful call first, so that the license's counters exist and "unchanged" means something.
    const issued = await newLicense(p, "pro");
    ({ key } = issued);
    licenseId = issued.license._id;
    expect((await chat(key, { json: { messages: [HI] } })).status).toBe(200);
  });

  const chat = (licenseKey: string, options: RequestOptions): Promise<HttpResult> =>
    http(p.baseUrl, "POST", "/api/chat", { key: licenseKey, ...options });

  it.each(CASES)("%s", async (_label, raw, error) => {
    const before = await state(licenseId);
    const response = await chat(key, { raw, contentType: "application/json" });
    expect({ status: response.status, body: response.body }).toEqual({ status: 400, body: { error, code: "INVALID_INPUT" } });
    expect(await state(licenseId)).toEqual(before);
    expect(stubRequests()).toBe(0);
  });

  it("the same chat, well formed, goes through: the text parts and a name are forwarded verbatim", async () => {
    const messages = [
      { role: "system", content: [{ type: "text", text: "Be brief." }] },
      { role: "user", content: "Hi", name: "visitor_1" },
    ];
    expect((await chat(key, { json: { messages } })).status).toBe(200);
    expect(p.stubs.openai.requests[0].body).toMatchObject({ messages });
  });

  it("a reached limit is still answered first (rows 6-9 before the body's fields), reserving nothing", async () => {
    // pro allows 1000 requests a month; this license has used them all.
    const { key: spentKey, license } = await newLicense(p, "pro");
    await p.services.models.UsageCounter.create({
      license_id: license._id,
      window: monthWindow(new Date()),
      requests: 1000,
      tokens: 0,
      cost_micros: 0,
      reserved_micros: 0,
      expires_at: new Date("2100-01-01T00:00:00.000Z"),
    });
    const before = await state(license._id);
    const response = await chat(spentKey, { raw: `{"messages":${deepArray("1")}}`, contentType: "application/json" });
    expect({ status: response.status, body: response.body }).toEqual({ status: 429, body: MONTHLY(1000) });
    expect(await state(license._id)).toEqual(before);
    expect(stubRequests()).toBe(0);
  });
});

describe("POST /v1/chat/completions: the same bodies → 400 in OpenAI's error format; nothing reserved or sent", () => {
  let key: string;
  let licenseId: mongoose.Types.ObjectId;
  beforeAll(async () => {
    const issued = await newLicense(p, "agency");
    ({ key } = issued);
    licenseId = issued.license._id;
    expect((await completions(key, JSON.stringify({ model: "gpt-4o-mini", messages: [HI] }))).status).toBe(200);
  });

  const completions = (licenseKey: string, raw: string): Promise<HttpResult> =>
    http(p.baseUrl, "POST", "/v1/chat/completions", {
      raw,
      contentType: "application/json",
      headers: { authorization: `Bearer ${licenseKey}` },
    });

  // The route names the model and the provider itself, so the provider cases do not apply; the rest are sent
  // with `model` added to the body.
  const cases = CASES.filter(([, raw]) => !/"(api_)?provider":/.test(raw));

  it.each(cases)("%s", async (_label, raw, error) => {
    const before = await state(licenseId);
    const response = await completions(key, `{"model":"gpt-4o-mini",${raw.slice(1)}`);
    const body: Json = { error: { message: `${error}.`, type: "invalid_request_error", param: null, code: "invalid_value" } };
    expect({ status: response.status, body: response.body }).toEqual({ status: 400, body });
    expect(await state(licenseId)).toEqual(before);
    expect(stubRequests()).toBe(0);
  });
});
