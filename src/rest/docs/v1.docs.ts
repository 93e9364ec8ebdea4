import { json, jsonCases, type JsonSchema, type OperationDoc, type ResponseDoc } from "./doc.types";

// The OpenAI-compatible surface: its shapes are OpenAI's (errors included), so the official SDKs work unchanged.

const OPENAI_ERROR: JsonSchema = {
  type: "object",
  properties: {
    error: {
      type: "object",
      properties: {
        message: { type: "string" },
        type: { type: "string" },
        param: { type: ["string", "null"] },
        code: { type: ["string", "null"] },
      },
      required: ["message", "type", "param", "code"],
    },
  },
  required: ["error"],
};

const failure = (message: string, type: string, code: string) => ({ error: { message, type, param: null, code } });
const NO_RETRY = { "x-should-retry": { type: "string", enum: ["false"], description: "OpenAI's SDKs do not retry this answer" } };

const SECURITY = [{ licenseBearer: [] }];

const AUTH_RESPONSES: Record<string, ResponseDoc> = {
  401: {
    description: "No key, or a license that is not valid",
    content: jsonCases(OPENAI_ERROR, {
      missing: {
        summary: "No Bearer token",
        value: failure(
          "You didn't provide an API key. Send your Chatello license key as a Bearer token (Authorization: Bearer CHA-…).",
          "invalid_request_error",
          "missing_api_key",
        ),
      },
      invalid: {
        summary: "Unknown or inactive license",
        value: failure("Invalid or inactive license (License not found).", "invalid_request_error", "invalid_api_key"),
      },
    }),
  },
  403: {
    description: "The plan lacks api_access (or, on completions, ai_included)",
    content: json(
      OPENAI_ERROR,
      failure("The pro plan does not include API access. Upgrade to the Agency plan.", "permission_error", "api_access_not_included"),
    ),
  },
};

const GUARD_429 = {
  summary: "Too many failed key lookups from this IP",
  value: failure("20 failed license lookups per 1 minute", "rate_limit_error", "too_many_failed_lookups"),
};

export const models: OperationDoc = {
  operationId: "listModels",
  summary: "The models this license may call",
  description: "The plan's allowed models of the OpenAI-format providers (OpenAI, DeepSeek) for which the platform holds a key.",
  tags: ["openai-compatible"],
  security: SECURITY,
  response: {
    200: {
      description: "The model list",
      content: json(
        {
          type: "object",
          properties: {
            object: { enum: ["list"] },
            data: {
              type: "array",
              items: {
                type: "object",
                properties: {
                  id: { type: "string" },
                  object: { enum: ["model"] },
                  created: { type: "integer" },
                  owned_by: { type: "string" },
                },
                required: ["id", "object", "created", "owned_by"],
              },
            },
          },
          required: ["object", "data"],
        },
        {
          object: "list",
          data: [
            { id: "gpt-4o-mini", object: "model", created: 0, owned_by: "openai" },
            { id: "deepseek-chat", object: "model", created: 0, owned_by: "deepseek" },
          ],
        },
      ),
    },
    ...AUTH_RESPONSES,
    429: { description: "The failed-lookup guard", headers: NO_RETRY, content: jsonCases(OPENAI_ERROR, { guard: GUARD_429 }) },
  },
};

const COMPLETION_BODY: JsonSchema = {
  type: "object",
  properties: {
    model: { type: "string" },
    messages: { type: "array", items: { type: "object", properties: { role: { type: "string" }, content: {} }, required: ["role"] } },
    max_tokens: { type: "integer", minimum: 1 },
    max_completion_tokens: { type: "integer", minimum: 1, description: "wins over max_tokens" },
    temperature: { type: "number" },
    stream: { type: "boolean" },
    stream_options: { type: "object", properties: { include_usage: { type: "boolean" } } },
  },
  required: ["model", "messages"],
};

const COMPLETION: JsonSchema = {
  type: "object",
  description: "The provider's chat.completion, unchanged",
  properties: {
    id: { type: "string" },
    object: { enum: ["chat.completion"] },
    model: { type: "string" },
    choices: { type: "array" },
    usage: { type: "object" },
  },
  required: ["id", "object", "choices"],
};

export const completions: OperationDoc = {
  operationId: "createChatCompletion",
  summary: "Create a chat completion (OpenAI's API)",
  description:
    "Metered like /api/chat, on the same reservations and limits. Point an OpenAI client at `<platform>/v1` with the license key as its API key.",
  tags: ["openai-compatible"],
  security: SECURITY,
  body: {
    required: true,
    content: json(COMPLETION_BODY, { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }], max_tokens: 50 }),
  },
  response: {
    200: {
      description: "The completion, or its chunks as server-sent events",
      content: {
        ...json(COMPLETION, {
          id: "chatcmpl-1",
          object: "chat.completion",
          model: "gpt-4o-mini",
          choices: [{ index: 0, message: { role: "assistant", content: "Hello!" }, finish_reason: "stop" }],
          usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
        }),
        "text/event-stream": {
          schema: { type: "string" },
          example:
            'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hello!"}}]}\n\ndata: [DONE]\n\n',
        },
      },
    },
    400: {
      description: "Invalid input",
      content: jsonCases(OPENAI_ERROR, {
        json: {
          summary: "Body not JSON",
          value: failure("We could not parse the JSON body of your request.", "invalid_request_error", "invalid_json"),
        },
        model: { summary: "No model", value: failure("you must provide a model parameter", "invalid_request_error", "missing_model") },
        value: { summary: "A field the platform refuses", value: failure("Invalid max_tokens.", "invalid_request_error", "invalid_value") },
      }),
    },
    ...AUTH_RESPONSES,
    404: {
      description: "A model this license may not call",
      content: json(
        OPENAI_ERROR,
        failure("The model `gpt-4o` does not exist or you do not have access to it.", "invalid_request_error", "model_not_found"),
      ),
    },
    429: {
      description: "A plan limit; `x-should-retry: false` when waiting will not help (monthly limit, budget)",
      headers: {
        "retry-after": { type: "integer", description: "seconds until the window ends" },
        "x-should-retry": { type: "string", enum: ["true", "false"], description: "whether OpenAI's SDKs retry" },
      },
      content: jsonCases(OPENAI_ERROR, {
        minute: { summary: "Per-minute limit", value: failure("Per-minute request limit reached.", "requests", "rate_limit_exceeded") },
        budget: {
          summary: "Monthly budget used up",
          value: failure("Monthly budget exceeded.", "insufficient_quota", "insufficient_quota"),
        },
        guard: GUARD_429,
      }),
    },
    500: {
      description: "Unexpected failure",
      content: json(OPENAI_ERROR, failure("The server had an error while processing your request.", "server_error", "internal_error")),
    },
    502: {
      description: "The provider could not be reached",
      content: json(OPENAI_ERROR, failure("The AI provider could not be reached.", "api_error", "provider_unreachable")),
    },
    503: {
      description: "The platform holds no key for the model's provider; not retried by OpenAI's SDKs",
      headers: NO_RETRY,
      content: json(OPENAI_ERROR, failure("deepseek is not configured on this platform.", "api_error", "provider_not_configured")),
    },
    504: {
      description: "The provider did not answer in time",
      content: json(OPENAI_ERROR, failure("The AI provider did not answer in time.", "api_error", "provider_timeout")),
    },
    default: { description: "The provider's own error answer, passed through with its status", content: json(OPENAI_ERROR) },
  },
};
