import type { ChatMessage } from "./chat-request";

/** Completion tokens assumed for a call whose provider reported no usage (plugin contract §4.4). */
const ESTIMATED_COMPLETION_CAP = 500;

/** floor(characters of every message's text ÷ 4): string contents, or the `text` of each part of an array. */
export function estimatePromptTokens(messages: readonly ChatMessage[]): number {
  let characters = 0;
  for (const message of messages) {
    const content = message.content;
    if (typeof content === "string") characters += content.length;
    else if (Array.isArray(content)) {
      for (const part of content) {
        const text = (part as { text?: unknown } | null)?.text;
        if (typeof text === "string") characters += text.length;
      }
    }
  }
  return Math.floor(characters / 4);
}

/** The tokens charged when the provider reported none: the prompt estimate and min(max_tokens, 500). */
export function estimatedUsage(messages: readonly ChatMessage[], maxTokens: number): { prompt: number; completion: number } {
  return { prompt: estimatePromptTokens(messages), completion: Math.min(maxTokens, ESTIMATED_COMPLETION_CAP) };
}

/** The worst case reserved before a call: the prompt estimate and the whole (clamped) max_tokens. */
export function worstCaseUsage(messages: readonly ChatMessage[], maxTokens: number): { prompt: number; completion: number } {
  return { prompt: estimatePromptTokens(messages), completion: maxTokens };
}
