import type { Plan } from "../modules/plans/plan.model";
import { checkMessages, type ChatMessage } from "./chat-messages";
import { modelsAllowed, requestedModel } from "../modules/plans/plan.policy";
import { isProvider, type Provider } from "./providers";

export type { ChatMessage } from "./chat-messages";

/** One call to a provider, with every default applied and `max_tokens` clamped to the plan. */
export interface ChatCall {
  provider: Provider;
  model: string;
  messages: ChatMessage[];
  maxTokens: number;
  temperature: number;
  stream: boolean;
}

/** Why a chat request cannot be sent, in the contract's words (rows 10–14 of §6.4, plus checks of our own that keep bad input from the provider). */
export interface ChatProblem {
  code: "INVALID_INPUT" | "MODEL_NOT_ALLOWED";
  error: string;
  /** Extra body fields (MODEL_NOT_ALLOWED names the provider, the model and the allowed ones). */
  details?: Record<string, unknown>;
}

/**
 * A chat request read leniently: `call` always holds usable values (defaults where the body is wrong), because
 * the worst-case cost is reserved before the body's fields are judged (the contract checks plan limits first);
 * `problem` is the first rule the body breaks, in the contract's order.
 */
export interface ChatDraft {
  call: ChatCall;
  problem?: ChatProblem;
}

export const DEFAULT_MAX_TOKENS = 1000;
export const DEFAULT_TEMPERATURE = 0.7;

const invalid = (error: string): ChatProblem => ({ code: "INVALID_INPUT", error });

/** Reads the body of POST /api/chat (§6.4) against the plan's allowed models and `max_tokens`. */
export function draftChat(body: Record<string, unknown> | null, plan: Plan): ChatDraft {
  const fields = body ?? {};
  const problems: ChatProblem[] = [];
  if (Object.keys(fields).length === 0) problems.push(invalid("JSON data required"));

  // Row 11, widened: a malformed message is refused here too, so nothing is reserved for it and no provider sees it.
  const checked = checkMessages(fields.messages);
  if (!checked.ok) problems.push(invalid(checked.error));
  const messages: ChatMessage[] = checked.ok ? checked.messages : [];

  // `null` counts as missing (§6.4); `provider` is the v2.1 name of the field.
  const named = fields.api_provider ?? fields.provider ?? "openai";
  const requested = typeof named === "string" ? named.toLowerCase() : undefined;
  const provider: Provider = isProvider(requested) ? requested : "openai";
  if (!isProvider(requested)) problems.push(invalid(`Unsupported provider: ${requested ?? kindOf(named)}`));
  // Anthropic refuses `name` in its messages with a 400 that would cost the customer a request.
  const withName = provider === "anthropic" ? messages.findIndex((message) => message.name !== undefined) : -1;
  if (withName >= 0) problems.push(invalid(`Invalid messages[${withName}].name: anthropic does not accept it`));

  const model = requestedModel(provider, fields.model);
  if (fields.model !== undefined && fields.model !== null && typeof fields.model !== "string") problems.push(invalid("Invalid model"));
  else if (isProvider(requested)) {
    const allowed = modelsAllowed(plan, provider);
    if (!allowed.includes(model)) {
      problems.push({
        code: "MODEL_NOT_ALLOWED",
        error: "Model not allowed for your plan",
        details: { provider, model, allowed_models: allowed },
      });
    }
  }

  const rawMaxTokens = fields.max_tokens ?? DEFAULT_MAX_TOKENS;
  const validMaxTokens = Number.isSafeInteger(rawMaxTokens) && (rawMaxTokens as number) > 0;
  if (!validMaxTokens) problems.push(invalid("Invalid max_tokens"));
  const maxTokens = clampMaxTokens(validMaxTokens ? (rawMaxTokens as number) : DEFAULT_MAX_TOKENS, plan);

  const rawTemperature = fields.temperature ?? DEFAULT_TEMPERATURE;
  const validTemperature =
    typeof rawTemperature === "number" && Number.isFinite(rawTemperature) && rawTemperature >= 0 && rawTemperature <= 2;
  if (!validTemperature) problems.push(invalid("Invalid temperature"));

  const rawStream = fields.stream ?? false;
  if (typeof rawStream !== "boolean") problems.push(invalid("Invalid stream"));

  return {
    call: {
      provider,
      model,
      messages,
      maxTokens,
      temperature: validTemperature ? rawTemperature : DEFAULT_TEMPERATURE,
      stream: rawStream === true,
    },
    problem: problems[0],
  };
}

/**
 * How a provider field that is not a string is named in the error: never by String(value), which throws for
 * `{"toString": null}` and recurses through nested arrays (a 10,000-deep one overflowed the stack: a 500).
 */
function kindOf(value: unknown): string {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return Array.isArray(value) ? "array" : typeof value;
}

/** `max_tokens` is never sent above the plan's cap (§6.4, reliability B3). */
export function clampMaxTokens(requested: number, plan: Plan): number {
  return plan.max_tokens > 0 ? Math.min(requested, plan.max_tokens) : requested;
}
