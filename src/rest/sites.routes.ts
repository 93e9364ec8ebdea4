import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { licenseKeyOf, readJsonBody, siteHeaderOf } from "./body";
import { requireLicense } from "./license-auth";
import { iso, seatsJson, siteJson } from "./serializers";
import { ROUTE_LIMITS, type ThrottleDeps } from "./throttle";

/** POST /api/activate, POST /api/deactivate and GET /api/sites (contract §6.9–6.11). */
export async function sitesRoutes(app: FastifyInstance, deps: ThrottleDeps): Promise<void> {
  const { services } = deps;
  app.post("/api/activate", async (request, reply) => guarded(reply, request, "Activation failed", async () => {
    const grant = await requireLicense(request, reply, deps, { scope: "activate", limits: ROUTE_LIMITS.sitesChange });
    if (!grant) return reply;
    const site = siteInput(request, reply);
    if (site === undefined) return reply;
    const outcome = await services.activations.activate(grant.license, grant.plan, site, actorOf(request, grant.license._id.toHexString()));
    if (!outcome.ok && outcome.code === "INVALID_INPUT") return reply.code(400).send({ error: "Invalid site_url", code: "INVALID_INPUT" });
    if (!outcome.ok) return reply.code(403).send({ error: "Site limit reached", code: "TOO_MANY_SITES", max_sites: outcome.seats.maxSites, active_sites: outcome.seats.activeSites });
    return {
      success: true,
      site_url: outcome.activation.site,
      activated_at: iso(outcome.activation.activated_at),
      is_development: outcome.activation.is_development,
      already_active: !outcome.newlyActivated,
      ...seatsJson(outcome.seats),
    };
  }));

  app.post("/api/deactivate", async (request, reply) => guarded(reply, request, "Deactivation failed", async () => {
    const grant = await requireLicense(request, reply, deps, { scope: "deactivate", limits: ROUTE_LIMITS.sitesChange });
    if (!grant) return reply;
    const site = siteInput(request, reply);
    if (site === undefined) return reply;
    const outcome = await services.activations.deactivate(grant.license, site, actorOf(request, grant.license._id.toHexString()));
    if (!outcome.ok && outcome.site === null) return reply.code(400).send({ error: "Invalid site_url", code: "INVALID_INPUT" });
    const seats = await services.activations.seats(grant.license, grant.plan);
    return { success: true, site_url: outcome.site, deactivated: outcome.ok, is_development: outcome.isDevelopment, ...seatsJson(seats) };
  }));

  app.get("/api/sites", async (request, reply) => guarded(reply, request, "Failed to list sites", async () => {
    const grant = await requireLicense(request, reply, deps, { scope: "sites", limits: ROUTE_LIMITS.sitesList });
    if (!grant) return reply;
    const [activations, seats] = await Promise.all([services.activations.list(grant.license), services.activations.seats(grant.license, grant.plan)]);
    return {
      success: true,
      license_key: licenseKeyOf(request),
      sites: activations.map(siteJson),
      development_sites: activations.filter((activation) => activation.is_development).length,
      ...seatsJson(seats),
    };
  }));
}

/** The site to act on: body `site_url`, else the X-Site-URL header. Sends the 400 itself when there is none. */
function siteInput(request: FastifyRequest, reply: FastifyReply): unknown {
  const body = readJsonBody(request);
  if (!body.ok) {
    void reply.code(400).send({ error: "Invalid JSON body", code: "INVALID_INPUT" });
    return undefined;
  }
  const site = body.value?.site_url ?? siteHeaderOf(request);
  if (site === undefined || site === null || site === "") {
    void reply.code(400).send({ error: "site_url required", code: "INVALID_INPUT" });
    return undefined;
  }
  return site;
}

function actorOf(request: FastifyRequest, licenseId: string): { label: string; ip: string } {
  return { label: `license:${licenseId}`, ip: request.ip };
}

/** Unexpected failures get the route's own 500 body, never a stack trace. */
async function guarded(reply: FastifyReply, request: FastifyRequest, message: string, handler: () => Promise<unknown>): Promise<unknown> {
  try {
    return await handler();
  } catch (error) {
    request.log.error({ err: error }, message);
    return reply.code(500).send({ error: message, code: "INTERNAL_ERROR" });
  }
}
