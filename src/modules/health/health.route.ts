import type { FastifyPluginAsync } from "fastify";
import type { Database } from "../../db/connect";
import { checkHealth } from "./health.service";

export interface HealthRouteOptions {
  db: Database;
  version: string;
}

export const healthRoutes: FastifyPluginAsync<HealthRouteOptions> = async (app, { db, version }) => {
  // /admin/health is the alias the plugin REST contract keeps for older plugin builds.
  for (const url of ["/api/health", "/admin/health"]) {
    app.get(url, async (request, reply) => {
      const report = await checkHealth(db, version, request.log);
      return reply
        .code(report.status === "healthy" ? 200 : 503)
        .header("cache-control", "no-store")
        .send(report);
    });
  }
};
