import type { FastifyRequest } from "fastify";
import type { LicenseGrant } from "../modules/licenses/license-check.service";
import type { RouteThrottle } from "./throttle";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Counted on arrival, before anything else (routes without the license check, contract §1.5). */
    throttle?: RouteThrottle;
    /** The route needs a license that passes the check (contract §2.4); its throttle counts only those. */
    license?: RouteThrottle;
    /** The body of the route's own 500 (the contract fixes it per route); `code` is added. */
    failure?: Record<string, unknown>;
  }
  interface FastifyRequest {
    /** Set by the surface's license pre-handler on routes that declare `license`. */
    grant: LicenseGrant | null;
  }
}

/** The license that passed the pre-handler; a route without `license` in its config asking for it is a bug. */
export function grantOf(request: FastifyRequest): LicenseGrant {
  if (!request.grant) throw new Error(`route ${request.routeOptions.url} reads a license it did not declare`);
  return request.grant;
}
