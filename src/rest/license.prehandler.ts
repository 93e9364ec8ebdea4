import type { FastifyReply, preHandlerAsyncHookHandler } from "fastify";
import type { GateVerdict } from "../modules/licenses/license-gate.service";
import { licenseKeyOf } from "./body";
import { countRequest, reportRate, sendRateLimited, type ThrottleDeps } from "./throttle";
import "./route-config";

/**
 * The /api surface's one license pre-handler (contract §1.5, §2.4): routes that declare a throttle are counted on
 * arrival; routes that declare `license` get the gate's verdict rendered as the contract's 401 (or the guard's
 * 429), and their throttle counts only the requests that pass. The admitted license is on `request.grant`.
 */
export function apiPreHandler(deps: ThrottleDeps): preHandlerAsyncHookHandler {
  return async (request, reply) => {
    const { throttle, license } = request.routeOptions.config;
    if (throttle && !(await countRequest(request, reply, deps, throttle))) return reply;
    if (!license) return undefined;
    let verdict: GateVerdict;
    try {
      verdict = await deps.services.licenseGate.admit(licenseKeyOf(request), request.ip);
    } catch (error) {
      request.log.error({ err: error }, "license check failed");
      return reply.code(500).send({ error: "License validation failed", code: "INTERNAL_ERROR" });
    }
    if (verdict.valid) {
      if (!(await countRequest(request, reply, deps, license))) return reply;
      request.grant = verdict;
      return undefined;
    }
    if (verdict.code === "LOOKUPS_BLOCKED") return sendRateLimited(reply, verdict.message, verdict.retryAfter);
    await reportRate(request, reply, deps, license);
    return refuse(reply, verdict);
  };
}

function refuse(reply: FastifyReply, verdict: Exclude<GateVerdict, { valid: true } | { code: "LOOKUPS_BLOCKED" }>): FastifyReply {
  // Rows 1 and 5 (expires_at passed) have their own messages; every other refusal reads the same (§2.4).
  const message =
    verdict.code === "LICENSE_REQUIRED"
      ? "License key required"
      : verdict.detail === "License expired"
        ? "License expired"
        : "Invalid or inactive license";
  return reply.code(401).send({ error: message, code: verdict.code });
}
