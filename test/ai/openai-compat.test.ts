import type { Types } from "mongoose";
import OpenAI from "openai";
import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import { LicenseStatus } from "../../src/modules/licenses/license.model";
import { newCustomer, newLicense, newPlan, setLicense } from "../support/fixtures";
import { startAiPlatform, type AiPlatform } from "../support/ai-platform";

// Issue: "the official openai npm client pointed at the platform with baseURL must work unchanged, streaming with
// stream_options.include_usage included. Errors in OpenAI's error format." Plans need `api_access` (agency).

let p: AiPlatform;
beforeAll(async () => {
  p = await startAiPlatform();
});
afterAll(async () => p.stop());
beforeEach(() => {
  p.stubs.openai.reset();
  p.stubs.deepseek.reset();
});

const clientFor = (key: string): OpenAI => new OpenAI({ apiKey: key, baseURL: `${p.baseUrl}/v1`, maxRetries: 2 });

async function agencyKey(): Promise<{ key: string; licenseId: string; id: Types.ObjectId }> {
  const { key, license } = await newLicense(p, "agency");
  return { key, licenseId: license._id.toHexString(), id: license._id };
}

async function monthCounter(
  licenseId: string,
): Promise<{ requests: number; cost_micros: number; reserved_micros: number; tokens: number } | null> {
  return p.services.models.UsageCounter.findOne({ license_id: licenseId, window: { $regex: /^m:/ } })
    .lean<{ requests: number; cost_micros: number; reserved_micros: number; tokens: number }>()
    .exec();
}

test("GET /v1/models lists the plan's OpenAI-format models", async () => {
  const { key } = await agencyKey();
  const models = await clientFor(key).models.list();
  expect(models.data.map((model) => [model.id, model.owned_by])).toEqual([
    ["gpt-4o-mini", "openai"],
    ["deepseek-chat", "deepseek"],
  ]);
});

test("a non-streamed completion is the provider's answer unchanged, and it is metered like /api/chat", async () => {
  const { key, licenseId } = await agencyKey();
  p.stubs.openai.behave({ text: "Hi from OpenAI", promptTokens: 1_000_000, completionTokens: 1_000_000 });
  const completion = await clientFor(key).chat.completions.create({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: "Hello" }],
    max_tokens: 50,
  });
  expect(completion.choices[0].message.content).toBe("Hi from OpenAI");
  expect(completion.usage).toEqual({ prompt_tokens: 1_000_000, completion_tokens: 1_000_000, total_tokens: 2_000_000 });
  // What the provider was sent: the platform's key, the model, max_tokens within the plan.
  const sent = p.stubs.openai.requests[0];
  expect(sent.headers.authorization).toBe("Bearer sk-test-openai-0000");
  expect(sent.body).toMatchObject({ model: "gpt-4o-mini", max_tokens: 50, messages: [{ role: "user", content: "Hello" }] });
  // 1M input at 0.138 EUR/M + 1M output at 0.552 EUR/M = 0.69 EUR.
  expect(await monthCounter(licenseId)).toMatchObject({ requests: 1, tokens: 2_000_000, cost_micros: 690_000, reserved_micros: 0 });
  const logs = await p.services.models.UsageLog.find({ license_id: licenseId }).lean().exec();
  expect(logs).toHaveLength(1);
  expect(logs[0]).toMatchObject({ endpoint: "/v1/chat/completions", provider: "openai", model: "gpt-4o-mini", cost_micros: 690_000 });
});

test("a DeepSeek model is routed to DeepSeek", async () => {
  const { key } = await agencyKey();
  p.stubs.deepseek.behave({ text: "Hi from DeepSeek" });
  const completion = await clientFor(key).chat.completions.create({
    model: "deepseek-chat",
    messages: [{ role: "user", content: "Hello" }],
  });
  expect(completion.choices[0].message.content).toBe("Hi from DeepSeek");
  expect(p.stubs.deepseek.requests).toHaveLength(1);
  expect(p.stubs.openai.requests).toHaveLength(0);
});

