import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import { AdminRole } from "../../src/modules/admins/admin.model";
import { dataOf, errorAt } from "../support/graphql-assertions";
import { newCustomer, newLicense, newPlan } from "../support/fixtures";
import { startAiPlatform, type AiPlatform } from "../support/ai-platform";
import { bearer, licenseKeyHeader } from "../support/platform";

// Issue: "GraphQL chat(input: {messages, provider, model, maxTokens, temperature}) for license holders, gated in the
// permission map by the plan's ai_included feature and allowed models; returns the answer text, the raw provider
// response and the usage." Same reservations and records as POST /api/chat.

const CHAT = `mutation($input: ChatInput!) {
  chat(input: $input) { text provider model response usage { promptTokens completionTokens tokens costMicros costEur responseTimeMs } }
}`;

interface ChatData {
  chat: {
    text: string;
    provider: string;
    model: string;
    response: Record<string, unknown>;
    usage: { promptTokens: number; completionTokens: number; tokens: number; costMicros: number; costEur: number; responseTimeMs: number };
  };
}

let p: AiPlatform;
beforeAll(async () => {
  p = await startAiPlatform();
});
afterAll(async () => p.stop());
beforeEach(() => {
  for (const stub of Object.values(p.stubs)) stub.reset();
});

const hello = { messages: [{ role: "user", content: "Hello" }] };

test("a Pro holder gets the answer text, the provider's response and the usage; one usage record is written", async () => {
  const { key, license } = await newLicense(p, "pro");
  p.stubs.openai.behave({ text: "Hi there", promptTokens: 1_000_000, completionTokens: 0 });
  const data = dataOf(await p.graphql<ChatData>(CHAT, { input: { ...hello, maxTokens: 5000, temperature: 0.2 } }, licenseKeyHeader(key)));
  expect(data.chat).toMatchObject({ text: "Hi there", provider: "openai", model: "gpt-4o-mini" });
  expect(data.chat.response).toMatchObject({ object: "chat.completion", choices: [{ message: { content: "Hi there" } }] });
  expect(data.chat.usage).toMatchObject({
    promptTokens: 1_000_000,
    completionTokens: 0,
    tokens: 1_000_000,
    costMicros: 138_000,
    costEur: 0.138,
  });
  // max_tokens clamped to the plan's 2048; temperature forwarded.
  expect(p.stubs.openai.requests[0].body).toMatchObject({ max_tokens: 2048, temperature: 0.2 });
  const logs = await p.services.models.UsageLog.find({ license_id: license._id }).lean().exec();
  expect(logs.map((log) => [log.endpoint, log.cost_micros])).toEqual([["/graphql/chat/openai", 138_000]]);
});

test("Anthropic: system messages become the system parameter", async () => {
  const { key } = await newLicense(p, "agency");
  const input = {
    provider: "anthropic",
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hello" },
    ],
  };
  const data = dataOf(await p.graphql<ChatData>(CHAT, { input }, licenseKeyHeader(key)));
  expect(data.chat.model).toBe("claude-3-haiku-20240307");
  expect(p.stubs.anthropic.requests[0].body).toMatchObject({ system: "Be brief.", messages: [{ role: "user", content: "Hello" }] });
});

test("a Starter holder is FORBIDDEN (AI_NOT_INCLUDED) by the permission map, and no provider is called", async () => {
  const { key, license } = await newLicense(p, "starter");
  const response = await p.graphql(CHAT, { input: hello }, licenseKeyHeader(key));
  expect(errorAt(response, ["chat"], "FORBIDDEN")).toMatchObject({
    message: "AI not included in your plan",
    extensions: { reason: "AI_NOT_INCLUDED", plan: "starter" },
  });
  expect(p.stubs.openai.requests).toHaveLength(0);
  expect(await p.services.models.UsageCounter.countDocuments({ license_id: license._id })).toBe(0);
});

