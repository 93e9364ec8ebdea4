import type { FastifyInstance } from "fastify";
import type { Services } from "../services";
import { chatRoute } from "./chat.route";
import { infoRoute } from "./info.route";
import { apiPreHandler } from "./license.prehandler";
import { refuseOtherMethods } from "./method-not-allowed";
import { sitesRoutes } from "./sites.routes";
import { prepareSurface } from "./surface";
import type { ThrottleDeps } from "./throttle";
import { usageRoutes } from "./usage.routes";
import { validateRoute } from "./validate.route";

/**
 * The REST shim the WordPress plugin talks to (contract: shared/contracts/plugin-rest.md), as one encapsulated
 * surface: one license pre-handler, one error boundary answering each route's own 500 (declared in its config).
 */
export async function apiSurface(app: FastifyInstance, options: { services: Services; throttle: boolean }): Promise<void> {
  const deps: ThrottleDeps = { services: options.services, enabled: options.throttle };
  prepareSurface(app, {
    client: (reply, status, body) => reply.code(status).send(body),
    unexpected: (request, reply) =>
      reply.code(500).send({ error: "Internal server error", ...request.routeOptions.config.failure, code: "INTERNAL_ERROR" }),
  });
  app.addHook("preHandler", apiPreHandler(deps));
  await infoRoute(app);
  await validateRoute(app, deps);
  await sitesRoutes(app, deps);
  await usageRoutes(app, deps);
  await chatRoute(app, deps);
  for (const [url, method] of [
    ["/", "GET"],
    ["/api/validate", "POST"],
    ["/api/chat", "POST"],
    ["/api/activate", "POST"],
    ["/api/deactivate", "POST"],
    ["/api/sites", "GET"],
  ] as const) {
    refuseOtherMethods(app, url, [method]);
  }
}
