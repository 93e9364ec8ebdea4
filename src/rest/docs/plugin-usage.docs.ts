import { json, jsonCases, type JsonSchema, type OperationDoc } from "./doc.types";
import {
  EUR,
  errorBody,
  LICENSE_KEY_SECURITY,
  licensedResponses,
  NULLABLE_STRING,
  object,
  RATE_HEADERS,
  RATE_LIMITED,
  RATE_LIMITED_BODY,
  RATE_LIMITED_EXAMPLE,
  internalError,
  STRING_LIST,
  TIMESTAMP,
} from "./plugin.schemas";

// The usage routes: /api/usage/current, /api/usage/history, /api/limits/check and the legacy /api/usage/{license_key}
// (contract §6.5–6.8).

const KEY = "CHA-1A2B3C4D-5E6F7A8B-9C0D1E2F-3A4B5C6D";
const COUNT: JsonSchema = { type: "integer", minimum: 0 };
const PERCENT: JsonSchema = { type: "number", description: "rounded to 2 decimals (§4.5)" };

export const usageCurrent: OperationDoc = {
  operationId: "getCurrentUsage",
  summary: "This month's usage, the current hour and minute, limits and warnings",
  tags: ["usage"],
  security: LICENSE_KEY_SECURITY,
  response: {
    ...licensedResponses("Failed to get current usage", {
      description: "Current usage",
      content: json(
        object({
          status: { enum: ["success"] },
          license_key: { type: "string" },
          plan: object({ name: { type: "string" }, display_name: { type: "string" }, price: { type: ["number", "null"] } }),
          current_usage: object({
            license_id: { type: "string" },
            plan: { type: "string" },
            current_month: object({ requests: COUNT, tokens: COUNT, cost_eur: EUR, avg_response_time_ms: { type: "number" } }),
            current_hour: object({ requests: COUNT }),
            current_minute: object({ requests: COUNT }),
            limits: object({ monthly_requests: COUNT, requests_per_minute: COUNT, requests_per_hour: COUNT, monthly_budget_eur: EUR }),
            usage_percentages: object({ requests: PERCENT, budget: PERCENT }),
          }),
          warnings: STRING_LIST,
          timestamp: TIMESTAMP,
        }),
        {
          status: "success",
          license_key: KEY,
          plan: { name: "pro", display_name: "Pro - AI Inclusa", price: 7.99 },
          current_usage: {
            license_id: "66b7f0c2e4b0a1b2c3d4e5f6",
            plan: "pro",
            current_month: { requests: 850, tokens: 102000, cost_eur: 0.153, avg_response_time_ms: 812.5 },
            current_hour: { requests: 12 },
            current_minute: { requests: 1 },
            limits: { monthly_requests: 1000, requests_per_minute: 10, requests_per_hour: 200, monthly_budget_eur: 4.0 },
            usage_percentages: { requests: 85.0, budget: 3.83 },
          },
          warnings: ["Monthly request limit approaching (>80%)"],
          timestamp: "2025-08-21T10:00:00.000Z",
        },
      ),
    }),
  },
};
// The statistics' own failure is told apart from any other (§6.5).
usageCurrent.response[500] = {
  description: "The license check's failure, the statistics' failure, or any other",
  content: jsonCases(errorBody({}, ["INTERNAL_ERROR"]), {
    check: { summary: "License check failed", value: { error: "License validation failed", code: "INTERNAL_ERROR" } },
    statistics: { summary: "Statistics cannot be computed", value: { error: "Unable to get usage statistics", code: "INTERNAL_ERROR" } },
    route: { summary: "Any other failure", value: { error: "Failed to get current usage", code: "INTERNAL_ERROR" } },
  }),
};

const FIGURES = object({ requests: COUNT, tokens: COUNT, avg_response_time: { type: "number" } });
const DAY = object({
  total_requests: COUNT,
  total_tokens: COUNT,
  avg_response_time: { type: "number" },
  by_provider: { type: "object", additionalProperties: FIGURES },
});
const RECENT = object({
  _id: { type: "string" },
  endpoint: { type: "string" },
  provider: NULLABLE_STRING,
  model: NULLABLE_STRING,
  tokens_used: COUNT,
  response_time_ms: { type: "number" },
  created_at: TIMESTAMP,
  ip_address: NULLABLE_STRING,
});

