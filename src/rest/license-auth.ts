import type { FastifyReply, FastifyRequest } from "fastify";
import type { LicenseGrant } from "../modules/licenses/license-check.service";
import type { Services } from "../services";
import { licenseKeyOf } from "./body";

/**
 * The license check of the authenticated plugin routes (contract §2.4): every refusal is a 401 whose body only
 * says which rule failed; a database failure is the route's own 500.
 */
export async function requireLicense(request: FastifyRequest, reply: FastifyReply, services: Services): Promise<LicenseGrant | undefined> {
  let verdict;
  try {
    verdict = await services.licenseCheck.check(licenseKeyOf(request));
  } catch (error) {
    request.log.error({ err: error }, "license check failed");
    await reply.code(500).send({ error: "License validation failed", code: "INTERNAL_ERROR" });
    return undefined;
  }
  if (verdict.valid) return verdict;
  // Rows 1 and 5 (expires_at passed) have their own messages; every other refusal reads the same.
  const message =
    verdict.code === "LICENSE_REQUIRED" ? "License key required" : verdict.detail === "License expired" ? "License expired" : "Invalid or inactive license";
  await reply.code(401).send({ error: message, code: verdict.code });
  return undefined;
}
