import { analyticsHistoryCsv } from "./admin-analytics.docs";
import type { OperationDoc } from "./doc.types";
import { chat } from "./plugin-chat.docs";
import { health, info } from "./plugin-info.docs";
import { activate, deactivate, sites } from "./plugin-sites.docs";
import { validate } from "./plugin-validate.docs";
import { legacyUsage, limitsCheck, usageCurrent, usageHistory } from "./plugin-usage.docs";
import { completions, models } from "./v1.docs";

/**
 * Every documented route, by `METHOD url` as Fastify registers it. A route of the plugin REST shim or /v1 that is
 * missing here is left out of the document, and test/rest/openapi.test.ts fails.
 */
export const OPERATIONS: Readonly<Record<string, OperationDoc>> = {
  "GET /": info,
  "GET /api/health": health("getHealth", false),
  "GET /admin/health": health("getAdminHealth", true),
  "POST /api/validate": validate,
  "POST /api/chat": chat,
  "GET /api/usage/current": usageCurrent,
  "GET /api/usage/history": usageHistory,
  "GET /api/limits/check": limitsCheck,
  "GET /api/usage/:license_key": legacyUsage,
  "POST /api/activate": activate,
  "POST /api/deactivate": deactivate,
  "GET /api/sites": sites,
  "GET /v1/models": models,
  "POST /v1/chat/completions": completions,
  "GET /api/admin/analytics/history.csv": analyticsHistoryCsv,
};

export const TAGS = [
  { name: "info", description: "API information" },
  { name: "health", description: "Health of the platform and its database" },
  { name: "licenses", description: "License validation (the plugin's activation screen)" },
  { name: "ai", description: "The metered AI proxy the plugin's chat uses" },
  { name: "usage", description: "Usage statistics and limits" },
  { name: "sites", description: "Site activations (seats)" },
  { name: "legacy", description: "Kept for older plugin builds" },
  { name: "admin", description: "Operators' exports (an admin token, as for GraphQL)" },
  { name: "openai-compatible", description: "OpenAI's API for plans with api_access: any OpenAI client works with baseURL <platform>/v1" },
];
