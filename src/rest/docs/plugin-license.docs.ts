import { json, jsonCases, type OperationDoc } from "./doc.types";
import {
  errorBody,
  INVALID_JSON,
  internalError,
  LICENSE_KEY_SECURITY,
  licensedResponses,
  NULLABLE_STRING,
  NULLABLE_TIMESTAMP,
  object,
  RATE_HEADERS,
  RATE_LIMITED,
  SEATS,
  SITE_BODY,
  SITE_HEADER,
  STRING_LIST,
  TIMESTAMP,
} from "./plugin.schemas";

// GET /, the health routes, /api/validate and the site routes (contract §6.1–6.3, §6.9–6.11).

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

const FOUNDERS_FEATURES = [
  "ai_included",
  "5_sites",
  "lifetime_license",
  "priority_support",
  "advanced_features",
  "no_api_key_needed",
  "founders_badge",
  "early_access",
];

const VALIDATED = object(
  {
    valid: { enum: [true] },
    license: object({
      key: { type: "string" },
      status: { type: "string" },
      activated_at: NULLABLE_TIMESTAMP,
      expires_at: NULLABLE_TIMESTAMP,
      domain: NULLABLE_STRING,
      last_check: TIMESTAMP,
      is_lifetime: { type: "boolean" },
      is_founders_deal: { type: "boolean" },
    }),
    plan: object({
      name: { type: "string" },
      display_name: { type: "string" },
      features: STRING_LIST,
      monthly_requests: { type: "integer", description: "0: unlimited" },
      max_sites: { type: "integer", description: "-1: unlimited" },
      price: { type: ["number", "null"] },
      currency: NULLABLE_STRING,
      is_lifetime: { type: "boolean" },
    }),
    customer: object({ email: { type: "string" }, name: NULLABLE_STRING, company: NULLABLE_STRING }),
    founders_deal: {
      ...object({
        badge: { enum: ["founders_member"] },
        total_sold: { type: "integer" },
        remaining_licenses: { type: "integer", minimum: 0 },
        is_limited_offer: { type: "boolean" },
        thank_you_message: { type: "string" },
      }),
      description: "only on the founders plan",
    },
    features: STRING_LIST,
    usage: object({ requests_used: { type: "integer" }, requests_limit: { type: "integer" }, tokens_used: { type: "integer" } }),
    domain: NULLABLE_STRING,
    expires_at: NULLABLE_TIMESTAMP,
    site: {
      ...object({
        site_url: { type: "string" },
        is_development: { type: "boolean" },
        activated_at: TIMESTAMP,
        newly_activated: { type: "boolean" },
        ...SEATS,
      }),
      description: "only when a site URL was sent",
    },
  },
  ["valid", "license", "plan", "customer", "features", "usage", "domain", "expires_at"],
);

const VALIDATED_EXAMPLE = {
  valid: true,
  license: {
    key: "CHA-1A2B3C4D-5E6F7A8B-9C0D1E2F-3A4B5C6D",
    status: "active",
    activated_at: "2025-08-10T12:00:00.123Z",
    expires_at: null,
    domain: "example.com",
    last_check: "2025-08-21T10:00:00.000Z",
    is_lifetime: true,
    is_founders_deal: true,
  },
  plan: {
    name: "founders",
    display_name: "Founders Deal - Lifetime",
    features: FOUNDERS_FEATURES,
    monthly_requests: 2000,
    max_sites: 5,
    price: 29.0,
    currency: "EUR",
    is_lifetime: true,
  },
  customer: { email: "alice@example.com", name: "Alice", company: null },
  founders_deal: {
    badge: "founders_member",
    total_sold: 1,
    remaining_licenses: 499,
    is_limited_offer: true,
    thank_you_message: "🚀 Thank you for being a Founder! You have lifetime access to Chatello SaaS.",
  },
  features: FOUNDERS_FEATURES,
  usage: { requests_used: 150, requests_limit: 2000, tokens_used: 12000 },
  domain: "example.com",
  expires_at: null,
  site: {
    site_url: "shop.example.com",
    is_development: false,
    activated_at: "2025-08-21T10:00:00.000Z",
    newly_activated: true,
    active_sites: 2,
    max_sites: 5,
    sites_remaining: 3,
  },
};

const REFUSED_VALIDATION = errorBody({ valid: { enum: [false] } });
const TOO_MANY_SITES = errorBody({ max_sites: { type: "integer" }, active_sites: { type: "integer" } }, ["TOO_MANY_SITES"]);
const TOO_MANY_SITES_ON_VALIDATE = errorBody(
  { valid: { enum: [false] }, max_sites: { type: "integer" }, active_sites: { type: "integer" } },
  ["TOO_MANY_SITES"],
);
const TOO_MANY_SITES_EXAMPLE = { error: "Site limit reached", code: "TOO_MANY_SITES", max_sites: 3, active_sites: 3 };

