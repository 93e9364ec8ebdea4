import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { lenientSiteUrl, licenseKeyOf, siteHeaderOf } from "./body";
import { customerJson, foundersDealJson, iso, licenseJson, planJson, seatsJson } from "./serializers";
import { countRequest, guardLookup, noteLookup, ROUTE_LIMITS, type ThrottleDeps } from "./throttle";

/** POST /api/validate (contract §6.3): its own order of checks and statuses, and an optional site activation. */
export async function validateRoute(app: FastifyInstance, deps: ThrottleDeps): Promise<void> {
  app.post("/api/validate", async (request, reply) => {
    try {
      // Row 0: this route counts every request on arrival, before its own checks.
      if (!(await countRequest(request, reply, deps, { scope: "validate", limits: ROUTE_LIMITS.validate }))) return reply;
      return await validate(request, reply, deps);
    } catch (error) {
      request.log.error({ err: error }, "license validation failed");
      return reply.code(500).send({ valid: false, error: "Validation failed", code: "INTERNAL_ERROR" });
    }
  });
}

async function validate(request: FastifyRequest, reply: FastifyReply, deps: ThrottleDeps): Promise<unknown> {
  const { services } = deps;
  const key = licenseKeyOf(request);
  if (key === undefined) return reply.code(400).send({ error: "License key required in X-License-Key header", code: "LICENSE_REQUIRED" });
  if (!(await guardLookup(request, reply, deps))) return reply;
  const verdict = await services.licenseCheck.check(key);
  await noteLookup(request, deps, verdict);
  if (!verdict.valid) {
    return reply.code(verdict.code === "LICENSE_NOT_FOUND" ? 404 : 400).send({ valid: false, error: verdict.detail, code: verdict.code });
  }
  const { license, plan, customer } = verdict;
  const now = new Date();

  let site: Record<string, unknown> | undefined;
  const headerSite = siteHeaderOf(request);
  const rawSite = headerSite !== undefined && headerSite !== "" ? headerSite : lenientSiteUrl(request);
  if (rawSite !== undefined && rawSite !== null) {
    const outcome = await services.activations.activate(license, plan, rawSite, { label: `license:${license._id.toHexString()}`, ip: request.ip });
    if (!outcome.ok && outcome.code === "INVALID_INPUT") return reply.code(400).send({ valid: false, error: "Invalid site_url", code: "INVALID_INPUT" });
    if (!outcome.ok) {
      return reply.code(403).send({ valid: false, error: "Site limit reached", code: "TOO_MANY_SITES", max_sites: outcome.seats.maxSites, active_sites: outcome.seats.activeSites });
    }
    site = {
      site_url: outcome.activation.site,
      is_development: outcome.activation.is_development,
      activated_at: iso(outcome.activation.activated_at),
      newly_activated: outcome.newlyActivated,
      ...seatsJson(outcome.seats),
    };
  }

  const counter = await services.usage.recentMonthCounter(license._id, now);
  return {
    valid: true,
    license: licenseJson(license, key, now, plan),
    plan: planJson(plan),
    customer: customerJson(customer),
    ...(plan.name === "founders" ? { founders_deal: foundersDealJson(plan) } : {}),
    features: plan.features,
    usage: { requests_used: counter?.requests ?? 0, requests_limit: plan.monthly_requests, tokens_used: counter?.tokens ?? 0 },
    domain: license.domain ?? null,
    expires_at: iso(license.expires_at),
    ...(site ? { site } : {}),
  };
}
