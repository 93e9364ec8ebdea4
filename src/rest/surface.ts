import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { clientErrorBody } from "./client-errors";
import "./route-config";

/** How a surface words an error: the /api routes in the plugin contract's shape, /v1 in OpenAI's. */
export interface ErrorRenderer {
  client(reply: FastifyReply, status: number, body: { error: string; code: string }): FastifyReply;
  unexpected(request: FastifyRequest, reply: FastifyReply): FastifyReply;
}

/**
 * What every surface (`/api`, `/v1`) sets up the same way: routes receive the raw body bytes (each route applies
 * its contract's own body rules, see body.ts), requests carry the license the pre-handler admitted, and one error
 * boundary answers whatever a route or hook throws: a client error as such, anything else as the route's 500,
 * logged with the request id and never shown to the caller.
 */
export function prepareSurface(app: FastifyInstance, errors: ErrorRenderer): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));
  app.decorateRequest("grant", null);
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return errors.client(reply, status, clientErrorBody(error, status));
    request.log.error({ err: error, route: request.routeOptions.url }, "request failed");
    // A streamed answer already under way cannot be replaced by an error body.
    if (reply.sent || reply.raw.headersSent) return reply;
    return errors.unexpected(request, reply);
  });
}