test("a model outside the plan's allow-list is FORBIDDEN (MODEL_NOT_ALLOWED) with the allowed models", async () => {
  const { key } = await newLicense(p, "pro");
  const response = await p.graphql(CHAT, { input: { ...hello, model: "gpt-4o" } }, licenseKeyHeader(key));
  expect(errorAt(response, ["chat"], "FORBIDDEN").extensions).toMatchObject({
    reason: "MODEL_NOT_ALLOWED",
    provider: "openai",
    model: "gpt-4o",
    allowed_models: ["gpt-4o-mini"],
  });
  expect(p.stubs.openai.requests).toHaveLength(0);
});

test("admins cannot chat (no license of their own), anonymous callers are UNAUTHENTICATED", async () => {
  const owner = await p.token(AdminRole.owner);
  errorAt(await p.graphql(CHAT, { input: hello }, bearer(owner)), ["chat"], "FORBIDDEN");
  errorAt(await p.graphql(CHAT, { input: hello }), ["chat"], "UNAUTHENTICATED");
});

test("the monthly limit answers RATE_LIMITED (MONTHLY_LIMIT) with retryAfter", async () => {
  const plan = await newPlan(p, { monthly_requests: 1, requests_per_minute: 0, requests_per_hour: 0 });
  const { key } = await p.services.licenses.issue({ customerId: (await newCustomer(p))._id, plan: plan.name }, SYSTEM_ACTOR);
  dataOf(await p.graphql<ChatData>(CHAT, { input: hello }, licenseKeyHeader(key)));
  const refused = errorAt(await p.graphql(CHAT, { input: hello }, licenseKeyHeader(key)), ["chat"], "RATE_LIMITED");
  expect(refused.extensions).toMatchObject({ reason: "MONTHLY_LIMIT" });
  expect(refused.extensions?.retryAfter).toBeGreaterThan(0);
  expect(p.stubs.openai.requests).toHaveLength(1);
});

test("a provider error is PROVIDER_ERROR with the provider's status and body, and costs nothing", async () => {
  const { key, license } = await newLicense(p, "pro");
  p.stubs.openai.behave({ mode: "error", errorStatus: 429, errorBody: '{"error":{"message":"slow down"}}' });
  const error = errorAt(await p.graphql(CHAT, { input: hello }, licenseKeyHeader(key)), ["chat"], "PROVIDER_ERROR");
  expect(error.extensions).toMatchObject({ status: 429, details: '{"error":{"message":"slow down"}}' });
  const counter = await p.services.models.UsageCounter.findOne({ license_id: license._id, window: { $regex: /^m:/ } })
    .lean()
    .exec();
  expect(counter).toMatchObject({ requests: 1, cost_micros: 0, reserved_micros: 0 });
});

test("bad input is BAD_USER_INPUT and nothing is reserved", async () => {
  const { key, license } = await newLicense(p, "pro");
  for (const input of [
    { messages: [] },
    { ...hello, provider: "mistral" },
    { ...hello, maxTokens: 0 },
    { ...hello, temperature: 3 },
    { messages: [{ role: "robot", content: "x" }] },
  ]) {
    errorAt(await p.graphql(CHAT, { input }, licenseKeyHeader(key)), ["chat"], "BAD_USER_INPUT");
  }
  expect(await p.services.models.UsageCounter.countDocuments({ license_id: license._id, requests: { $gt: 0 } })).toBe(0);
  expect(p.stubs.openai.requests).toHaveLength(0);
});

test("a key stored with setProviderKey wins over the environment's, at once on this instance", async () => {
  const owner = await p.token(AdminRole.owner);
  dataOf(
    await p.graphql(`mutation { setProviderKey(provider: "deepseek", apiKey: "sk-stored-deepseek-1234") { keyLast4 } }`, {}, bearer(owner)),
  );
  const { key } = await newLicense(p, "pro");
  dataOf(await p.graphql<ChatData>(CHAT, { input: { ...hello, provider: "deepseek" } }, licenseKeyHeader(key)));
  expect(p.stubs.deepseek.requests[0].headers.authorization).toBe("Bearer sk-stored-deepseek-1234");
  // The other providers still use the environment's keys.
  dataOf(await p.graphql<ChatData>(CHAT, { input: hello }, licenseKeyHeader(key)));
  expect(p.stubs.openai.requests[0].headers.authorization).toBe("Bearer sk-test-openai-0000");
});
