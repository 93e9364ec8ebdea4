import OpenAI from "openai";
import type { ChatCall } from "./chat-request";
import type { TokenCounts } from "./price-table";
import {
  fetchKeepingErrorBodies,
  nonNegativeInteger,
  sseUsageReader,
  upstreamErrorOf,
  type StreamUsageReader,
  type Upstream,
} from "./upstream";

/**
 * OpenAI and DeepSeek (OpenAI-compatible) through the official `openai` SDK. No SDK retries: every attempt could
 * be billed, and the caller's reservation covers one call (reliability B5). Streams always ask for usage
 * (`stream_options.include_usage`), so a streamed call is charged what the provider says.
 */
export class OpenAIUpstream implements Upstream {
  private readonly client: OpenAI;

  constructor(apiKey: string, baseURL: string) {
    // The SDK's own timeout is not used: the caller's signal carries ours, which also covers reading the body.
    this.client = new OpenAI({ apiKey, baseURL, maxRetries: 0, timeout: 24 * 3_600_000, fetch: fetchKeepingErrorBodies });
  }

  async send(call: ChatCall, signal: AbortSignal): Promise<Response> {
    const params = {
      model: call.model,
      messages: call.messages as unknown as OpenAI.ChatCompletionMessageParam[],
      max_tokens: call.maxTokens,
      temperature: call.temperature,
    };
    try {
      return call.stream
        ? await this.client.chat.completions
            .create({ ...params, stream: true, stream_options: { include_usage: true } }, { signal })
            .asResponse()
        : await this.client.chat.completions.create(params, { signal }).asResponse();
    } catch (error) {
      throw upstreamErrorOf(error, signal);
    }
  }

  usageOfJson(body: unknown): TokenCounts | undefined {
    return usageOf((body as { usage?: unknown } | undefined)?.usage);
  }

  textOfJson(body: unknown): string {
    const content = (body as { choices?: Array<{ message?: { content?: unknown } }> } | undefined)?.choices?.[0]?.message?.content;
    return typeof content === "string" ? content : "";
  }

  streamUsage(): StreamUsageReader {
    return sseUsageReader((event) => {
      const chunk = event as { usage?: unknown; choices?: Array<{ delta?: { content?: unknown } }> } | undefined;
      const delta = chunk?.choices?.[0]?.delta?.content;
      return { usage: usageOf(chunk?.usage), text: typeof delta === "string" ? delta : undefined };
    });
  }
}

function usageOf(value: unknown): TokenCounts | undefined {
  const usage = value as { prompt_tokens?: unknown; completion_tokens?: unknown } | null | undefined;
  const prompt = nonNegativeInteger(usage?.prompt_tokens);
  const completion = nonNegativeInteger(usage?.completion_tokens);
  return prompt === undefined && completion === undefined ? undefined : { prompt: prompt ?? 0, completion: completion ?? 0 };
}
