/**
 * The provider stubs must be faithful enough that the real SDKs talk to them unchanged,
 * so these tests drive them with `openai` and `@anthropic-ai/sdk` themselves.
 */
import OpenAI, {
  APIConnectionError as OpenAIConnectionError,
  APIError as OpenAIAPIError,
  APIUserAbortError as OpenAIAbortError,
} from "openai";
import Anthropic, { APIError as AnthropicAPIError, APIUserAbortError as AnthropicAbortError } from "@anthropic-ai/sdk";
import { startAnthropicStub, startOpenAIStub, type ProviderStub } from "../support/ai-stubs";

const DEFAULT_TEXT = "Hello from the stub!";

/** Polls until `check()` holds; the stubs record requests asynchronously, so tests wait for what they then inspect. */
async function waitFor(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("waitFor: condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Settles a promise into its error (or fails the test if it resolved), so rejections are never left unhandled. */
async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("OpenAI stub", () => {
  let stub: ProviderStub;
  let client: OpenAI;

  beforeAll(async () => {
    stub = await startOpenAIStub();
    client = new OpenAI({ apiKey: "sk-test", baseURL: stub.baseUrl, maxRetries: 0 });
  });
  afterAll(() => stub.close());
  beforeEach(() => stub.reset());

  const ask = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: "Hi" }] };

  it("answers a non-streaming completion with text and usage, and records the request", async () => {
    const completion = await client.chat.completions.create(ask);

    expect(completion.object).toBe("chat.completion");
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.model).toBe("gpt-4o-mini");
    expect(completion.choices[0].message).toEqual({ role: "assistant", content: DEFAULT_TEXT, refusal: null });
    expect(completion.choices[0].finish_reason).toBe("stop");
    expect(completion.usage).toEqual({ prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 });

    expect(stub.requests).toHaveLength(1);
    const [request] = stub.requests;
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/v1/chat/completions");
    expect(request.headers.authorization).toBe("Bearer sk-test");
    expect(request.body).toMatchObject(ask);
    await expect(request.closed).resolves.toEqual(expect.any(Number));
    expect(request.outcome).toBe("completed");
    expect(stub.inFlight()).toBe(0);
  });

  it("streams one chunk per word and a usage chunk when include_usage is asked", async () => {
    stub.behave({ text: "one two  three", promptTokens: 7, completionTokens: 5 });
    const stream = await client.chat.completions.create({ ...ask, stream: true, stream_options: { include_usage: true } });

    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    const deltas = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta.content ?? ""));
    expect(deltas).toEqual(["", "one ", "two  ", "three", ""]);
    expect(chunks[0].choices[0].delta.role).toBe("assistant");
    expect(chunks.at(-2)?.choices[0].finish_reason).toBe("stop");
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 });
  });

  it("streams without any usage field when include_usage is not asked", async () => {
    const stream = await client.chat.completions.create({ ...ask, stream: true });

    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe(DEFAULT_TEXT);
    expect(chunks.every((chunk) => !("usage" in chunk))).toBe(true);
  });

  it("reports no usage at all with reportUsage:false", async () => {
    stub.behave({ reportUsage: false });
    const completion = await client.chat.completions.create(ask);
    expect(completion.usage).toBeUndefined();

    const stream = await client.chat.completions.create({ ...ask, stream: true, stream_options: { include_usage: true } });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((chunk) => !("usage" in chunk) && chunk.choices.length === 1)).toBe(true);
  });

  it("reports a usage computed from each request with usageFrom, streamed or not", async () => {
    // Each request gets its own figures: the content's length and the max_tokens it asked for.
    stub.behave({
      usageFrom: (request) => ({ promptTokens: JSON.stringify(request.messages).length, completionTokens: request.max_tokens as number }),
    });
    const short = await client.chat.completions.create({ ...ask, max_tokens: 5 });
    const long = await client.chat.completions.create({ ...ask, messages: [{ role: "user", content: "Hello there" }], max_tokens: 9 });
    expect(short.usage).toEqual({ prompt_tokens: 32, completion_tokens: 5, total_tokens: 37 });
    expect(long.usage).toEqual({ prompt_tokens: 41, completion_tokens: 9, total_tokens: 50 });

    const stream = await client.chat.completions.create({ ...ask, max_tokens: 7, stream: true, stream_options: { include_usage: true } });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: 32, completion_tokens: 7, total_tokens: 39 });
  });

  it("raises the SDK's APIError with the status in error mode", async () => {
    stub.behave({ mode: "error", errorStatus: 503 });
    const error = await errorOf(client.chat.completions.create(ask));

    expect(error).toBeInstanceOf(OpenAIAPIError);
    expect((error as OpenAIAPIError).status).toBe(503);
    expect((error as OpenAIAPIError).type).toBe("server_error");
    expect((error as OpenAIAPIError).requestID).toMatch(/^req_/);
  });

  it("lets an AbortController end a hanging request, and sees the client go", async () => {
    stub.behave({ mode: "hang" });
    const controller = new AbortController();
    const failure = errorOf(client.chat.completions.create(ask, { signal: controller.signal }));

    await waitFor(() => stub.requests.length === 1);
    expect(stub.inFlight()).toBe(1);
    controller.abort();

    expect(await failure).toBeInstanceOf(OpenAIAbortError);
    await expect(stub.requests[0].closed).resolves.toBeGreaterThanOrEqual(0);
    expect(stub.requests[0].outcome).toBe("aborted");
    expect(stub.inFlight()).toBe(0);
  });

  it("sees a consumer that stops reading mid-stream close the connection", async () => {
    stub.behave({ text: "a b c d e f", chunkDelayMs: 50 });
    const stream = await client.chat.completions.create({ ...ask, stream: true });

    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content === "a ") break; // The SDK aborts its request on break.
    }

    await stub.requests[0].closed;
    expect(stub.requests[0].outcome).toBe("aborted");
  });

  it("waits delayMs before answering and times out with the SDK's timeout", async () => {
    stub.behave({ delayMs: 150 });
    const started = Date.now();
    await client.chat.completions.create(ask);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    const error = await errorOf(client.chat.completions.create(ask, { timeout: 30 }));
    expect(error).toBeInstanceOf(OpenAIConnectionError); // APIConnectionTimeoutError extends it.
  });

  it("drops the connection in drop mode", async () => {
    stub.behave({ mode: "drop" });
    const error = await errorOf(client.chat.completions.create(ask));

    expect(error).toBeInstanceOf(OpenAIConnectionError);
    await stub.requests[0].closed;
    expect(stub.requests[0].outcome).toBe("dropped");
  });

  it("breaks a stream after breakAfterChunks content chunks", async () => {
    stub.behave({ mode: "break", text: "a b c d", breakAfterChunks: 2 });
    const stream = await client.chat.completions.create({ ...ask, stream: true });

    const received: string[] = [];
    const error = await errorOf(
      (async () => {
        for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? "");
      })(),
    );

    expect(received).toEqual(["", "a ", "b "]);
    // undici's own error ("terminated"); it comes from outside jest's realm, so toBeInstanceOf(Error) would not match.
    expect((error as Error).message).toBe("terminated");
    await stub.requests[0].closed;
    expect(stub.requests[0].outcome).toBe("dropped");
  });

  it("breaks a non-streaming answer halfway through its body", async () => {
    stub.behave({ mode: "break" });
    const error = await errorOf(client.chat.completions.create(ask));

    expect(error).toBeDefined(); // The SDK fails reading the truncated body; the exact error is undici's.
    await stub.requests[0].closed;
    expect(stub.requests[0].outcome).toBe("dropped");
  });

  it("lists models, and answers 401 / 400 / 404 in OpenAI's error format", async () => {
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toEqual(["gpt-4o-mini"]);

    const url = `${stub.baseUrl}/chat/completions`;
    const noKey = await fetch(url, { method: "POST", body: JSON.stringify(ask) });
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toEqual({
      error: { message: "Incorrect API key provided", type: "invalid_request_error", param: null, code: "invalid_api_key" },
    });

    const badJson = await fetch(url, { method: "POST", headers: { authorization: "Bearer sk-test" }, body: "{not json" });
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
    expect(stub.requests.at(-1)?.body).toBe("{not json");

    const unknown = await fetch(`${stub.baseUrl}/nope`, { method: "POST", headers: { authorization: "Bearer sk-test" }, body: "{}" });
    expect(unknown.status).toBe(404);
  });

  it("closes promptly even with a request hanging", async () => {
    const other = await startOpenAIStub();
    other.behave({ mode: "hang" });
    const otherClient = new OpenAI({ apiKey: "sk-test", baseURL: other.baseUrl, maxRetries: 0 });
    const failure = errorOf(otherClient.chat.completions.create(ask));
    await waitFor(() => other.requests.length === 1);

    await other.close();

    expect(await failure).toBeInstanceOf(OpenAIConnectionError);
    expect(other.requests[0].outcome).toBe("aborted");
  });
});

