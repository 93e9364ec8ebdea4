import type { ChatCall } from "./chat-request";
import type { TokenCounts } from "./price-table";

/**
 * One provider behind the common interface: sends a call and hands back the provider's own bytes (JSON or SSE),
 * so that the platform can pass them through unchanged and read the usage from them.
 */
export interface Upstream {
  send(call: ChatCall, signal: AbortSignal): Promise<Response>;
  /** The usage in a non-streamed answer, or undefined when the provider reported none. */
  usageOfJson(body: unknown): TokenCounts | undefined;
  /** A reader of the provider's SSE stream that keeps the latest usage it has seen. */
  streamUsage(): StreamUsageReader;
  /** The answer text of a non-streamed answer (for GraphQL). */
  textOfJson(body: unknown): string;
}

export interface StreamUsageReader {
  /** Feeds raw bytes as they arrive (events may be split across chunks). */
  push(chunk: Uint8Array): void;
  usage(): TokenCounts | undefined;
  /** The answer text streamed so far. */
  text(): string;
}

/** The provider answered with a non-2xx status: passed through to the caller with its body (§6.4 row 18). */
export class UpstreamStatusError extends Error {
  constructor(
    readonly status: number,
    readonly bodyText: string,
  ) {
    super(`provider answered ${status}`);
    this.name = "UpstreamStatusError";
  }
}

/** No provider answer at all: a network error, a timeout, or the caller went away (§6.4 row 17). */
export class UpstreamUnreachableError extends Error {
  constructor(
    readonly reason: "network" | "timeout" | "aborted",
    options?: { cause?: unknown },
  ) {
    super(`provider not reached (${reason})`, options);
    this.name = "UpstreamUnreachableError";
  }
}

/** Splits an SSE byte stream into events (`event:` name and joined `data:` lines), across chunk boundaries. */
export class SseEventSplitter {
  private buffer = "";
  private readonly decoder = new TextDecoder();

  push(chunk: Uint8Array, onEvent: (event: { name: string | undefined; data: string }) => void): void {
    this.buffer += this.decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = this.nextBoundary()) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end).replace(/^(\r?\n){2}/, "");
      let name: string | undefined;
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith("event:")) name = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length > 0) onEvent({ name, data: data.join("\n") });
    }
  }

  private nextBoundary(): number {
    const lf = this.buffer.indexOf("\n\n");
    const crlf = this.buffer.indexOf("\r\n\r\n");
    if (lf < 0) return crlf;
    return crlf < 0 ? lf : Math.min(lf, crlf);
  }
}

/** What one streamed provider event adds: usage (already merged with `usageSoFar`) and answer text. */
export type StreamEventReading = (event: unknown, usageSoFar: TokenCounts | undefined) => { usage?: TokenCounts; text?: string };

/** A StreamUsageReader over SSE whose events are JSON (OpenAI's final `[DONE]` is not an event to read). */
export function sseUsageReader(read: StreamEventReading): StreamUsageReader {
  const splitter = new SseEventSplitter();
  let usage: TokenCounts | undefined;
  let text = "";
  return {
    push(chunk) {
      splitter.push(chunk, ({ data }) => {
        if (data === "[DONE]") return;
        const reading = read(parseJson(data), usage);
        usage = reading.usage ?? usage;
        text += reading.text ?? "";
      });
    },
    usage: () => usage,
    text: () => text,
  };
}

/** Parses JSON that a provider sent, or undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export const nonNegativeInteger = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;

// The SDKs keep only the parsed JSON of an error answer; the contract passes the provider's body on as text
// (row 18), so the fetch they use keeps each error body, found again by the Headers object the SDK's error holds.
const errorBodies = new WeakMap<Headers, string>();

/** The `fetch` given to the SDKs: the global one, keeping the text of error answers. */
export const fetchKeepingErrorBodies = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const response = await fetch(input, init);
  if (response.ok) return response;
  const text = await response.text().catch(() => "");
  const copy = new Response(text, { status: response.status, statusText: response.statusText, headers: response.headers });
  errorBodies.set(copy.headers, text);
  return copy;
};

/**
 * Turns whatever an SDK threw into our two outcomes: a provider status (with its body), or no answer at all.
 * `signal` tells a timeout or a caller that went away (its abort reason) from a network failure.
 */
export function upstreamErrorOf(error: unknown, signal: AbortSignal): Error {
  const failure = error as { status?: unknown; headers?: unknown; error?: unknown; message?: unknown };
  if (typeof failure.status === "number" && failure.headers instanceof Headers) {
    const text =
      errorBodies.get(failure.headers) ?? (failure.error === undefined ? String(failure.message ?? "") : JSON.stringify(failure.error));
    return new UpstreamStatusError(failure.status, text);
  }
  if (signal.aborted) return new UpstreamUnreachableError(signal.reason === "timeout" ? "timeout" : "aborted", { cause: error });
  return new UpstreamUnreachableError("network", { cause: error });
}
