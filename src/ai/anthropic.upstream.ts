import Anthropic from "@anthropic-ai/sdk";
import type { ChatCall, ChatMessage } from "./chat-request";
import type { TokenCounts } from "./price-table";
import {
  fetchKeepingErrorBodies,
  nonNegativeInteger,
  sseUsageReader,
  upstreamErrorOf,
  type StreamUsageReader,
  type Upstream,
} from "./upstream";

const ANTHROPIC_VERSION = "2023-06-01";

/**
 * Anthropic through its official SDK. System messages become the `system` parameter (Anthropic rejects them in
 * `messages`), and temperature is passed (v2.1 did neither). No SDK retries (reliability B5).
 */
export class AnthropicUpstream implements Upstream {
  private readonly client: Anthropic;

  constructor(apiKey: string, baseURL: string) {
    this.client = new Anthropic({
      apiKey,
      baseURL,
      maxRetries: 0,
      timeout: 24 * 3_600_000,
      fetch: fetchKeepingErrorBodies,
      // The contract's upstream request (§6.4): `x-api-key` and API version 2023-06-01, whose answer the plugin
      // reads (it gets Anthropic's body unchanged), whatever version a newer SDK would default to.
      defaultHeaders: { "x-api-key": apiKey, "anthropic-version": ANTHROPIC_VERSION, Authorization: null },
    });
  }

  async send(call: ChatCall, signal: AbortSignal): Promise<Response> {
    const { system, messages } = splitSystem(call.messages);
    const params = {
      model: call.model,
      messages: messages as unknown as Anthropic.MessageParam[],
      max_tokens: call.maxTokens,
      temperature: call.temperature,
      ...(system === undefined ? {} : { system }),
    };
    try {
      return call.stream
        ? await this.client.messages.create({ ...params, stream: true }, { signal }).asResponse()
        : await this.client.messages.create(params, { signal }).asResponse();
    } catch (error) {
      throw upstreamErrorOf(error, signal);
    }
  }

  usageOfJson(body: unknown): TokenCounts | undefined {
    return mergeUsage(undefined, (body as { usage?: unknown } | undefined)?.usage);
  }

  textOfJson(body: unknown): string {
    const content = (body as { content?: Array<{ type?: unknown; text?: unknown }> } | undefined)?.content;
    return (content ?? []).map((block) => (block.type === "text" && typeof block.text === "string" ? block.text : "")).join("");
  }

  streamUsage(): StreamUsageReader {
    return sseUsageReader((raw, usageSoFar) => {
      const event = raw as
        { type?: string; message?: { usage?: unknown }; usage?: unknown; delta?: { type?: string; text?: unknown } } | undefined;
      switch (event?.type) {
        case "message_start":
          return { usage: mergeUsage(usageSoFar, event.message?.usage) };
        // message_delta counts are cumulative: the latest value wins, never a sum (ai-gateways research §4).
        case "message_delta":
          return { usage: mergeUsage(usageSoFar, event.usage) };
        case "content_block_delta":
          return { text: event.delta?.type === "text_delta" && typeof event.delta.text === "string" ? event.delta.text : undefined };
        default:
          return {};
      }
    });
  }
}

/** System messages leave `messages` and are joined (blank line between) into Anthropic's `system`. */
export function splitSystem(messages: readonly ChatMessage[]): { system: string | undefined; messages: ChatMessage[] } {
  const system: string[] = [];
  const rest: ChatMessage[] = [];
  for (const message of messages) {
    if (message.role === "system") system.push(textOf(message.content));
    else rest.push(message);
  }
  return { system: system.length > 0 ? system.join("\n\n") : undefined, messages: rest };
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) => (typeof (part as { text?: unknown } | null)?.text === "string" ? (part as { text: string }).text : ""))
    .join("");
}

/** Input is input + cache writes + cache reads (additive in Anthropic's usage); the latest non-null value wins. */
function mergeUsage(previous: TokenCounts | undefined, value: unknown): TokenCounts | undefined {
  const usage = value as Record<string, unknown> | null | undefined;
  if (!usage || typeof usage !== "object") return previous;
  const inputParts = ["input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"].map((field) =>
    nonNegativeInteger(usage[field]),
  );
  const reportedInput = inputParts.some((part) => part !== undefined);
  const input = inputParts.reduce<number>((sum, part) => sum + (part ?? 0), 0);
  const output = nonNegativeInteger(usage.output_tokens);
  if (!reportedInput && output === undefined) return previous;
  return {
    // Some gateways send input 0 at message_start and the real value only in message_delta: keep the larger.
    prompt: reportedInput ? Math.max(input, previous?.prompt ?? 0) : (previous?.prompt ?? 0),
    completion: output ?? previous?.completion ?? 0,
  };
}
