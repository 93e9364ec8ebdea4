import type { ChatMessage } from "./chat-messages";

/** Completion tokens assumed for a call whose provider reported no usage (plugin contract §4.4). */
const ESTIMATED_COMPLETION_CAP = 500;

/**
 * Tokens a provider's chat template may add around the text, beyond the UTF-8 bytes counted below. Documented:
 * OpenAI counts 3 per message (4 for gpt-3.5-turbo-0301), 1 more per `name`, and 3 per request to prime the reply
 * (OpenAI cookbook, "How to count tokens with tiktoken"); DeepSeek's template wraps each turn in one or two special
 * tokens (<｜User｜>, <｜Assistant｜>, <｜end▁of▁sentence｜>) after one BOS. Anthropic publishes no figure (its usage
 * "will not match one-to-one with the visible content"), so each constant is twice the largest documented one,
 * rounded up: at 10 tokens the margin costs about 1.4 micro-euros a message on gpt-4o-mini.
 * The same allowance covers each text part of an array content (a provider may frame parts like messages) and the
 * blank line Anthropic's `system` gets between joined system messages.
 */
export const TEMPLATE_TOKENS_PER_REQUEST = 10;
export const TEMPLATE_TOKENS_PER_MESSAGE = 10;
export const TEMPLATE_TOKENS_PER_PART = 10;

/** floor(characters of every message's text ÷ 4): string contents, or the `text` of each part of an array. */
export function estimatePromptTokens(messages: readonly ChatMessage[]): number {
  let characters = 0;
  for (const message of messages) {
    const content = message.content;
    if (typeof content === "string") characters += content.length;
    else for (const part of content) characters += part.text.length;
  }
  return Math.floor(characters / 4);
}

/**
 * The most prompt tokens the provider can count for these messages. OpenAI's and DeepSeek's tokenizers are byte-level
 * BPE, where a token stands for at least one UTF-8 byte of the text the model sees (the role names, any `name`, the
 * message texts), plus the template's special tokens (above). Anthropic's current tokenizer is unpublished; its
 * published one (@anthropic-ai/tokenizer) is a BPE of the same kind applied after NFKC, which can lengthen a text
 * (U+337F "㍿" is 3 bytes, its NFKC "株式会社" 12), so a text counts as the longer of its two forms.
 */
export function maxPromptTokens(messages: readonly ChatMessage[]): number {
  let tokens = TEMPLATE_TOKENS_PER_REQUEST;
  for (const message of messages) {
    tokens += TEMPLATE_TOKENS_PER_MESSAGE + textBytes(message.role) + (message.name === undefined ? 0 : textBytes(message.name));
    const content = message.content;
    if (typeof content === "string") tokens += textBytes(content);
    else for (const part of content) tokens += TEMPLATE_TOKENS_PER_PART + textBytes(part.text);
  }
  return tokens;
}

/** UTF-8 bytes of a text or of its NFKC form, whichever is longer. */
function textBytes(text: string): number {
  const bytes = Buffer.byteLength(text, "utf8");
  // As many bytes as UTF-16 units means pure ASCII, which NFKC leaves alone: this skips normalising (tens of ms
  // for a 5 MiB body) in the common case.
  if (bytes === text.length) return bytes;
  return Math.max(bytes, Buffer.byteLength(text.normalize("NFKC"), "utf8"));
}

/** The tokens charged when the provider reported none: the prompt estimate and min(max_tokens, 500). */
export function estimatedUsage(messages: readonly ChatMessage[], maxTokens: number): { prompt: number; completion: number } {
  return { prompt: estimatePromptTokens(messages), completion: Math.min(maxTokens, ESTIMATED_COMPLETION_CAP) };
}

/**
 * The worst case reserved before a call: an upper bound of what it can cost, so that concurrent calls cannot pass
 * the budget together. The completion is at most the (clamped) `max_tokens` the provider is sent.
 */
export function worstCaseUsage(messages: readonly ChatMessage[], maxTokens: number): { prompt: number; completion: number } {
  return { prompt: maxPromptTokens(messages), completion: maxTokens };
}
