import type { FastifyRequest } from "fastify";

export type JsonBody = { ok: true; value: Record<string, unknown> | null } | { ok: false };

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;.*)?$/i;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads a plugin-route body by the contract's rules (§1.2): empty is fine (null); otherwise it must be UTF-8 JSON,
 * an object or null, sent as application/json or application/*+json. The plugin routes receive the raw bytes
 * (see plugin.routes.ts) so that each route can apply these rules, and /api/validate can ignore its body.
 */
export function readJsonBody(request: FastifyRequest): JsonBody {
  const raw = request.body;
  if (!Buffer.isBuffer(raw) || raw.length === 0) return { ok: true, value: null };
  if (!JSON_TYPE.test(request.headers["content-type"] ?? "")) return { ok: false };
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(raw));
  } catch {
    return { ok: false };
  }
  if (parsed === null) return { ok: true, value: null };
  if (typeof parsed !== "object" || Array.isArray(parsed)) return { ok: false };
  return { ok: true, value: parsed as Record<string, unknown> };
}

/**
 * /api/validate never rejects a body: it takes `site_url` from a JSON object, whatever the Content-Type (v2.1
 * plugins send it without one), and ignores anything else.
 */
export function lenientSiteUrl(request: FastifyRequest): unknown {
  const raw = request.body;
  if (!Buffer.isBuffer(raw) || raw.length === 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(utf8.decode(raw));
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>).site_url
      : undefined;
  } catch {
    return undefined;
  }
}

/** The X-License-Key header; empty counts as missing. Never read from the query string. */
export function licenseKeyOf(request: FastifyRequest): string | undefined {
  const value = request.headers["x-license-key"];
  const key = Array.isArray(value) ? value[0] : value;
  return key === undefined || key === "" ? undefined : key;
}

export function siteHeaderOf(request: FastifyRequest): string | undefined {
  const value = request.headers["x-site-url"];
  return Array.isArray(value) ? value[0] : value;
}
