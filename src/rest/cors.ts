import type { FastifyInstance } from "fastify";

/** The headers every response carries (also written by hand where Fastify's hooks do not run). */
export const CORS_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset",
} as const;

/**
 * CORS as the plugin contract fixes it (§1.6): `*` on every response (set by app.ts's onRequest hook, with no
 * credentials), and a 204 preflight for any path. Admin tokens travel in a header, never in cookies, so `*` exposes nothing a browser could abuse.
 */
export function addPreflight(app: FastifyInstance): void {
  app.options("*", async (_request, reply) =>
    reply
      .code(204)
      .header("access-control-allow-methods", "GET, POST, OPTIONS")
      .header("access-control-allow-headers", "Content-Type, X-License-Key, X-Site-URL, Authorization")
      .header("access-control-max-age", "86400")
      .send(),
  );
}
