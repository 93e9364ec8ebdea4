/**
 * Local HTTP servers that stand in for AI providers in tests, so nothing reaches the internet.
 *
 * - `startOpenAIStub()` speaks OpenAI's Chat Completions wire format (DeepSeek is OpenAI-compatible, so it stands in for both).
 * - `startAnthropicStub()` speaks Anthropic's Messages API wire format.
 *
 * Both are plain `node:http` servers on 127.0.0.1 (any free port) that the real `openai` and `@anthropic-ai/sdk`
 * clients can talk to. Tests steer the next answers with `stub.behave({...})` and inspect what arrived in `stub.requests`.
 */
import http from "node:http";
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";

export type StubFlavor = "openai" | "anthropic";

/** What the stub answers to the next requests. Tests change it between requests (stub.behave({...})). */
export interface StubBehaviour {
  /**
   * "ok" (default), "error" (answer `errorStatus` with `errorBody`), "hang" (accept the request, never answer until the
   * socket closes), "drop" (destroy the socket without answering), "break" (streaming: send `breakAfterChunks` content
   * chunks then destroy the socket; non-streaming: send the headers and half of the JSON body, then destroy the socket).
   */
  mode: "ok" | "error" | "hang" | "drop" | "break";
  /** The assistant text; streamed as one chunk per word, spaces kept, so the concatenation is exactly `text`. */
  text: string;
  /** Usage the provider reports. OpenAI: prompt_tokens/completion_tokens/total_tokens. Anthropic: input_tokens/output_tokens. */
  promptTokens: number;
  completionTokens: number;
  /** When false, no usage at all is reported (no `usage` field, no usage chunk, no usage in Anthropic's stream events). */
  reportUsage: boolean;
  /** Delay before the response headers (ms); also applies before "error" and "drop". */
  delayMs: number;
  /** Up to this much more delay, drawn at random per request (real providers do not answer in lockstep). Default 0. */
  delayJitterMs: number;
  /** Delay between streamed chunks (ms). */
  chunkDelayMs: number;
  errorStatus: number;
  /** Raw body text of the "error" answer; defaults to the flavour's 500 error JSON. */
  errorBody: string;
  breakAfterChunks: number;
  /**
   * When set, the usage reported for a request is computed from the JSON body the stub received (e.g. the most a
   * provider may count for it), in place of `promptTokens` / `completionTokens`.
   */
  usageFrom?: (request: Record<string, unknown>) => { promptTokens: number; completionTokens: number };
}

export interface RecordedRequest {
  method: string;
  /** e.g. "/v1/chat/completions" or "/v1/messages" (the query string, if any, is kept). */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON; the raw text when the body is not valid JSON; undefined when there was no body. */
  body: unknown;
  /**
   * Resolves, with ms since the request arrived, when the exchange is over for the stub: its answer was finished or
   * the socket closed first (e.g. because the caller aborted). Never rejects.
   */
  closed: Promise<number>;
  /**
   * How the exchange ended, set when it ends: "completed" when the stub finished its answer, "aborted" when the client
   * closed first, "dropped" when the stub cut the connection itself ("drop" and "break" modes).
   */
  outcome?: "completed" | "aborted" | "dropped";
}

export interface ProviderStub {
  flavor: StubFlavor;
  /** "http://127.0.0.1:<port>/v1" for openai (the openai SDK's baseURL includes /v1), "http://127.0.0.1:<port>" for anthropic. */
  baseUrl: string;
  /** In arrival order (recorded once the body is in, before answering). The array is cleared in place by reset(). */
  requests: RecordedRequest[];
  behave(changes: Partial<StubBehaviour>): void;
  /** Back to defaults and forget recorded requests. */
  reset(): void;
  /** Requests currently open (arrived and not finished/closed). */
  inFlight(): number;
  /** Stops listening and destroys open sockets, so it never waits for a hanging exchange. */
  close(): Promise<void>;
}

export function startOpenAIStub(): Promise<ProviderStub> {
  return startStub(openAIDialect);
}

export function startAnthropicStub(): Promise<ProviderStub> {
  return startStub(anthropicDialect);
}

// ---------------------------------------------------------------------------------------------------------------------
// What differs between the providers: paths, auth, error shapes, and the JSON / SSE of an answer.

/** What a dialect needs to know about one generation request. */
interface Generation {
  id: string;
  created: number;
  model: string;
  words: string[];
  behaviour: StubBehaviour;
  /** The parsed request body (known to be a JSON object). */
  request: Record<string, unknown>;
}

/** A stream as three runs of SSE frames, so "break" can cut it after N content frames whatever the flavour. */
interface StreamFrames {
  preamble: string[];
  content: string[];
  ending: string[];
}