export const usageHistory: OperationDoc = {
  operationId: "getUsageHistory",
  summary: "Daily usage over the last `days` days",
  description:
    "The window is [now − days × 24 h, now). `daily_usage` is keyed by UTC date, ascending; days without usage are absent (§6.6).",
  tags: ["usage"],
  security: LICENSE_KEY_SECURITY,
  querystring: {
    type: "object",
    properties: {
      days: { type: "string", pattern: "^-?[0-9]+$", description: "default 30, clamped to 1..90; a non-integer answers 400" },
      provider: { type: "string", description: "filters when exactly openai, anthropic or deepseek; anything else is ignored" },
    },
  },
  response: {
    ...licensedResponses("Failed to get usage history", {
      description: "The history",
      content: json(
        object({
          status: { enum: ["success"] },
          license_key: { type: "string" },
          period: object({ start: TIMESTAMP, end: TIMESTAMP, days: { type: "integer", minimum: 1, maximum: 90 } }),
          daily_usage: { type: "object", additionalProperties: DAY },
          recent_requests: { type: "array", items: RECENT, maxItems: 50 },
          summary: object({ total_requests: COUNT, total_tokens: COUNT, days_with_usage: COUNT, avg_requests_per_day: { type: "number" } }),
          timestamp: TIMESTAMP,
        }),
        {
          status: "success",
          license_key: KEY,
          period: { start: "2025-08-14T07:39:32.860Z", end: "2025-08-21T07:39:32.860Z", days: 7 },
          daily_usage: {
            "2025-08-20": {
              total_requests: 25,
              total_tokens: 1500,
              avg_response_time: 245.4,
              by_provider: {
                openai: { requests: 15, tokens: 900, avg_response_time: 230.0 },
                anthropic: { requests: 10, tokens: 600, avg_response_time: 267.1 },
              },
            },
          },
          recent_requests: [
            {
              _id: "66b7f0c2e4b0a1b2c3d4e5f7",
              endpoint: "/api/chat/openai",
              provider: "openai",
              model: "gpt-4o-mini",
              tokens_used: 150,
              response_time_ms: 245,
              created_at: "2025-08-20T07:30:15.000Z",
              ip_address: "203.0.113.7",
            },
          ],
          summary: { total_requests: 25, total_tokens: 1500, days_with_usage: 1, avg_requests_per_day: 25.0 },
          timestamp: "2025-08-21T07:39:32.860Z",
        },
      ),
    }),
    400: {
      description: "`days` is not an integer",
      content: json(errorBody({}, ["INVALID_INPUT"]), { error: "Invalid days parameter", code: "INVALID_INPUT" }),
    },
  },
};

const REQUEST_FACTOR = object({ passed: { type: "boolean" }, current: COUNT, limit: COUNT });
const FACTORS = ["monthly_requests", "requests_per_minute", "requests_per_hour", "monthly_budget"];
const LIMITS_FIELDS: Record<string, JsonSchema> = {
  status: { enum: ["success"] },
  license_key: { type: "string" },
  can_make_request: { type: "boolean" },
  limits_status: object({
    monthly_requests: object({ passed: { type: "boolean" }, current: COUNT, limit: COUNT, percentage: PERCENT }),
    requests_per_minute: REQUEST_FACTOR,
    requests_per_hour: REQUEST_FACTOR,
    monthly_budget: object({ passed: { type: "boolean" }, current_cost_eur: EUR, limit_eur: EUR, percentage: PERCENT }),
  }),
  blocking_factors: { type: "array", items: { enum: FACTORS } },
  reset_times: object({ next_minute: TIMESTAMP, next_hour: TIMESTAMP, next_month: TIMESTAMP }),
  timestamp: TIMESTAMP,
};
const LIMITS = object(LIMITS_FIELDS);
const blocked = (codes: string[]): JsonSchema => object({ ...LIMITS_FIELDS, code: { enum: codes } });

