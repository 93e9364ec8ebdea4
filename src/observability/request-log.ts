import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { lastFour } from "../security/secrets";

/** Shorter values cannot be license keys (ours are 39 characters), and their last 4 would be most of them. */
const MIN_KEY_LENGTH_FOR_LAST4 = 12;
/** Paths are attacker-chosen; a log line stays one short line whatever is sent. */
const MAX_LOGGED_PATH_LENGTH = 512;
/** The route params that hold a license key (the plugin contract's legacy usage route). */
const KEY_PARAM = ":license_key";
// Keys and admin tokens that turn up in a path nothing matched are cut out too: a log line never holds one.
const SECRETS_IN_PATH = [/CHA-[0-9A-F]{8}(?:-[0-9A-F]{8}){3}/gi, /chk_[a-z]_[0-9A-Za-z]+/g];
const REDACTED = "[redacted]";

/** What the request log says about one request (plus `request_id`, from the request's logger). */
export interface RequestLogLine {
  method: string;
  /** The route pattern, e.g. /api/usage/:license_key; null when no route matched (a 404). */
  route: string | null;
  /** The URL path without the query string, with any license key in it replaced by [redacted]. */
  path: string;
  /** The status sent; null when the caller left before any answer was sent. */
  status: number | null;
  duration_ms: number;
  /** Present when the caller closed the connection before the answer was complete (e.g. a streamed chat cut short). */
  aborted?: true;
  /** The last 4 characters of the license key the caller presented (plugin routes, /v1, GraphQL as holder). */
  key_last4?: string;
  /** The id of the admin token that authenticated the request (never the token). */
  admin_token_id?: string;
}

// Keyed by request so that no request decoration (and no edit of every surface) is needed.
const adminTokenIds = new WeakMap<FastifyRequest, string>();

/** Called where an admin token is authenticated, so that the request's log line can name the token. */
export function noteAdminToken(request: FastifyRequest, tokenId: string): void {
  adminTokenIds.set(request, tokenId);
}

/**
 * One JSON line per request: when the answer has been sent, or when the caller closed the connection first (onResponse
 * never runs then, and a cut-off stream is exactly the request an operator looks for).
 */
export function logRequests(app: FastifyInstance): void {
  const logged = new WeakSet<FastifyRequest>();
  const logOnce = (request: FastifyRequest, reply: FastifyReply, aborted: boolean): void => {
    if (logged.has(request)) return;
    logged.add(request);
    request.log.info(requestLogLine(request, reply, aborted), "request");
  };
  app.addHook("onRequest", (request, reply, done) => {
    reply.raw.once("close", () => {
      if (!reply.raw.writableFinished) logOnce(request, reply, true);
    });
    done();
  });
  app.addHook("onResponse", (request, reply, done) => {
    logOnce(request, reply, false);
    done();
  });
}

export function requestLogLine(request: FastifyRequest, reply: FastifyReply, aborted = false): RequestLogLine {
  const route = request.routeOptions.url ?? null;
  const key = presentedLicenseKey(request, route);
  const adminTokenId = adminTokenIds.get(request);
  return {
    method: request.method,
    route,
    path: loggedPath(request.url, route),
    status: aborted && !reply.raw.headersSent ? null : reply.statusCode,
    duration_ms: Math.round(reply.elapsedTime * 100) / 100,
    ...(aborted ? { aborted: true as const } : {}),
    ...(key !== undefined && key.length >= MIN_KEY_LENGTH_FOR_LAST4 ? { key_last4: lastFour(key) } : {}),
    ...(adminTokenId !== undefined ? { admin_token_id: adminTokenId } : {}),
  };
}

/** Where each surface reads a license key: X-License-Key, the legacy route's path, or /v1's Bearer token. */
function presentedLicenseKey(request: FastifyRequest, route: string | null): string | undefined {
  const header = firstValue(request.headers["x-license-key"]);
  if (header !== undefined && header !== "") return header;
  if (route?.includes(KEY_PARAM)) return (request.params as Record<string, string | undefined>)["license_key"];
  if (route?.startsWith("/v1/")) {
    // Only on /v1 is the Bearer token a license key; elsewhere it is an admin token and not even 4 characters are logged.
    const match = /^Bearer\s+(\S+)/i.exec(firstValue(request.headers.authorization) ?? "");
    return match?.[1];
  }
  return undefined;
}

function loggedPath(url: string, route: string | null): string {
  const queryAt = url.indexOf("?");
  let path = queryAt === -1 ? url : url.slice(0, queryAt);
  if (route?.includes(KEY_PARAM)) path = route.replace(KEY_PARAM, REDACTED);
  for (const pattern of SECRETS_IN_PATH) path = path.replace(pattern, REDACTED);
  return path.length > MAX_LOGGED_PATH_LENGTH ? `${path.slice(0, MAX_LOGGED_PATH_LENGTH)}…` : path;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
