import { json, jsonCases, type JsonSchema, type ResponseDoc } from "./doc.types";

// Shapes shared by the plugin REST routes (contract: shared/contracts/plugin-rest.md). Every example is the contract's.

export const TIMESTAMP: JsonSchema = {
  type: "string",
  description: "ISO-8601 UTC with milliseconds (§1.3)",
  pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$",
};
export const NULLABLE_TIMESTAMP: JsonSchema = { anyOf: [TIMESTAMP, { type: "null" }] };
export const EUR: JsonSchema = { type: "number", description: "euros" };
export const STRING_LIST: JsonSchema = { type: "array", items: { type: "string" } };
const nullable = (type: string): JsonSchema => ({ type: [type, "null"] });
export const NULLABLE_STRING = nullable("string");

export function object(properties: Record<string, JsonSchema>, required: string[] = Object.keys(properties)): JsonSchema {
  return { type: "object", properties, required };
}

/** An error body: an exact `error` string and a `code` (§1.4), plus the fields of its row. */
export function errorBody(extra: Record<string, JsonSchema> = {}, codes?: string[]): JsonSchema {
  return object({ error: { type: "string" }, code: codes ? { type: "string", enum: codes } : { type: "string" }, ...extra });
}

export const SEATS: Record<string, JsonSchema> = {
  active_sites: { type: "integer" },
  max_sites: { type: "integer", description: "-1: unlimited" },
  sites_remaining: { ...nullable("integer"), description: "null when max_sites is -1" },
};

const RATE_HEADERS: ResponseDoc["headers"] = {
  "X-RateLimit-Limit": { type: "integer", description: "the limit with the fewest requests left (§1.5)" },
  "X-RateLimit-Remaining": { type: "integer", description: "requests left in that window" },
  "X-RateLimit-Reset": { type: "integer", description: "Unix time (s) when that window ends" },
};

export const RATE_LIMITED_BODY = errorBody({ message: { type: "string" }, retry_after: { type: "integer", minimum: 1 } }, ["RATE_LIMITED"]);
export const RATE_LIMITED_EXAMPLE = { error: "Rate limit exceeded", message: "100 per 1 hour", retry_after: 1834, code: "RATE_LIMITED" };

export const RATE_LIMITED: ResponseDoc = {
  description: "The route's throttle (§1.5), or the failed-lookup guard",
  headers: { "Retry-After": { type: "integer", description: "seconds until the window ends" }, ...RATE_HEADERS },
  content: jsonCases(RATE_LIMITED_BODY, {
    throttle: { summary: "Route throttle", value: RATE_LIMITED_EXAMPLE },
    guard: {
      summary: "Failed-lookup guard",
      value: { error: "Rate limit exceeded", message: "20 failed license lookups per 1 minute", retry_after: 42, code: "RATE_LIMITED" },
    },
  }),
};

export function internalError(error: string, extra: Record<string, unknown> = {}): ResponseDoc {
  const schema = errorBody(Object.fromEntries(Object.entries(extra).map(([name, value]) => [name, { enum: [value] }])), ["INTERNAL_ERROR"]);
  return { description: "Unexpected failure", content: json(schema, { ...extra, error, code: "INTERNAL_ERROR" }) };
}

/** The license check's refusals (§2.4, rows 1–5). */
export const LICENSE_REFUSED: ResponseDoc = {
  description: "The license check (§2.4) refused the key",
  headers: RATE_HEADERS,
  content: jsonCases(errorBody({}, ["LICENSE_REQUIRED", "LICENSE_NOT_FOUND", "LICENSE_INACTIVE", "LICENSE_SUSPENDED", "LICENSE_EXPIRED"]), {
    missing: { summary: "Header missing or empty", value: { error: "License key required", code: "LICENSE_REQUIRED" } },
    unknown: { summary: "No license with that key", value: { error: "Invalid or inactive license", code: "LICENSE_NOT_FOUND" } },
    expired: { summary: "expires_at passed", value: { error: "License expired", code: "LICENSE_EXPIRED" } },
  }),
};

/** A 500 of a license-checked route: the check's own, or the route's. */
export function licensedFailure(error: string): ResponseDoc {
  return {
    description: "The license check's database failure, or the route's own failure",
    content: jsonCases(errorBody({}, ["INTERNAL_ERROR"]), {
      check: { summary: "License check failed", value: { error: "License validation failed", code: "INTERNAL_ERROR" } },
      route: { summary: "The route failed", value: { error, code: "INTERNAL_ERROR" } },
    }),
  };
}

/** The responses every license-checked route shares; `ok` and route errors are added by the route. */
export function licensedResponses(failure: string, ok: ResponseDoc): Record<string, ResponseDoc> {
  return { 200: { ...ok, headers: RATE_HEADERS }, 401: LICENSE_REFUSED, 429: RATE_LIMITED, 500: licensedFailure(failure) };
}

export { RATE_HEADERS };

export const LICENSE_KEY_SECURITY = [{ licenseKey: [] }];

/** The optional site of §5, as a header (it wins over the body's `site_url`). */
export const SITE_HEADER: JsonSchema = {
  type: "object",
  properties: { "X-Site-URL": { type: "string", description: "The calling site (§5); wins over the body's site_url" } },
};

export const SITE_BODY: JsonSchema = {
  type: ["object", "null"],
  properties: { site_url: { type: "string", description: "The site (§5), e.g. https://www.example.com/" } },
};

export const INVALID_JSON = { summary: "Body not a JSON object", value: { error: "Invalid JSON body", code: "INVALID_INPUT" } };

/** Every site seat is taken (§5). */
export const TOO_MANY_SITES = errorBody({ max_sites: { type: "integer" }, active_sites: { type: "integer" } }, ["TOO_MANY_SITES"]);
export const TOO_MANY_SITES_EXAMPLE = { error: "Site limit reached", code: "TOO_MANY_SITES", max_sites: 3, active_sites: 3 };
