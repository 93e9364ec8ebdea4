import { json, jsonCases, type JsonSchema, type OperationDoc } from "./doc.types";
import {
  EUR,
  errorBody,
  INVALID_JSON,
  LICENSE_KEY_SECURITY,
  licensedResponses,
  object,
  RATE_LIMITED,
  RATE_LIMITED_BODY,
  SITE_HEADER,
} from "./plugin.schemas";

// POST /api/chat (contract §6.4).

const MESSAGES: JsonSchema = {
  type: "array",
  minItems: 1,
  items: {
    type: "object",
    properties: { role: { type: "string" }, content: { anyOf: [{ type: "string" }, { type: "array" }] } },
    required: ["role", "content"],
  },
  description: "forwarded verbatim; content is a string or an array of parts",
};

const CHAT_BODY: JsonSchema = {
  type: "object",
  properties: {
    messages: MESSAGES,
    api_provider: { type: ["string", "null"], enum: ["openai", "anthropic", "deepseek", null], description: "default openai; lower-cased" },
    provider: { type: "string", description: "used when api_provider is missing or null (older plugin builds)" },
    model: { type: ["string", "null"], description: "must be allowed by the plan; default: the provider's default model" },
    max_tokens: { type: "integer", minimum: 1, description: "default 1000; clamped to the plan's max_tokens" },
    temperature: { type: "number", description: "default 0.7" },
    stream: { type: "boolean", description: "true streams the answer as server-sent events" },
    site_url: { type: "string", description: "the calling site (§5) when X-Site-URL is absent" },
  },
  required: ["messages"],
};

const USAGE = object({
  tokens: { type: "integer" },
  prompt_tokens: { type: "integer" },
  completion_tokens: { type: "integer" },
  cost_eur: EUR,
  response_time_ms: { type: "number" },
});

const ANSWER = object({
  success: { enum: [true] },
  provider: { enum: ["openai", "anthropic", "deepseek"] },
  model: { type: "string" },
  response: { type: "object", description: "the provider's JSON body, unchanged" },
  usage: USAGE,
});

const STREAM_EXAMPLE =
  'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hello!"}}]}\n\n' +
  "data: [DONE]\n\n" +
  "event: chatello.usage\n" +
  'data: {"tokens":15,"prompt_tokens":12,"completion_tokens":3,"cost_eur":0.0,"response_time_ms":1290}\n\n';

const LIMIT_429: JsonSchema = errorBody({ limit: { type: "integer" }, reset_time: { type: "string" } }, [
  "MONTHLY_LIMIT",
  "MINUTE_LIMIT",
  "HOUR_LIMIT",
]);