interface Dialect {
  flavor: StubFlavor;
  /** Appended to the origin to form `baseUrl` (the path prefix the flavour's SDK expects in its baseURL). */
  baseUrlSuffix: string;
  generationPath: string;
  /** The response header the flavour's SDK reads the request id from. */
  requestIdHeader: string;
  idPrefix: string;
  defaultErrorBody: string;
  isAuthorized(headers: http.IncomingHttpHeaders): boolean;
  unauthorizedBody: string;
  invalidJsonBody: string;
  notFoundBody(method: string, path: string): string;
  /** Fixed answers for side endpoints (e.g. GET /v1/models), keyed by "METHOD /path". */
  sideRoutes: Record<string, unknown>;
  answer(gen: Generation): unknown;
  stream(gen: Generation): StreamFrames;
}

const openAIDialect: Dialect = {
  flavor: "openai",
  baseUrlSuffix: "/v1",
  generationPath: "/v1/chat/completions",
  requestIdHeader: "x-request-id",
  idPrefix: "chatcmpl-",
  defaultErrorBody: openAIError("The server had an error while processing your request.", "server_error", null),
  isAuthorized: (headers) => Boolean(headers.authorization),
  unauthorizedBody: openAIError("Incorrect API key provided", "invalid_request_error", "invalid_api_key"),
  invalidJsonBody: openAIError("We could not parse the JSON body of your request.", "invalid_request_error", null),
  notFoundBody: (method, path) => openAIError(`Invalid URL (${method} ${path})`, "invalid_request_error", null),
  sideRoutes: {
    "GET /v1/models": { object: "list", data: [{ id: "gpt-4o-mini", object: "model", created: 1686935002, owned_by: "openai" }] },
  },
  answer: (gen) => ({
    id: gen.id,
    object: "chat.completion",
    created: gen.created,
    model: gen.model,
    choices: [
      { index: 0, message: { role: "assistant", content: gen.behaviour.text, refusal: null }, logprobs: null, finish_reason: "stop" },
    ],
    ...(gen.behaviour.reportUsage ? { usage: openAIUsage(gen.behaviour) } : {}),
    system_fingerprint: "fp_stub",
  }),
  stream: (gen) => {
    // OpenAI only adds `usage` (null, then a final usage chunk) when the caller asked for it with include_usage.
    const withUsage =
      gen.behaviour.reportUsage && isRecord(gen.request.stream_options) && gen.request.stream_options.include_usage === true;
    const chunk = (choices: unknown[], usage: unknown = null): string =>
      `data: ${JSON.stringify({
        id: gen.id,
        object: "chat.completion.chunk",
        created: gen.created,
        model: gen.model,
        system_fingerprint: "fp_stub",
        choices,
        ...(withUsage ? { usage } : {}),
      })}\n\n`;
    const choice = (delta: Record<string, unknown>, finishReason: string | null) => ({
      index: 0,
      delta,
      logprobs: null,
      finish_reason: finishReason,
    });
    return {
      preamble: [chunk([choice({ role: "assistant", content: "" }, null)])],
      content: gen.words.map((word) => chunk([choice({ content: word }, null)])),
      ending: [chunk([choice({}, "stop")]), ...(withUsage ? [chunk([], openAIUsage(gen.behaviour))] : []), "data: [DONE]\n\n"],
    };
  },
};

