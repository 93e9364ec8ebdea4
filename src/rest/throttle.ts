import type { FastifyReply, FastifyRequest } from "fastify";
import type { LicenseVerdict } from "../modules/licenses/license-check.service";
import type { Limit, ThrottleVerdict } from "../modules/throttle/throttle.service";
import { sha256 } from "../security/secrets";
import type { Services } from "../services";
import { licenseKeyOf } from "./body";

/** The per-route limits of contract §1.1; both apply when a route lists two. */
export const ROUTE_LIMITS = {
  info: [{ max: 50, per: "hour" }, { max: 200, per: "day" }],
  validate: [{ max: 50, per: "hour" }, { max: 200, per: "day" }],
  sitesChange: [{ max: 50, per: "hour" }, { max: 200, per: "day" }],
  sitesList: [{ max: 20, per: "minute" }],
  usageCurrent: [{ max: 10, per: "minute" }],
  usageHistory: [{ max: 5, per: "minute" }],
  limitsCheck: [{ max: 20, per: "minute" }],
  legacyUsage: [{ max: 10, per: "minute" }],
} as const satisfies Record<string, readonly Limit[]>;

export interface RouteThrottle {
  scope: string;
  limits: readonly Limit[];
}

export interface ThrottleDeps {
  services: Services;
  enabled: boolean;
}

/** Who a request counts for: its license key when it sends one (as a digest, never the key), else its IP. */
export function throttleClient(request: FastifyRequest): string {
  const key = licenseKeyOf(request);
  return key === undefined ? `ip:${request.ip}` : `key:${sha256(key).slice(0, 32)}`;
}

/** Counts the request; sends the 429 itself and returns false when a limit is exceeded. */
export async function countRequest(request: FastifyRequest, reply: FastifyReply, deps: ThrottleDeps, throttle: RouteThrottle): Promise<boolean> {
  if (!deps.enabled) return true;
  const verdict = await deps.services.throttle.hit(throttle.scope, throttleClient(request), throttle.limits);
  setRateHeaders(reply, verdict);
  if (verdict.allowed) return true;
  const { limit, resetAt } = verdict.tightest;
  await sendRateLimited(reply, `${limit.max} per 1 ${limit.per}`, resetAt);
  return false;
}

/** Sets the X-RateLimit headers without counting (responses to requests the license check refused). */
export async function reportRate(request: FastifyRequest, reply: FastifyReply, deps: ThrottleDeps, throttle: RouteThrottle): Promise<void> {
  if (!deps.enabled) return;
  setRateHeaders(reply, await deps.services.throttle.peek(throttle.scope, throttleClient(request), throttle.limits));
}

export async function sendRateLimited(reply: FastifyReply, message: string, resetAt: Date): Promise<void> {
  const retryAfter = Math.max(1, Math.ceil((resetAt.getTime() - Date.now()) / 1000));
  await reply.code(429).header("retry-after", String(retryAfter)).send({ error: "Rate limit exceeded", message, retry_after: retryAfter, code: "RATE_LIMITED" });
}

function setRateHeaders(reply: FastifyReply, verdict: ThrottleVerdict): void {
  const { limit, count, resetAt } = verdict.tightest;
  reply.header("x-ratelimit-limit", String(limit.max));
  reply.header("x-ratelimit-remaining", String(Math.max(0, limit.max - count)));
  reply.header("x-ratelimit-reset", String(Math.ceil(resetAt.getTime() / 1000)));
}

/**
 * The failed-lookup guard around a key look-up: refuses blocked IPs before the look-up, and records the
 * look-up of a key that does not exist after it. Returns false when it sent the 429.
 */
export async function guardLookup(request: FastifyRequest, reply: FastifyReply, deps: ThrottleDeps): Promise<boolean> {
  if (!deps.enabled || licenseKeyOf(request) === undefined) return true;
  const until = await deps.services.failedLookups.blockedUntil(request.ip);
  if (!until) return true;
  await sendRateLimited(reply, deps.services.failedLookups.message, until);
  return false;
}

/** Records a refused key after its look-up: unknown keys count for the guard, and every refusal costs the same. */
export async function noteLookup(request: FastifyRequest, deps: ThrottleDeps, verdict: LicenseVerdict): Promise<void> {
  if (deps.enabled && licenseKeyOf(request) !== undefined) await deps.services.failedLookups.recordVerdict(request.ip, verdict);
}
