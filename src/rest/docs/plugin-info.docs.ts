import { json, type OperationDoc } from "./doc.types";
import { internalError, object, RATE_HEADERS, RATE_LIMITED, STRING_LIST, TIMESTAMP } from "./plugin.schemas";

// GET / and the health routes (contract §6.1, §6.2).

const INFO_EXAMPLE = {
  message: "Chatello SaaS API",
  version: "3.0.0",
  status: "active",
  endpoints: {
    public: ["/api/health", "/api/validate"],
    authenticated: [
      "/api/chat",
      "/api/usage/current",
      "/api/usage/history",
      "/api/limits/check",
      "/api/activate",
      "/api/deactivate",
      "/api/sites",
    ],
    legacy: ["/api/usage/{license_key}"],
    admin: [],
  },
  features: [
    "multi_level_rate_limiting",
    "token_usage_tracking",
    "budget_management",
    "real_time_usage_analytics",
    "comprehensive_limit_validation",
    "site_activations",
    "streaming",
  ],
  documentation: "https://docs.chatello.io",
};

export const info: OperationDoc = {
  operationId: "getApiInfo",
  summary: "API information",
  description: "No authentication, no database access (§6.1). Clients must not compare `version`.",
  tags: ["info"],
  response: {
    200: {
      description: "API information",
      headers: RATE_HEADERS,
      content: json(
        object({
          message: { type: "string" },
          version: { type: "string" },
          status: { enum: ["active"] },
          endpoints: object({ public: STRING_LIST, authenticated: STRING_LIST, legacy: STRING_LIST, admin: STRING_LIST }),
          features: STRING_LIST,
          documentation: { type: "string" },
        }),
        INFO_EXAMPLE,
      ),
    },
    429: RATE_LIMITED,
    500: internalError("Internal server error"),
  },
};

const PROVIDER_STATE = object({ configured: { type: "boolean" } });
const HEALTHY = object(
  {
    status: { enum: ["healthy"] },
    version: { type: "string" },
    database: object(
      {
        type: { enum: ["MongoDB", "MongoDB (embedded)"] },
        connection: { enum: ["active"] },
        collections: { type: "object", additionalProperties: { type: "integer" }, description: "document counts" },
      },
      ["type", "connection", "collections"],
    ),
    ai_providers: object({ openai: PROVIDER_STATE, anthropic: PROVIDER_STATE, deepseek: PROVIDER_STATE }),
    backups: {
      type: "object",
      properties: { scheduled: { type: "boolean" } },
      required: ["scheduled"],
      description: "scheduled backups' state",
    },
    timestamp: TIMESTAMP,
  },
  ["status", "version", "database", "ai_providers", "timestamp"],
);

export function health(operationId: string, alias: boolean): OperationDoc {
  return {
    operationId,
    summary: alias ? "Detailed health (alias of /api/health for older plugin builds)" : "Detailed health",
    description: "Pings the database (§6.2). `configured` is true when the platform holds an API key for that provider.",
    tags: ["health"],
    response: {
      200: {
        description: "Healthy",
        headers: RATE_HEADERS,
        content: json(HEALTHY, {
          status: "healthy",
          version: "3.0.0",
          database: { type: "MongoDB", connection: "active", collections: { plans: 4, licenses: 12, customers: 9 } },
          ai_providers: { openai: { configured: true }, anthropic: { configured: false }, deepseek: { configured: true } },
          timestamp: "2025-08-21T10:00:00.000Z",
        }),
      },
      429: RATE_LIMITED,
      503: {
        description: "The database cannot be reached",
        content: json(
          object({
            status: { enum: ["error"] },
            error: { enum: ["Database unavailable"] },
            code: { enum: ["DATABASE_UNAVAILABLE"] },
            timestamp: TIMESTAMP,
          }),
          { status: "error", error: "Database unavailable", code: "DATABASE_UNAVAILABLE", timestamp: "2025-08-21T10:00:00.000Z" },
        ),
      },
    },
  };
}
