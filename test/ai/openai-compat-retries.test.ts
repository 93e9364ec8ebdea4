import OpenAI from "openai";
import { newLicense } from "../support/fixtures";
import { startOpenAIStub, type ProviderStub } from "../support/ai-stubs";
import { startTestPlatform, type TestPlatform } from "../support/platform";

// /v1 as OpenAI's clients expect it (issue 11, part 7), with the real `openai` SDK: a platform that holds a key for
// OpenAI only (no DeepSeek, no Anthropic key).

let stub: ProviderStub;
let p: TestPlatform;
beforeAll(async () => {
  stub = await startOpenAIStub();
  p = await startTestPlatform({ env: { THROTTLE: "off", OPENAI_API_KEY: "sk-test-openai-0000", OPENAI_BASE_URL: stub.baseUrl } });
});
afterAll(async () => {
  await p?.stop();
  await stub?.close();
});

/** An SDK client that would retry twice, and counts the HTTP requests it really sends. */
function countingClient(key: string): { client: OpenAI; sent: string[] } {
  const sent: string[] = [];
  const client = new OpenAI({
    apiKey: key,
    baseURL: `${p.baseUrl}/v1`,
    maxRetries: 2,
    fetch: async (url, init) => {
      sent.push(`${init?.method ?? "GET"} ${String(url)}`);
      return fetch(url, init);
    },
  });
  return { client, sent };
}

test("/v1/models lists only the models of providers the platform holds a key for", async () => {
  const { key } = await newLicense(p, "agency");
  const models = await countingClient(key).client.models.list();
  // The agency plan allows deepseek-chat too, but the platform cannot call DeepSeek.
  expect(models.data.map((model) => [model.id, model.owned_by])).toEqual([["gpt-4o-mini", "openai"]]);
});

test("a provider that is not configured answers 503 with x-should-retry: false, and the SDK sends it once", async () => {
  const { key } = await newLicense(p, "agency");
  const { client, sent } = countingClient(key);
  const call = client.chat.completions.create({ model: "deepseek-chat", messages: [{ role: "user", content: "Hello" }] });
  await expect(call).rejects.toBeInstanceOf(OpenAI.InternalServerError);
  const error = (await call.catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
  expect(error.status).toBe(503);
  expect(error.headers?.get("x-should-retry")).toBe("false");
  expect(error.error).toEqual({
    message: "deepseek is not configured on this platform.",
    type: "api_error",
    param: null,
    code: "provider_not_configured",
  });
  // Two calls above (the rejects check and the catch) share one request: without the header the SDK would send 3.
  expect(sent).toEqual([`POST ${p.baseUrl}/v1/chat/completions`]);
});

test("an unknown /v1 path answers 404 in OpenAI's error format, with or without a key", async () => {
  const { key } = await newLicense(p, "agency");
  const { client, sent } = countingClient(key);
  const call = client.get("/files");
  await expect(call).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  await expect(call).rejects.toMatchObject({
    status: 404,
    error: { message: "Invalid URL (GET /v1/files)", type: "invalid_request_error", param: null, code: "unknown_url" },
  });
  expect(sent).toHaveLength(1);

  for (const [method, path] of [
    ["POST", "/v1/embeddings?x=1"],
    ["DELETE", "/v1/models/gpt-4o-mini"],
    ["GET", "/v1"],
  ]) {
    const response = await fetch(`${p.baseUrl}${path}`, { method });
    expect([method, path, response.status]).toEqual([method, path, 404]);
    expect(await response.json()).toEqual({
      error: { message: `Invalid URL (${method} ${path.split("?")[0]})`, type: "invalid_request_error", param: null, code: "unknown_url" },
    });
  }
  // The CORS preflight of any path still answers 204, and the known paths are unchanged.
  expect((await fetch(`${p.baseUrl}/v1/embeddings`, { method: "OPTIONS" })).status).toBe(204);
  expect((await fetch(`${p.baseUrl}/v1/models`)).status).toBe(401);
});
