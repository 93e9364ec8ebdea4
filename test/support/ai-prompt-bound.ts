import { TEMPLATE_TOKENS_PER_MESSAGE, TEMPLATE_TOKENS_PER_PART, TEMPLATE_TOKENS_PER_REQUEST } from "../../src/ai/token-estimate";

/**
 * The most prompt tokens a provider may count for the request it received, by the rule the platform promises
 * (README, "How a chat is metered"): a token is at least one UTF-8 byte of a text the model sees (or of its NFKC
 * form, the longer), plus the template allowances. Written from the request as the provider sees it, not from the
 * platform's code: for Anthropic, `system` is counted as the system message it was made of.
 */
export function mostPromptTokens(request: Record<string, unknown>): number {
  let tokens = TEMPLATE_TOKENS_PER_REQUEST;
  const turn = (role: string, content: unknown, name?: unknown): void => {
    tokens += TEMPLATE_TOKENS_PER_MESSAGE + bytes(role) + (typeof name === "string" ? bytes(name) : 0);
    if (typeof content === "string") tokens += bytes(content);
    else for (const part of content as Array<{ text: string }>) tokens += TEMPLATE_TOKENS_PER_PART + bytes(part.text);
  };
  if (typeof request.system === "string") turn("system", request.system);
  for (const message of request.messages as Array<{ role: string; content: unknown; name?: unknown }>)
    turn(message.role, message.content, message.name);
  return tokens;
}

/** The usage a provider reporting the most it is allowed would report: the prompt bound and all of max_tokens. */
export function mostUsage(request: Record<string, unknown>): { promptTokens: number; completionTokens: number } {
  return { promptTokens: mostPromptTokens(request), completionTokens: request.max_tokens as number };
}

function bytes(text: string): number {
  return Math.max(Buffer.byteLength(text), Buffer.byteLength(text.normalize("NFKC")));
}