const anthropicDialect: Dialect = {
  flavor: "anthropic",
  baseUrlSuffix: "",
  generationPath: "/v1/messages",
  requestIdHeader: "request-id",
  idPrefix: "msg_",
  defaultErrorBody: anthropicError("api_error", "Internal server error"),
  // The 1.x SDK sends `Authorization: Bearer`, older clients and curl examples send `x-api-key`.
  isAuthorized: (headers) => Boolean(headers["x-api-key"] || headers.authorization),
  unauthorizedBody: anthropicError("authentication_error", "invalid x-api-key"),
  invalidJsonBody: anthropicError("invalid_request_error", "The request body is not valid JSON."),
  notFoundBody: () => anthropicError("not_found_error", "Not Found"),
  sideRoutes: {},
  answer: (gen) => ({
    id: gen.id,
    type: "message",
    role: "assistant",
    model: gen.model,
    content: [{ type: "text", text: gen.behaviour.text }],
    stop_reason: "end_turn",
    stop_sequence: null,
    ...(gen.behaviour.reportUsage
      ? { usage: { input_tokens: gen.behaviour.promptTokens, output_tokens: gen.behaviour.completionTokens } }
      : {}),
  }),
  stream: (gen) => {
    const { reportUsage, promptTokens, completionTokens } = gen.behaviour;
    const event = (data: { type: string } & Record<string, unknown>): string => `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;
    const message = {
      id: gen.id,
      type: "message",
      role: "assistant",
      model: gen.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      // Like the real API: input tokens are known up front, output_tokens starts small and message_delta gives the total.
      ...(reportUsage ? { usage: { input_tokens: promptTokens, output_tokens: 1 } } : {}),
    };
    return {
      preamble: [
        event({ type: "message_start", message }),
        event({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }),
        event({ type: "ping" }),
      ],
      content: gen.words.map((word) => event({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: word } })),
      ending: [
        event({ type: "content_block_stop", index: 0 }),
        event({
          type: "message_delta",
          delta: { stop_reason: "end_turn", stop_sequence: null },
          ...(reportUsage ? { usage: { output_tokens: completionTokens } } : {}),
        }),
        event({ type: "message_stop" }),
      ],
    };
  },
};

function openAIError(message: string, type: string, code: string | null): string {
  return JSON.stringify({ error: { message, type, param: null, code } });
}

function anthropicError(type: string, message: string): string {
  return JSON.stringify({ type: "error", error: { type, message } });
}

function openAIUsage(b: StubBehaviour) {
  return { prompt_tokens: b.promptTokens, completion_tokens: b.completionTokens, total_tokens: b.promptTokens + b.completionTokens };
}

// ---------------------------------------------------------------------------------------------------------------------
// The server: recording, behaviour, and the answer modes, shared by both flavours.

function defaultBehaviour(dialect: Dialect): StubBehaviour {
  return {
    mode: "ok",
    text: "Hello from the stub!",
    promptTokens: 12,
    completionTokens: 3,
    reportUsage: true,
    delayMs: 0,
    delayJitterMs: 0,
    chunkDelayMs: 0,
    errorStatus: 500,
    errorBody: dialect.defaultErrorBody,
    breakAfterChunks: 2,
  };
}

/** One request/response pair while the stub works on it. */
interface Exchange {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  record: RecordedRequest;
  /** Aborted when the response closes, so delays stop waiting for a client that is gone (and for close()). */
  gone: AbortSignal;
  /** Set before the stub destroys the socket itself, so the outcome says "dropped" rather than "aborted". */
  droppedByStub: boolean;
  /** The response header the flavour's SDK reads the request id from. */
  requestIdHeader: string;
}

async function startStub(dialect: Dialect): Promise<ProviderStub> {
  let behaviour = defaultBehaviour(dialect);
  const requests: RecordedRequest[] = [];
  /** The `closed` promises of exchanges still open; close() waits for them so every `outcome` is set when it returns. */
  const open = new Set<Promise<number>>();

  const server = http.createServer((req, res) => {
    const exchange = beginExchange(req, res, dialect.requestIdHeader, () => open.delete(exchange.record.closed));
    open.add(exchange.record.closed);
    // Snapshot the behaviour at arrival: a test changing it mid-stream must not alter an answer already under way.
    const snapshot = { ...behaviour };
    // The only expected failure is the client vanishing while the body uploads; the socket is gone or going anyway.
    void handle(dialect, exchange, snapshot, requests).catch(() => req.socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    flavor: dialect.flavor,
    baseUrl: `http://127.0.0.1:${port}${dialect.baseUrlSuffix}`,
    requests,
    behave(changes) {
      // Skip explicit `undefined`s so behave({ text: maybeText }) cannot blank a field.
      const defined = Object.entries(changes).filter(([, value]) => value !== undefined);
      behaviour = { ...behaviour, ...(Object.fromEntries(defined) as Partial<StubBehaviour>) };
    },
    reset() {
      behaviour = defaultBehaviour(dialect);
      requests.length = 0;
    },
    inFlight: () => open.size,
    async close() {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      // Hanging exchanges and keep-alive sockets would otherwise keep close() waiting forever.
      server.closeAllConnections();
      await Promise.all([stopped, ...open]);
    },
  };
}

/** Creates the record of a request and settles `closed`/`outcome` when the response closes, whichever side ended it. */
function beginExchange(req: http.IncomingMessage, res: http.ServerResponse, requestIdHeader: string, onEnd: () => void): Exchange {
  const arrivedAt = Date.now();
  const gone = new AbortController();
  let settle: (ms: number) => void = () => undefined;
  const record: RecordedRequest = {
    method: req.method ?? "GET",
    path: req.url ?? "/",
    headers: { ...req.headers },
    body: undefined,
    closed: new Promise<number>((resolve) => (settle = resolve)),
  };
  const exchange: Exchange = { req, res, record, gone: gone.signal, droppedByStub: false, requestIdHeader };
  // 'close' on the response fires both after a finished answer and when the connection went away first.
  res.once("close", () => {
    record.outcome = res.writableFinished ? "completed" : exchange.droppedByStub ? "dropped" : "aborted";
    gone.abort();
    onEnd();
    settle(Date.now() - arrivedAt);
  });
  return exchange;
}

