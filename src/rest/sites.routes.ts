import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { licenseActor } from "../modules/activity/activity.service";
import { licenseKeyOf, readJsonBody, siteHeaderOf } from "./body";
import { grantOf } from "./route-config";
import { activationRefusalJson, iso, seatsJson, siteJson } from "./serializers";
import { ROUTE_LIMITS, type ThrottleDeps } from "./throttle";

/** POST /api/activate, POST /api/deactivate and GET /api/sites (contract §6.9–6.11); the license is checked before. */
export async function sitesRoutes(app: FastifyInstance, { services }: ThrottleDeps): Promise<void> {
  const activateConfig = { license: { scope: "activate", limits: ROUTE_LIMITS.sitesChange }, failure: { error: "Activation failed" } };
  app.post("/api/activate", { config: activateConfig }, async (request, reply) => {
    const { license, plan } = grantOf(request);
    const site = siteInput(request, reply);
    if (site === undefined) return reply;
    const outcome = await services.activations.activate(license, plan, site, licenseActor(license, request.ip));
    if (!outcome.ok) {
      const refusal = activationRefusalJson(outcome);
      return reply.code(refusal.status).send(refusal.body);
    }
    return {
      success: true,
      site_url: outcome.activation.site,
      activated_at: iso(outcome.activation.activated_at),
      is_development: outcome.activation.is_development,
      already_active: !outcome.newlyActivated,
      ...seatsJson(outcome.seats),
    };
  });

  const deactivateConfig = {
    license: { scope: "deactivate", limits: ROUTE_LIMITS.sitesChange },
    failure: { error: "Deactivation failed" },
  };
  app.post("/api/deactivate", { config: deactivateConfig }, async (request, reply) => {
    const { license, plan } = grantOf(request);
    const site = siteInput(request, reply);
    if (site === undefined) return reply;
    const outcome = await services.activations.deactivate(license, site, licenseActor(license, request.ip));
    if (!outcome.ok && outcome.site === null) return reply.code(400).send({ error: "Invalid site_url", code: "INVALID_INPUT" });
    const seats = await services.activations.seats(license, plan);
    return { success: true, site_url: outcome.site, deactivated: outcome.ok, is_development: outcome.isDevelopment, ...seatsJson(seats) };
  });

  const sitesConfig = { license: { scope: "sites", limits: ROUTE_LIMITS.sitesList }, failure: { error: "Failed to list sites" } };
  app.get("/api/sites", { config: sitesConfig }, async (request) => {
    const { license, plan } = grantOf(request);
    const [activations, seats] = await Promise.all([services.activations.list(license), services.activations.seats(license, plan)]);
    return {
      success: true,
      license_key: licenseKeyOf(request),
      sites: activations.map(siteJson),
      development_sites: activations.filter((activation) => activation.is_development).length,
      ...seatsJson(seats),
    };
  });
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