export const chat: OperationDoc = {
  operationId: "chat",
  summary: "AI proxy",
  description:
    "Checks run in the order of §6.4; plan limits come before the body's fields. With `stream: true` the provider's events pass through byte for byte, then one `chatello.usage` event (or `chatello.error` when the stream broke). A provider's non-2xx answer passes through with the provider's status (`default`).",
  tags: ["ai"],
  security: LICENSE_KEY_SECURITY,
  headers: SITE_HEADER,
  body: {
    required: false,
    content: json(CHAT_BODY, {
      messages: [{ role: "user", content: "Hello" }],
      api_provider: "openai",
      model: "gpt-4o-mini",
      max_tokens: 500,
    }),
  },
  response: {
    ...licensedResponses("Request failed", {
      description: "The provider's answer in the v2.1 envelope, or a stream of server-sent events",
      content: {
        ...json(ANSWER, {
          success: true,
          provider: "openai",
          model: "gpt-4o-mini",
          response: {
            id: "chatcmpl-…",
            object: "chat.completion",
            choices: [{ index: 0, message: { role: "assistant", content: "Hello!" }, finish_reason: "stop" }],
            usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
          },
          usage: { tokens: 15, prompt_tokens: 12, completion_tokens: 3, cost_eur: 0.0, response_time_ms: 842 },
        }),
        "text/event-stream": { schema: { type: "string" }, example: STREAM_EXAMPLE },
      },
    }),
    400: {
      description: "Invalid input",
      content: jsonCases(errorBody({}, ["INVALID_INPUT"]), {
        invalidJson: INVALID_JSON,
        empty: { summary: "Body empty, null or {}", value: { error: "JSON data required", code: "INVALID_INPUT" } },
        messages: { summary: "messages missing, empty or not an array", value: { error: "Messages required", code: "INVALID_INPUT" } },
        provider: { summary: "Unknown provider", value: { error: "Unsupported provider: mistral", code: "INVALID_INPUT" } },
        maxTokens: { summary: "max_tokens not a positive integer", value: { error: "Invalid max_tokens", code: "INVALID_INPUT" } },
        site: { summary: "Invalid site URL", value: { error: "Invalid site_url", code: "INVALID_INPUT" } },
      }),
    },
    402: {
      description: "The monthly budget is used up",
      content: json(
        errorBody({ budget_eur: EUR, message: { type: "string" }, reset_time: { enum: ["Next month"] } }, ["BUDGET_EXCEEDED"]),
        {
          error: "Monthly budget exceeded",
          budget_eur: 4.0,
          message: "API budget limit reached. Upgrade your plan or wait for next month.",
          reset_time: "Next month",
          code: "BUDGET_EXCEEDED",
        },
      ),
    },
    403: {
      description: "AI not in the plan, a model the plan does not allow, or no site seat free",
      content: jsonCases(errorBody(), {
        aiNotIncluded: {
          summary: "The plan lacks ai_included",
          value: {
            error: "AI not included in your plan",
            plan: "starter",
            message: "Upgrade to Pro or Agency plan for included AI",
            code: "AI_NOT_INCLUDED",
          },
        },
        model: {
          summary: "Model not allowed",
          value: {
            error: "Model not allowed for your plan",
            code: "MODEL_NOT_ALLOWED",
            provider: "openai",
            model: "gpt-4o",
            allowed_models: ["gpt-4o-mini"],
          },
        },
        sites: { summary: "No seat free", value: { error: "Site limit reached", code: "TOO_MANY_SITES", max_sites: 3, active_sites: 3 } },
      }),
    },
    429: {
      description: "A plan request limit (with Retry-After), or the route's throttle",
      headers: RATE_LIMITED.headers,
      content: jsonCases(
        { anyOf: [LIMIT_429, RATE_LIMITED_BODY] },
        {
          monthly: {
            summary: "Monthly requests used up",
            value: { error: "Monthly usage limit exceeded", limit: 1000, reset_time: "Next month", code: "MONTHLY_LIMIT" },
          },
          minute: {
            summary: "Per-minute limit",
            value: {
              error: "Rate limit exceeded: too many requests per minute",
              limit: 10,
              reset_time: "60 seconds",
              code: "MINUTE_LIMIT",
            },
          },
          hour: {
            summary: "Per-hour limit",
            value: { error: "Rate limit exceeded: too many requests per hour", limit: 200, reset_time: "1 hour", code: "HOUR_LIMIT" },
          },
          throttle: {
            summary: "Route throttle",
            value: { error: "Rate limit exceeded", message: "100 per 1 hour", retry_after: 1834, code: "RATE_LIMITED" },
          },
        },
      ),
    },
    503: {
      description: "The platform holds no key for the provider",
      content: json(errorBody({}, ["PROVIDER_NOT_CONFIGURED"]), { error: "anthropic not configured", code: "PROVIDER_NOT_CONFIGURED" }),
    },
    default: {
      description: "The provider answered a non-2xx status: passed through with its status",
      content: json(errorBody({ details: { type: "string", description: "the provider's response body as text" } }, ["PROVIDER_ERROR"]), {
        error: "AI service error",
        details: '{"error":{"message":"Rate limit reached","type":"requests"}}',
        code: "PROVIDER_ERROR",
      }),
    },
  },
};
// 500s: the license check's, the provider unreachable, and any other failure.
chat.response[500] = {
  description: "The license check failed, the provider could not be reached, or an unexpected failure",
  content: jsonCases(errorBody({}, ["INTERNAL_ERROR", "PROVIDER_ERROR"]), {
    check: { summary: "License check failed", value: { error: "License validation failed", code: "INTERNAL_ERROR" } },
    provider: { summary: "Network error or timeout calling the provider", value: { error: "Request failed", code: "PROVIDER_ERROR" } },
    plan: { summary: "Plan record missing", value: { error: "Plan not found", code: "INTERNAL_ERROR" } },
    route: { summary: "Unexpected failure", value: { error: "Request failed", code: "INTERNAL_ERROR" } },
  }),
};