const LIMITS_EXAMPLE = {
  status: "success",
  license_key: KEY,
  can_make_request: true,
  limits_status: {
    monthly_requests: { passed: true, current: 850, limit: 1000, percentage: 85.0 },
    requests_per_minute: { passed: true, current: 1, limit: 10 },
    requests_per_hour: { passed: true, current: 12, limit: 200 },
    monthly_budget: { passed: true, current_cost_eur: 0.153, limit_eur: 4.0, percentage: 3.83 },
  },
  blocking_factors: [],
  reset_times: { next_minute: "2025-08-21T10:01:00.000Z", next_hour: "2025-08-21T11:00:00.000Z", next_month: "2025-09-01T00:00:00.000Z" },
  timestamp: "2025-08-21T10:00:12.345Z",
};
const MINUTE_BLOCKED = {
  ...LIMITS_EXAMPLE,
  can_make_request: false,
  limits_status: { ...LIMITS_EXAMPLE.limits_status, requests_per_minute: { passed: false, current: 10, limit: 10 } },
  blocking_factors: ["requests_per_minute"],
  code: "MINUTE_LIMIT",
};

export const limitsCheck: OperationDoc = {
  operationId: "checkLimits",
  summary: "Pre-flight limit check",
  description:
    "The body has the same shape for 200, 402 and 429 (§6.7). 402 when the budget blocks, else 429 with the code of the first blocking factor. Does not check `ai_included`.",
  tags: ["usage"],
  security: LICENSE_KEY_SECURITY,
  response: {
    ...licensedResponses("Failed to check limits", { description: "Every limit passes", content: json(LIMITS, LIMITS_EXAMPLE) }),
    402: {
      description: "The monthly budget is used up",
      headers: RATE_HEADERS,
      content: json(blocked(["BUDGET_EXCEEDED"]), {
        ...LIMITS_EXAMPLE,
        can_make_request: false,
        limits_status: {
          ...LIMITS_EXAMPLE.limits_status,
          monthly_budget: { passed: false, current_cost_eur: 4.0, limit_eur: 4.0, percentage: 100.0 },
        },
        blocking_factors: ["monthly_budget"],
        code: "BUDGET_EXCEEDED",
      }),
    },
    429: {
      description: "A request limit blocks (the limits body with a code), or the route's throttle (§1.5)",
      headers: RATE_LIMITED.headers,
      content: jsonCases(
        { anyOf: [blocked(["MONTHLY_LIMIT", "MINUTE_LIMIT", "HOUR_LIMIT"]), RATE_LIMITED_BODY] },
        {
          blocked: { summary: "A request limit blocks", value: MINUTE_BLOCKED },
          throttle: { summary: "Route throttle", value: RATE_LIMITED_EXAMPLE },
        },
      ),
    },
  },
};

export const legacyUsage: OperationDoc = {
  operationId: "getLegacyUsage",
  summary: "Legacy usage (the key in the path)",
  description:
    "The path key alone grants access; neither status, expiry nor key format is checked (§6.8). Throttled by IP unless X-License-Key is also sent.",
  tags: ["legacy"],
  params: {
    type: "object",
    properties: { license_key: { type: "string", description: "the license key, percent-encoded" } },
    required: ["license_key"],
  },
  response: {
    200: {
      description: "This month's usage",
      headers: RATE_HEADERS,
      content: json(
        object({
          license_key: { type: "string" },
          plan: { type: "string", description: '"unknown" when the plan record is missing' },
          current_month: object({ requests: COUNT, tokens: COUNT, avg_response_time_ms: { type: "number" } }),
          limits: object({
            monthly_requests: COUNT,
            requests_remaining: { anyOf: [COUNT, { enum: ["unlimited"] }], description: "clients must accept both types" },
          }),
          period: object({ start: TIMESTAMP, end: TIMESTAMP }),
        }),
        {
          license_key: KEY,
          plan: "pro",
          current_month: { requests: 12, tokens: 3400, avg_response_time_ms: 812.5 },
          limits: { monthly_requests: 1000, requests_remaining: 988 },
          period: { start: "2025-08-01T00:00:00.000Z", end: "2025-09-01T00:00:00.000Z" },
        },
      ),
    },
    404: {
      description: "No license with that key",
      content: json(errorBody({}, ["LICENSE_NOT_FOUND"]), { error: "License not found", code: "LICENSE_NOT_FOUND" }),
    },
    429: RATE_LIMITED,
    500: internalError("Failed to get usage stats"),
  },
};
