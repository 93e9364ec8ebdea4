/**
 * The roles all three providers accept in a conversation, and all the GraphQL input allows. `developer` is left out
 * because Anthropic and DeepSeek refuse it (and `system` does its job on every provider); `tool` because a tool
 * message needs a `tools` definition and an assistant `tool_calls` turn, which the platform never forwards (§6.4,
 * "Fields sent"), so the provider would answer 400 and the customer would pay a request for nothing.
 */
export const CHAT_ROLES = ["system", "user", "assistant"] as const;
export type ChatRole = (typeof CHAT_ROLES)[number];

export type TextPart = { type: "text"; text: string };

/**
 * A message as the caller sent it, forwarded verbatim (plugin contract §6.4), once it is known to hold only text:
 * images, audio and files are refused, because what they cost in tokens cannot be bounded before the call.
 */
export type ChatMessage = { role: ChatRole; content: string | TextPart[]; name?: string };

/** As many as the GraphQL input allows; the plugin sends one conversation, far shorter. */
export const MAX_MESSAGES = 1000;

/** OpenAI's documented rule for `name` (it answers 400 to anything else). */
const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const MESSAGE_FIELDS = new Set(["role", "content", "name"]);

export type MessagesCheck = { ok: true; messages: ChatMessage[] } | { ok: false; error: string };

/**
 * Checks `messages` of a chat body shallowly: every value is judged by its type before it is looked into, so no
 * depth of nesting makes this recurse, and nothing is stringified. Unknown fields are refused rather than dropped,
 * so what is accepted is still forwarded verbatim.
 */
export function checkMessages(value: unknown): MessagesCheck {
  if (!Array.isArray(value) || value.length === 0) return { ok: false, error: "Messages required" };
  if (value.length > MAX_MESSAGES) return { ok: false, error: `Too many messages (at most ${MAX_MESSAGES})` };
  for (const [index, message] of value.entries()) {
    const problem = messageProblem(message);
    if (problem !== undefined) return { ok: false, error: `Invalid messages[${index}]${problem}` };
  }
  return { ok: true, messages: value as ChatMessage[] };
}

/** What is wrong with one message, as the rest of "Invalid messages[i]…", or undefined. */
function messageProblem(message: unknown): string | undefined {
  if (!isPlainObject(message)) return ": each message must be an object with role and content";
  for (const key of Object.keys(message)) {
    if (!MESSAGE_FIELDS.has(key)) return ": only role, content and name are accepted";
  }
  if (!(CHAT_ROLES as readonly unknown[]).includes(message.role)) return ".role: must be system, user or assistant";
  if (message.name !== undefined && (typeof message.name !== "string" || !NAME.test(message.name))) {
    return ".name: 1 to 64 letters, digits, _ or -";
  }
  const { content } = message;
  if (typeof content === "string") return undefined;
  if (!Array.isArray(content) || content.length === 0) return ".content: must be a string or a non-empty array of text parts";
  for (const [index, part] of content.entries()) {
    if (!isTextPart(part)) return `.content[${index}]: only text parts {"type":"text","text":"…"} are accepted`;
  }
  return undefined;
}

function isTextPart(part: unknown): part is TextPart {
  if (!isPlainObject(part) || part.type !== "text" || typeof part.text !== "string") return false;
  return Object.keys(part).length === 2;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
