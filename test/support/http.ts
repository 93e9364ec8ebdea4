/** Real HTTP requests to a running platform, and what the plugin contract says every answer carries. */

/** A JSON object as the plugin REST routes answer it. */
export type Json = Record<string, unknown>;

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body when it is JSON, else undefined. */
  body: Json;
}

export interface RequestOptions {
  /** Sent as X-License-Key. */
  key?: string;
  /** Sent as X-Site-URL. */
  site?: string;
  /** Serialised with JSON.stringify and sent as application/json (unless contentType says otherwise). */
  json?: unknown;
  /** A raw body (string or bytes); no Content-Type is added for bytes. */
  raw?: string | Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
}

/** One real HTTP request to the platform. */
export async function http(baseUrl: string, method: string, path: string, options: RequestOptions = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.key !== undefined) headers["x-license-key"] = options.key;
  if (options.site !== undefined) headers["x-site-url"] = options.site;
  let body: string | Uint8Array | undefined;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers["content-type"] = options.contentType ?? "application/json";
  } else if (options.raw !== undefined) {
    body = options.raw;
    if (options.contentType !== undefined) headers["content-type"] = options.contentType;
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: Json = {};
  try {
    parsed = JSON.parse(text) as Json;
  } catch {
    // Not JSON (204, or a route that broke the contract): the test asserts on `text` then.
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Asserts an ISO-8601 UTC timestamp with milliseconds (§1.3) within [from, to] (epoch ms) and returns it. */
export function expectIsoWithin(value: unknown, from: number, to: number): string {
  expect(typeof value).toBe("string");
  const text = value as string;
  expect(text).toMatch(ISO_UTC);
  expect(Date.parse(text)).toBeGreaterThanOrEqual(from);
  expect(Date.parse(text)).toBeLessThanOrEqual(to);
  return text;
}

export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";
export const EXPOSED_HEADERS = "Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset";
