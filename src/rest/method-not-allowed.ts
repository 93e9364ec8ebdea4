import type { FastifyInstance, HTTPMethods } from "fastify";

const METHODS: HTTPMethods[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/**
 * Answers 405 with an Allow header for the methods a known path does not take (contract §1.7), instead of the
 * 404 Fastify would give. Call it after the path's own routes are registered.
 */
export function refuseOtherMethods(app: FastifyInstance, url: string, allowed: HTTPMethods[]): void {
  const others = METHODS.filter((method) => !allowed.includes(method) && !(method === "GET" && allowed.includes("HEAD")));
  const allow = [...allowed, ...(allowed.includes("GET") ? ["HEAD"] : []), "OPTIONS"].join(", ");
  app.route({
    method: others,
    url,
    handler: async (_request, reply) =>
      reply.code(405).header("allow", allow).send({ error: "Method not allowed", code: "METHOD_NOT_ALLOWED" }),
  });
}
