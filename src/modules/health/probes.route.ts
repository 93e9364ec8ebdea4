import type { FastifyPluginAsync, FastifyReply } from "fastify";
import type { Database } from "../../db/connect";
import { refuseOtherMethods } from "../../rest/method-not-allowed";
import { checkReadiness } from "./readiness.service";

export interface ProbeRouteOptions {
  db: Database;
}

type ProbeBody = { status: "ok" } | { status: "unavailable"; reason: "database" | "shutting_down" };

/**
 * Probes for machines (Kubernetes, load balancers): tiny, never throttled, never cached. /livez says the process
 * answers HTTP (no database call: a database outage must not get healthy processes restarted); /readyz says this
 * instance should get traffic: the database answers a ping, and the app is not shutting down. /api/health stays
 * the plugin contract's detailed (and throttled) report.
 */
export const probeRoutes: FastifyPluginAsync<ProbeRouteOptions> = async (app, { db }) => {
  // Set as closing begins, so that a load balancer still polling on a kept-alive connection stops sending traffic.
  let shuttingDown = false;
  app.addHook("preClose", async () => {
    shuttingDown = true;
  });
  // A failing database would otherwise log one warning per probe; the state changes are what an operator needs.
  let databaseWasReady = true;

  app.get("/livez", async (_request, reply) => answer(reply, 200, { status: "ok" }));

  app.get("/readyz", async (request, reply) => {
    if (shuttingDown) return answer(reply, 503, { status: "unavailable", reason: "shutting_down" });
    const readiness = await checkReadiness(db.connection);
    if (readiness.ready !== databaseWasReady) {
      databaseWasReady = readiness.ready;
      if (readiness.ready) request.log.info("readiness: the database answers again");
      else request.log.warn({ database: db.uri, reason: readiness.error }, "readiness: the database does not answer");
    }
    return readiness.ready ? answer(reply, 200, { status: "ok" }) : answer(reply, 503, { status: "unavailable", reason: readiness.reason });
  });

  for (const url of ["/livez", "/readyz"]) refuseOtherMethods(app, url, ["GET"]);
};

function answer(reply: FastifyReply, status: number, body: ProbeBody): FastifyReply {
  return reply.code(status).header("cache-control", "no-store").send(body);
}