describe("Anthropic stub", () => {
  let stub: ProviderStub;
  let client: Anthropic;

  beforeAll(async () => {
    stub = await startAnthropicStub();
    client = new Anthropic({ apiKey: "sk-ant-test", baseURL: stub.baseUrl, maxRetries: 0 });
  });
  afterAll(() => stub.close());
  beforeEach(() => stub.reset());

  const ask = { model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user" as const, content: "Hi" }] };

  it("answers a non-streaming message with text and usage, and records the request", async () => {
    const message = await client.messages.create(ask);

    expect(message.id).toMatch(/^msg_/);
    expect(message.model).toBe("claude-sonnet-4-6");
    expect(message.content).toEqual([{ type: "text", text: DEFAULT_TEXT }]);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage).toEqual({ input_tokens: 12, output_tokens: 3 });

    const [request] = stub.requests;
    expect(request.path).toBe("/v1/messages");
    expect(request.headers.authorization).toBe("Bearer sk-ant-test");
    expect(request.body).toMatchObject(ask);
    await request.closed;
    expect(request.outcome).toBe("completed");
  });

  it("streams through messages.stream() to a final message with the output tokens", async () => {
    stub.behave({ text: "one two three", promptTokens: 20, completionTokens: 9 });
    const stream = client.messages.stream(ask);
    const texts: string[] = [];
    stream.on("text", (text) => texts.push(text));

    const final = await stream.finalMessage();

    expect(texts).toEqual(["one ", "two ", "three"]);
    expect(final.content).toEqual([{ type: "text", text: "one two three" }]);
    expect(final.usage.input_tokens).toBe(20);
    expect(final.usage.output_tokens).toBe(9);
    expect(final.stop_reason).toBe("end_turn");
  });

  it("streams the Messages API event sequence with stream:true", async () => {
    const stream = await client.messages.create({ ...ask, stream: true });
    const events: Anthropic.Messages.RawMessageStreamEvent[] = [];
    for await (const event of stream) events.push(event);

    // The SDK skips `ping`, so it is not among the events.
    expect(events.map((event) => event.type)).toEqual([
      "message_start",
      "content_block_start",
      ...DEFAULT_TEXT.split(" ").map(() => "content_block_delta"),
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    const start = events[0] as Anthropic.Messages.RawMessageStartEvent;
    expect(start.message.usage).toEqual({ input_tokens: 12, output_tokens: 1 });
    const delta = events.at(-2) as Anthropic.Messages.RawMessageDeltaEvent;
    expect(delta.usage).toEqual({ output_tokens: 3 });
  });

  it("reports no usage at all with reportUsage:false", async () => {
    stub.behave({ reportUsage: false });
    const message = await client.messages.create(ask);
    expect(message.usage).toBeUndefined();

    const stream = await client.messages.create({ ...ask, stream: true });
    const events: Anthropic.Messages.RawMessageStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const start = events.find((event) => event.type === "message_start") as Anthropic.Messages.RawMessageStartEvent;
    const delta = events.find((event) => event.type === "message_delta") as Anthropic.Messages.RawMessageDeltaEvent;
    expect("usage" in start.message).toBe(false);
    expect("usage" in delta).toBe(false);
  });

  it("reports a usage computed from each request with usageFrom, streamed or not", async () => {
    stub.behave({
      usageFrom: (request) => ({ promptTokens: String(request.system ?? "").length, completionTokens: request.max_tokens as number }),
    });
    const message = await client.messages.create({ ...ask, system: "Be brief.", max_tokens: 5 });
    expect(message.usage).toEqual({ input_tokens: 9, output_tokens: 5 });

    const final = await client.messages.stream({ ...ask, system: "Answer in Italian.", max_tokens: 11 }).finalMessage();
    expect(final.usage).toMatchObject({ input_tokens: 18, output_tokens: 11 });
  });

  it("raises the SDK's APIError with the status in error mode", async () => {
    stub.behave({
      mode: "error",
      errorStatus: 529,
      errorBody: JSON.stringify({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } }),
    });
    const error = await errorOf(client.messages.create(ask));

    expect(error).toBeInstanceOf(AnthropicAPIError);
    expect((error as AnthropicAPIError).status).toBe(529);
    expect((error as AnthropicAPIError).type).toBe("overloaded_error");
  });

  it("uses the Anthropic 500 body by default in error mode", async () => {
    stub.behave({ mode: "error" });
    const error = await errorOf(client.messages.create(ask));

    expect((error as AnthropicAPIError).status).toBe(500);
    expect((error as AnthropicAPIError).error).toEqual({ type: "error", error: { type: "api_error", message: "Internal server error" } });
  });

  it("lets an AbortController end a hanging request, and sees the client go", async () => {
    stub.behave({ mode: "hang" });
    const controller = new AbortController();
    const failure = errorOf(client.messages.create(ask, { signal: controller.signal }));

    await waitFor(() => stub.requests.length === 1);
    controller.abort();

    expect(await failure).toBeInstanceOf(AnthropicAbortError);
    await expect(stub.requests[0].closed).resolves.toBeGreaterThanOrEqual(0);
    expect(stub.requests[0].outcome).toBe("aborted");
    expect(stub.inFlight()).toBe(0);
  });

  it("answers 401 without credentials, accepts x-api-key, and 400 on bad JSON", async () => {
    const url = `${stub.baseUrl}/v1/messages`;
    const noKey = await fetch(url, { method: "POST", body: JSON.stringify(ask) });
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toEqual({ type: "error", error: { type: "authentication_error", message: "invalid x-api-key" } });

    const withXApiKey = await fetch(url, { method: "POST", headers: { "x-api-key": "sk-ant-test" }, body: JSON.stringify(ask) });
    expect(withXApiKey.status).toBe(200);
    expect(withXApiKey.headers.get("request-id")).toMatch(/^req_/);

    const badJson = await fetch(url, { method: "POST", headers: { "x-api-key": "sk-ant-test" }, body: "{" });
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
  });
});
