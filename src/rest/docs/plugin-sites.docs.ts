import { json, jsonCases, type OperationDoc } from "./doc.types";
import {
  errorBody,
  INVALID_JSON,
  LICENSE_KEY_SECURITY,
  licensedResponses,
  object,
  SEATS,
  SITE_BODY,
  SITE_HEADER,
  TIMESTAMP,
  TOO_MANY_SITES,
  TOO_MANY_SITES_EXAMPLE,
} from "./plugin.schemas";

// The site routes: /api/activate, /api/deactivate, /api/sites (contract §6.9–6.11).

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
