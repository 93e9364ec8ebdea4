import { json, jsonCases, type OperationDoc } from "./doc.types";
import {
  errorBody,
  internalError,
  LICENSE_KEY_SECURITY,
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
  TOO_MANY_SITES_EXAMPLE,
} from "./plugin.schemas";

// POST /api/validate (contract §6.3).

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
    billing: {
      ...object({ status: { enum: ["past_due"] }, grace_until: TIMESTAMP }),
      description: "only while the subscription is past due and the license in its grace period (valid until grace_until)",
    },
    warnings: {
      ...STRING_LIST,
      description: 'only with `billing`: e.g. "Payment past due: this license stays valid until 2025-09-01T10:00:00.000Z"',
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
const TOO_MANY_SITES_ON_VALIDATE = errorBody(
  { valid: { enum: [false] }, max_sites: { type: "integer" }, active_sites: { type: "integer" } },
  ["TOO_MANY_SITES"],
);

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
