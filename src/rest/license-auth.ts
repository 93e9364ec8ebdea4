import type { FastifyReply, FastifyRequest } from "fastify";
import type { LicenseGrant } from "../modules/licenses/license-check.service";
import { licenseKeyOf } from "./body";
import { countRequest, guardLookup, noteLookup, reportRate, type RouteThrottle, type ThrottleDeps } from "./throttle";

/**
 * The license check of the authenticated plugin routes (contract §2.4): every refusal is a 401 whose body only
 * says which rule failed; a database failure is the route's own 500. The route's throttle counts only requests
 * that pass the check (§1.5), and the failed-lookup guard watches keys that do not exist.
 */
export async function requireLicense(request: FastifyRequest, reply: FastifyReply, deps: ThrottleDeps, throttle: RouteThrottle): Promise<LicenseGrant | undefined> {
  if (!(await guardLookup(request, reply, deps))) return undefined;
  let verdict;
  try {
    verdict = await deps.services.licenseCheck.check(licenseKeyOf(request));
    await noteLookup(request, deps, verdict);
  } catch (error) {
    request.log.error({ err: error }, "license check failed");
    await reply.code(500).send({ error: "License validation failed", code: "INTERNAL_ERROR" });
    return undefined;
  }
  if (verdict.valid) return (await countRequest(request, reply, deps, throttle)) ? verdict : undefined;
  await reportRate(request, reply, deps, throttle);
  // Rows 1 and 5 (expires_at passed) have their own messages; every other refusal reads the same.
  const message =
    verdict.code === "LICENSE_REQUIRED" ? "License key required" : verdict.detail === "License expired" ? "License expired" : "Invalid or inactive license";
  await reply.code(401).send({ error: message, code: verdict.code });
  return undefined;
}
