import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { licenseActor } from "../modules/activity/activity.service";
import type { License } from "../modules/licenses/license.model";
import { lenientSiteUrl, licenseKeyOf, siteHeaderOf } from "./body";
import { activationRefusalJson, customerJson, foundersDealJson, iso, licenseJson, planJson, seatsJson } from "./serializers";
import { ROUTE_LIMITS, sendRateLimited, type ThrottleDeps } from "./throttle";
import { graceWarningOf } from "../modules/licenses/grace-warning";

/**
 * POST /api/validate (contract §6.3): counted on arrival (row 0), then its own order of checks and statuses, and an
 * optional site activation. It renders the license gate's verdict its own way (400/404 with `valid: false`).
 */
export async function validateRoute(app: FastifyInstance, deps: ThrottleDeps): Promise<void> {
  const config = { throttle: { scope: "validate", limits: ROUTE_LIMITS.validate }, failure: { valid: false, error: "Validation failed" } };
  app.post("/api/validate", { config }, async (request, reply) => validate(request, reply, deps));
}

async function validate(request: FastifyRequest, reply: FastifyReply, { services }: ThrottleDeps): Promise<unknown> {
  const key = licenseKeyOf(request);
  if (key === undefined) return reply.code(400).send({ error: "License key required in X-License-Key header", code: "LICENSE_REQUIRED" });
  const verdict = await services.licenseGate.admit(key, request.ip);
  if (!verdict.valid) {
    if (verdict.code === "LOOKUPS_BLOCKED") return sendRateLimited(reply, verdict.message, verdict.retryAfter);
    return reply.code(verdict.code === "LICENSE_NOT_FOUND" ? 404 : 400).send({ valid: false, error: verdict.detail, code: verdict.code });
  }
  const { license, plan, customer } = verdict;
  const now = new Date(services.clock());

  let site: Record<string, unknown> | undefined;
  const headerSite = siteHeaderOf(request);
  const rawSite = headerSite !== undefined && headerSite !== "" ? headerSite : lenientSiteUrl(request);
  if (rawSite !== undefined && rawSite !== null) {
    const outcome = await services.activations.activate(license, plan, rawSite, licenseActor(license, request.ip));
    if (!outcome.ok) {
      const refusal = activationRefusalJson(outcome);
      return reply.code(refusal.status).send({ valid: false, ...refusal.body });
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
    ...graceJson(license, now),
  };
}

/**
 * New fields (contract §6.3 adds, never changes): while the license's subscription is past due and the license is
 * in its grace period, the answer says until when it stays valid. Read from the license itself: no extra query.
 */
function graceJson(license: License, now: Date): Record<string, unknown> {
  const grace = graceWarningOf(license, now);
  if (!grace) return {};
  return { billing: { status: "past_due", grace_until: grace.graceUntil.toISOString() }, warnings: [grace.warning] };
}
