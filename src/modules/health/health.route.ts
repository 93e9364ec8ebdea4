import type { FastifyPluginAsync } from "fastify";
import type { BackupHealth } from "../../backup/backup.scheduler";
import type { Database } from "../../db/connect";
import { countRequest, ROUTE_LIMITS, type ThrottleDeps } from "../../rest/throttle";
import { PROVIDERS } from "../../ai/providers";
import { checkHealth } from "./health.service";

export interface HealthRouteOptions {
  db: Database;
  version: string;
  /** The plugin contract throttles health like the other public routes (§1.1). */
  throttle: ThrottleDeps;
  /** Scheduled backups' state (an added field, `backups`); unset: backups are not scheduled. */
  backups?: () => Promise<BackupHealth>;
}

export const healthRoutes: FastifyPluginAsync<HealthRouteOptions> = async (app, { db, version, throttle, backups }) => {
  // /admin/health is the alias the plugin REST contract keeps for older plugin builds.
  for (const url of ["/api/health", "/admin/health"]) {
    app.get(url, async (request, reply) => {
      // Throttle counters live in the database: when it is down, health must still answer (503), not fail here.
      const counted = await countRequest(request, reply, throttle, { scope: "health", limits: ROUTE_LIMITS.info }).catch(() => true);
      if (!counted) return reply;
      const report = await checkHealth(db, version, request.log);
      const body =
        report.status === "healthy"
          ? { ...report, ai_providers: await aiProviders(throttle), backups: backups ? await backups() : { scheduled: false } }
          : report;
      return reply
        .code(report.status === "healthy" ? 200 : 503)
        .header("cache-control", "no-store")
        .send(body);
    });
  }
};

/** Which providers the platform holds an active key for (contract §6.2). */
async function aiProviders({ services }: ThrottleDeps): Promise<Record<string, { configured: boolean }>> {
  const configured = await services.providers.configured().catch(() => undefined);
  return Object.fromEntries(PROVIDERS.map((provider) => [provider, { configured: configured?.[provider] ?? false }]));
}