test("streaming with include_usage: the SDK reads the text and the final usage chunk", async () => {
  const { key, licenseId } = await agencyKey();
  p.stubs.openai.behave({ text: "one two three", promptTokens: 7, completionTokens: 3 });
  const stream = await clientFor(key).chat.completions.create({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: "Count" }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = "";
  let usage: OpenAI.CompletionUsage | null | undefined;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? "";
    if (chunk.usage) usage = chunk.usage;
  }
  expect(text).toBe("one two three");
  expect(usage).toEqual({ prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 });
  expect(await monthCounter(licenseId)).toMatchObject({ requests: 1, tokens: 10, reserved_micros: 0 });
});

test("streaming without include_usage: no usage chunk reaches the client, yet the call is charged its usage", async () => {
  const { key, licenseId } = await agencyKey();
  p.stubs.openai.behave({ text: "alpha beta", promptTokens: 5, completionTokens: 2 });
  const stream = await clientFor(key).chat.completions.create({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: "Say" }],
    stream: true,
  });
  const chunks: OpenAI.ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? "").join("")).toBe("alpha beta");
  expect(chunks.every((chunk) => chunk.choices.length > 0)).toBe(true);
  // The platform asked the provider for usage all the same.
  expect(p.stubs.openai.requests[0].body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  expect(await monthCounter(licenseId)).toMatchObject({ requests: 1, tokens: 7, reserved_micros: 0 });
});

test("a plan without api_access (pro) gets 403 permission_error; an unknown key 401; no key 401", async () => {
  const { key } = await newLicense(p, "pro");
  await expect(clientFor(key).models.list()).rejects.toMatchObject({
    status: 403,
    code: "api_access_not_included",
    type: "permission_error",
  });
  await expect(
    clientFor("CHA-NOPE").chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }),
  ).rejects.toMatchObject({
    status: 401,
    code: "invalid_api_key",
  });
  const anonymous = await fetch(`${p.baseUrl}/v1/models`);
  expect(anonymous.status).toBe(401);
  expect(await anonymous.json()).toMatchObject({ error: { type: "invalid_request_error", code: "missing_api_key", param: null } });
  expect(p.stubs.openai.requests).toHaveLength(0);
});

test("a suspended agency license is refused before anything is reserved", async () => {
  const { key, licenseId, id } = await agencyKey();
  await setLicense(p, id, { status: LicenseStatus.suspended });
  await expect(
    clientFor(key).chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }),
  ).rejects.toMatchObject({ status: 401 });
  expect(await monthCounter(licenseId)).toBeNull();
  expect(p.stubs.openai.requests).toHaveLength(0);
});

test("a model outside the OpenAI-format allow-list is model_not_found (404), Anthropic's included", async () => {
  const { key } = await agencyKey();
  for (const model of ["gpt-4o", "claude-3-haiku-20240307"]) {
    await expect(clientFor(key).chat.completions.create({ model, messages: [{ role: "user", content: "x" }] })).rejects.toMatchObject({
      status: 404,
      code: "model_not_found",
    });
  }
});

test("the monthly limit answers 429 in OpenAI's format, and the SDK does not retry it", async () => {
  const plan = await newPlan(p, {
    features: ["ai_included", "api_access"],
    monthly_requests: 1,
    requests_per_minute: 0,
    requests_per_hour: 0,
  });
  const customer = await newCustomer(p);
  const { key } = await p.services.licenses.issue({ customerId: customer._id, plan: plan.name }, SYSTEM_ACTOR);
  const client = clientFor(key);
  await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "first" }] });
  const refused = client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "second" }] });
  await expect(refused).rejects.toBeInstanceOf(OpenAI.RateLimitError);
  await expect(refused).rejects.toMatchObject({ status: 429, code: "rate_limit_exceeded" });
  expect(p.stubs.openai.requests).toHaveLength(1);
});

test("a provider error passes through with its status and OpenAI body", async () => {
  const { key } = await agencyKey();
  p.stubs.openai.behave({
    mode: "error",
    errorStatus: 400,
    errorBody: JSON.stringify({ error: { message: "bad messages", type: "invalid_request_error", param: "messages", code: null } }),
  });
  await expect(
    new OpenAI({ apiKey: key, baseURL: `${p.baseUrl}/v1`, maxRetries: 0 }).chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "x" }],
    }),
  ).rejects.toMatchObject({ status: 400, message: "400 bad messages", param: "messages" });
});