export const validate: OperationDoc = {
  operationId: "validateLicense",
  summary: "Validate a license (and optionally activate the calling site)",
  description:
    "Runs its own checks instead of the license check, in the order of §6.3. Never rejects a request because of its body: it reads `site_url` from a JSON object whatever the Content-Type.",
  tags: ["licenses"],
  security: LICENSE_KEY_SECURITY,
  headers: SITE_HEADER,
  body: { required: false, content: json(SITE_BODY, { site_url: "https://shop.example.com/" }) },
  response: {
    200: { description: "The license is valid", headers: RATE_HEADERS, content: json(VALIDATED, VALIDATED_EXAMPLE) },
    400: {
      description: "No key, a license that is not active, or an invalid site URL",
      content: jsonCases(
        { anyOf: [errorBody({}, ["LICENSE_REQUIRED"]), REFUSED_VALIDATION] },
        {
          missing: {
            summary: "Header missing or empty (no `valid`)",
            value: { error: "License key required in X-License-Key header", code: "LICENSE_REQUIRED" },
          },
          suspended: { summary: "Customer suspended", value: { valid: false, error: "License is suspended", code: "LICENSE_SUSPENDED" } },
          inactive: { summary: "Status not active", value: { valid: false, error: "License is inactive", code: "LICENSE_INACTIVE" } },
          expired: { summary: "expires_at passed", value: { valid: false, error: "License expired", code: "LICENSE_EXPIRED" } },
          site: { summary: "Invalid site URL", value: { valid: false, error: "Invalid site_url", code: "INVALID_INPUT" } },
        },
      ),
    },
    403: {
      description: "The site is not active and no seat is free",
      content: json(TOO_MANY_SITES_ON_VALIDATE, { valid: false, ...TOO_MANY_SITES_EXAMPLE }),
    },
    404: {
      description: "No license with that key",
      content: json(errorBody({ valid: { enum: [false] } }, ["LICENSE_NOT_FOUND"]), {
        valid: false,
        error: "License not found",
        code: "LICENSE_NOT_FOUND",
      }),
    },
    429: RATE_LIMITED,
    500: internalError("Validation failed", { valid: false }),
  },
};

const SITE_ERRORS = {
  invalidJson: INVALID_JSON,
  missing: { summary: "Neither body field nor header", value: { error: "site_url required", code: "INVALID_INPUT" } },
  invalid: { summary: "Invalid site URL", value: { error: "Invalid site_url", code: "INVALID_INPUT" } },
};

export const activate: OperationDoc = {
  operationId: "activateSite",
  summary: "Activate a site",
  description: "Idempotent: an already active site only has its `last_seen_at` refreshed (§6.9). Development hosts use no seat (§5).",
  tags: ["sites"],
  security: LICENSE_KEY_SECURITY,
  headers: SITE_HEADER,
  body: { required: false, content: json(SITE_BODY, { site_url: "https://www.example.com/" }) },
  response: {
    ...licensedResponses("Activation failed", {
      description: "Activated, or already active",
      content: json(
        object({
          success: { enum: [true] },
          site_url: { type: "string" },
          activated_at: TIMESTAMP,
          is_development: { type: "boolean" },
          already_active: { type: "boolean" },
          ...SEATS,
        }),
        {
          success: true,
          site_url: "example.com",
          activated_at: "2025-08-21T10:00:00.000Z",
          is_development: false,
          already_active: false,
          active_sites: 2,
          max_sites: 3,
          sites_remaining: 1,
        },
      ),
    }),
    400: { description: "No usable site URL", content: jsonCases(errorBody({}, ["INVALID_INPUT"]), SITE_ERRORS) },
    403: { description: "Every site seat is taken", content: json(TOO_MANY_SITES, TOO_MANY_SITES_EXAMPLE) },
  },
};

export const deactivate: OperationDoc = {
  operationId: "deactivateSite",
  summary: "Free a site's seat",
  description: "Idempotent: `deactivated` is false when the site had no activation (§6.10).",
  tags: ["sites"],
  security: LICENSE_KEY_SECURITY,
  headers: SITE_HEADER,
  body: { required: false, content: json(SITE_BODY, { site_url: "https://www.example.com/" }) },
  response: {
    ...licensedResponses("Deactivation failed", {
      description: "Deactivated, or nothing to remove",
      content: json(
        object({
          success: { enum: [true] },
          site_url: { type: "string" },
          deactivated: { type: "boolean" },
          is_development: { type: "boolean" },
          ...SEATS,
        }),
        {
          success: true,
          site_url: "example.com",
          deactivated: true,
          is_development: false,
          active_sites: 1,
          max_sites: 3,
          sites_remaining: 2,
        },
      ),
    }),
    400: { description: "No usable site URL", content: jsonCases(errorBody({}, ["INVALID_INPUT"]), SITE_ERRORS) },
  },
};

const SITE = object({
  site_url: { type: "string" },
  activated_at: TIMESTAMP,
  last_seen_at: TIMESTAMP,
  is_development: { type: "boolean" },
});

export const sites: OperationDoc = {
  operationId: "listSites",
  summary: "List the license's site activations",
  description: "Every current activation, oldest first (§6.11).",
  tags: ["sites"],
  security: LICENSE_KEY_SECURITY,
  response: licensedResponses("Failed to list sites", {
    description: "The activations",
    content: json(
      object({
        success: { enum: [true] },
        license_key: { type: "string" },
        sites: { type: "array", items: SITE },
        development_sites: { type: "integer" },
        ...SEATS,
      }),
      {
        success: true,
        license_key: "CHA-1A2B3C4D-5E6F7A8B-9C0D1E2F-3A4B5C6D",
        sites: [
          {
            site_url: "example.com",
            activated_at: "2025-08-10T12:00:00.000Z",
            last_seen_at: "2025-08-21T09:58:00.000Z",
            is_development: false,
          },
          {
            site_url: "staging.example.com",
            activated_at: "2025-08-11T08:00:00.000Z",
            last_seen_at: "2025-08-20T16:12:00.000Z",
            is_development: true,
          },
        ],
        active_sites: 1,
        development_sites: 1,
        max_sites: 3,
        sites_remaining: 2,
      },
    ),
  }),
};
