/** A JSON Schema (2020-12, as OpenAPI 3.1 uses it), written as a plain object. */
export type JsonSchema = Record<string, unknown>;

export interface MediaDoc {
  schema: JsonSchema;
  /** One example (OpenAPI's `example`), or several named ones; the tests validate each against `schema`. */
  example?: unknown;
  examples?: Record<string, { summary: string; value: unknown }>;
}

export interface ResponseDoc {
  description: string;
  headers?: Record<string, JsonSchema & { description: string }>;
  content?: Record<string, MediaDoc>;
}

/**
 * What the OpenAPI document says about one route. Kept apart from the route's Fastify options on purpose: Fastify
 * validates `schema.body` and serializes with `schema.response` (dropping unknown fields), and the contract's
 * routes apply their own body rules and send exact bodies. The docs transform (api-docs.ts) hands these to
 * @fastify/swagger; Fastify never sees them.
 */
export interface OperationDoc {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security?: Array<Record<string, string[]>>;
  headers?: JsonSchema;
  querystring?: JsonSchema;
  params?: JsonSchema;
  /** The request body; `required: false` when an empty body is accepted (the plugin routes, §1.2). */
  body?: { required: boolean; content: Record<string, MediaDoc> };
  response: Record<string, ResponseDoc>;
}

export const json = (schema: JsonSchema, example?: unknown): Record<string, MediaDoc> => ({
  "application/json": example === undefined ? { schema } : { schema, example },
});

/** Several bodies under one status, each a named example (e.g. the 400s of /api/chat). */
export const jsonCases = (schema: JsonSchema, cases: Record<string, { summary: string; value: unknown }>): Record<string, MediaDoc> => ({
  "application/json": { schema, examples: cases },
});
