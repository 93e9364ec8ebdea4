import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";

// What a proxy or a caller may hand us as a request id: short and free of anything that could forge a log field.
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The id of a request: the caller's `X-Request-Id` when it has the accepted shape (so one id follows a request
 * through a load balancer and into our logs), else a random UUID (unique across instances).
 */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers["x-request-id"];
  const candidate = Array.isArray(given) ? given[0] : given;
  return candidate !== undefined && ACCEPTED_REQUEST_ID.test(candidate) ? candidate : randomUUID();
}
