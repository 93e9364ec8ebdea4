import type { FastifyReply, FastifyRequest } from "fastify";
import type { Limit, ThrottleVerdict } from "../modules/throttle/throttle.service";
import { sha256 } from "../security/secrets";
import type { Services } from "../services";
import { licenseKeyOf } from "./body";

/** The per-route limits of contract §1.1; both apply when a route lists two. */
export const ROUTE_LIMITS = {
  info: [
    { max: 50, per: "hour" },
    { max: 200, per: "day" },
  ],
  validate: [
    { max: 50, per: "hour" },
    { max: 200, per: "day" },
  ],
  sitesChange: [
    { max: 50, per: "hour" },
    { max: 200, per: "day" },
  ],
  sitesList: [{ max: 20, per: "minute" }],
  usageCurrent: [{ max: 10, per: "minute" }],
  usageHistory: [{ max: 5, per: "minute" }],
  limitsCheck: [{ max: 20, per: "minute" }],
  legacyUsage: [{ max: 10, per: "minute" }],
  chat: [{ max: 100, per: "hour" }],
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
function throttleClient(request: FastifyRequest): string {
  const key = licenseKeyOf(request);
  return key === undefined ? `ip:${request.ip}` : `key:${sha256(key).slice(0, 32)}`;
}

/** Counts the request; sends the 429 itself and returns false when a limit is exceeded. */
export async function countRequest(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: ThrottleDeps,
  throttle: RouteThrottle,
): Promise<boolean> {
  if (!deps.enabled) return true;
  const verdict = await deps.services.throttle.hit(throttle.scope, throttleClient(request), throttle.limits);
  setRateHeaders(reply, verdict);
  if (verdict.allowed) return true;
  const { limit } = verdict.tightest;
  sendRateLimited(reply, `${limit.max} per 1 ${limit.per}`, verdict.retryAfter);
  return false;
}

/** Sets the X-RateLimit headers without counting (responses to requests the license check refused). */
export async function reportRate(request: FastifyRequest, reply: FastifyReply, deps: ThrottleDeps, throttle: RouteThrottle): Promise<void> {
  if (!deps.enabled) return;
  setRateHeaders(reply, await deps.services.throttle.peek(throttle.scope, throttleClient(request), throttle.limits));
}

export function sendRateLimited(reply: FastifyReply, message: string, retryAfter: number): FastifyReply {
  return reply
    .code(429)
    .header("retry-after", String(retryAfter))
    .send({ error: "Rate limit exceeded", message, retry_after: retryAfter, code: "RATE_LIMITED" });
}

function setRateHeaders(reply: FastifyReply, verdict: ThrottleVerdict): void {
  const { limit, count, resetAt } = verdict.tightest;
  reply.header("x-ratelimit-limit", String(limit.max));
  reply.header("x-ratelimit-remaining", String(Math.max(0, limit.max - count)));
  reply.header("x-ratelimit-reset", String(Math.ceil(resetAt.getTime() / 1000)));
}
