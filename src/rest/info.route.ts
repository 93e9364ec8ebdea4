import type { FastifyInstance } from "fastify";
import { APP_VERSION } from "../version";
import { ROUTE_LIMITS } from "./throttle";

const INFO = {
  message: "Chatello SaaS API",
  version: APP_VERSION,
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

/** GET / (contract §6.1): API information, no database access. */
export async function infoRoute(app: FastifyInstance): Promise<void> {
  app.get("/", { config: { throttle: { scope: "info", limits: ROUTE_LIMITS.info } } }, async () => INFO);
}