async function handle(dialect: Dialect, ex: Exchange, behaviour: StubBehaviour, requests: RecordedRequest[]): Promise<void> {
  const raw = await readBody(ex.req);
  const parsed = parseJson(raw);
  ex.record.body = parsed.ok ? parsed.value : raw === "" ? undefined : raw;
  requests.push(ex.record);

  const method = ex.record.method;
  const route = `${method} ${pathOnly(ex.record.path)}`;
  if (!dialect.isAuthorized(ex.req.headers)) return sendJson(ex, 401, dialect.unauthorizedBody);
  if (route in dialect.sideRoutes) return sendJson(ex, 200, JSON.stringify(dialect.sideRoutes[route]));
  if (route !== `POST ${dialect.generationPath}`) return sendJson(ex, 404, dialect.notFoundBody(method, ex.record.path));
  if (!parsed.ok || !isRecord(parsed.value)) return sendJson(ex, 400, dialect.invalidJsonBody);

  const request = parsed.value;
  // `behaviour` is this request's own snapshot, so the computed usage stays with this request.
  if (behaviour.usageFrom) Object.assign(behaviour, behaviour.usageFrom(request));
  if (behaviour.mode === "hang") return; // The response's 'close' (client abort or close()) ends the exchange.
  await pause(behaviour.delayMs + Math.random() * behaviour.delayJitterMs, ex.gone);
  if (ex.gone.aborted) return;
  if (behaviour.mode === "drop") return destroySocket(ex);
  if (behaviour.mode === "error") return sendJson(ex, behaviour.errorStatus, behaviour.errorBody);

  const gen: Generation = {
    id: dialect.idPrefix + randomBytes(12).toString("hex"),
    created: Math.floor(Date.now() / 1000),
    model: typeof request.model === "string" ? request.model : "stub-model",
    words: splitWords(behaviour.text),
    behaviour,
    request,
  };
  if (request.stream === true) return sendStream(ex, dialect, gen);
  const body = JSON.stringify(dialect.answer(gen));
  if (behaviour.mode === "break") return sendTruncated(ex, body);
  return sendJson(ex, 200, body);
}

function sendJson(ex: Exchange, status: number, body: string): void {
  ex.res.writeHead(status, { "content-type": "application/json", ...requestIdHeader(ex) });
  ex.res.end(body);
}

/** "break" for a non-streaming answer: the headers promise the whole body, half of it arrives, then the connection dies. */
function sendTruncated(ex: Exchange, body: string): void {
  ex.res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...requestIdHeader(ex) });
  ex.res.write(body.slice(0, Math.floor(body.length / 2)), () => destroySocket(ex));
}

async function sendStream(ex: Exchange, dialect: Dialect, gen: Generation): Promise<void> {
  ex.res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", ...requestIdHeader(ex) });
  // Send the headers now: the SDK resolves its request promise on headers, before any event.
  ex.res.flushHeaders();
  const frames = dialect.stream(gen);
  const breaking = gen.behaviour.mode === "break";
  const toSend = breaking
    ? [...frames.preamble, ...frames.content.slice(0, gen.behaviour.breakAfterChunks)]
    : [...frames.preamble, ...frames.content, ...frames.ending];
  for (const [i, frame] of toSend.entries()) {
    if (i > 0) await pause(gen.behaviour.chunkDelayMs, ex.gone);
    if (ex.gone.aborted) return;
    await write(ex.res, frame);
  }
  if (ex.gone.aborted) return;
  if (breaking) return destroySocket(ex);
  ex.res.end();
}

/** Writes and waits until the data is handed to the socket, so a "break" right after really sends the earlier chunks. */
function write(res: http.ServerResponse, data: string): Promise<void> {
  return new Promise((resolve) => res.write(data, () => resolve()));
}

function destroySocket(ex: Exchange): void {
  ex.droppedByStub = true;
  ex.req.socket.destroy();
}

function requestIdHeader(ex: Exchange): Record<string, string> {
  // The SDKs expose this as the error's / response's request id; handy when a test logs a failure.
  return { [ex.requestIdHeader]: `req_${randomBytes(8).toString("hex")}` };
}

// ---------------------------------------------------------------------------------------------------------------------
// Small helpers.

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function pathOnly(url: string): string {
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}

/** "Hello from the stub!" → ["Hello ", "from ", "the ", "stub!"]: each word keeps the spaces after it. */
function splitWords(text: string): string[] {
  return text.split(/(?<= )(?=[^ ])/).filter((word) => word !== "");
}

/** Waits `ms`, or less if `signal` aborts first; never rejects. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}
