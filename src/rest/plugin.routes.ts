import type { FastifyInstance } from "fastify";
import type { Services } from "../services";
import { chatRoute } from "./chat.route";
import { infoRoute } from "./info.route";
import { refuseOtherMethods } from "./method-not-allowed";
import { openaiCompatRoutes } from "./openai-compat.routes";
import { sitesRoutes } from "./sites.routes";
import type { ThrottleDeps } from "./throttle";
import { usageRoutes } from "./usage.routes";
import { validateRoute } from "./validate.route";

/**
 * The REST shim the WordPress plugin talks to (contract: shared/contracts/plugin-rest.md). Registered as its own
 * encapsulated plugin: its routes receive raw body bytes, because the contract's body rules differ per route
 * (see body.ts) and /api/validate must ignore a body the JSON parser would reject.
 */
export async function pluginRoutes(app: FastifyInstance, options: { services: Services; throttle: boolean }): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));
  const deps: ThrottleDeps = { services: options.services, enabled: options.throttle };
  await infoRoute(app, deps);
  await validateRoute(app, deps);
  await sitesRoutes(app, deps);
  await usageRoutes(app, deps);
  await chatRoute(app, deps);
  await openaiCompatRoutes(app, deps);
  for (const [url, method] of [["/", "GET"], ["/api/validate", "POST"], ["/api/chat", "POST"], ["/api/activate", "POST"], ["/api/deactivate", "POST"], ["/api/sites", "GET"]] as const) {
    refuseOtherMethods(app, url, [method]);
  }
}
