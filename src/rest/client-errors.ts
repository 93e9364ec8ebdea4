import type { Socket } from "node:net";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { CORS_HEADERS } from "./cors";

/** Node's HTTP parser refuses request headers over 16 KiB; the contract wants that answered as JSON (§1.7). */
const HEADERS_TOO_LARGE = JSON.stringify({ error: "Request headers too large", code: "INVALID_INPUT" });
const BAD_REQUEST = JSON.stringify({ error: "Bad request", code: "INVALID_INPUT" });

/**
 * Fastify's clientErrorHandler: malformed HTTP never reaches a route, so the answer is written to the socket here,
 * still as JSON with CORS, and the connection is closed.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === "HPE_HEADER_OVERFLOW";
  const body = tooLarge ? HEADERS_TOO_LARGE : BAD_REQUEST;
  const status = tooLarge ? "431 Request Header Fields Too Large" : "400 Bad Request";
  socket.end(
    `HTTP/1.1 ${status}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      Object.entries(CORS_HEADERS)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join("") +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** Errors Fastify raises before routing (a malformed URL's percent-encoding): the contract's JSON 400, with CORS. */
export function answerFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  void reply
    .code(400)
    .headers(CORS_HEADERS)
    .send({ error: error.code === "FST_ERR_BAD_URL" ? "Invalid URL" : "Bad request", code: "INVALID_INPUT" });
}

// The closed vocabulary of REST error codes (plugin REST contract §1.4) for statuses Fastify raises itself.
const CODE_BY_STATUS: Record<number, string> = { 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 429: "RATE_LIMITED" };

/**
 * The body of a 4xx that Fastify raised (a body too large, a malformed one). Client errors describe the caller's
 * input, so their message is safe to return; the wording of the contract's own cases is fixed because plugins
 * compare it.
 */
export function clientErrorBody(error: FastifyError, status: number): { error: string; code: string } {
  switch (error.code) {
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return { error: "Invalid JSON body", code: "INVALID_INPUT" };
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return { error: "Request body too large", code: "INVALID_INPUT" };
    default:
      return { error: error.message, code: CODE_BY_STATUS[status] ?? "INVALID_INPUT" };
  }
}
