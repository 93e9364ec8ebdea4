import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance, FastifySchema } from "fastify";
import { APP_VERSION } from "../../version";
import type { MediaDoc, OperationDoc } from "./doc.types";
import { OPERATIONS, TAGS } from "./operations";

export const OPENAPI_JSON_URL = "/api/openapi.json";
/**
 * The docs page's CSP: everything from this origin only, so even a swagger-ui feature that reaches for another
 * host (a validator badge, a remote $ref) cannot. swagger-ui sets inline style attributes; the logo is a data: URL.
 */
export const DOCS_PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'";
export const DOCS_PAGE_URL = "/api/docs";

/**
 * The OpenAPI 3.1 document of the plugin REST shim and /v1, at /api/openapi.json, and a browsable page at /api/docs
 * (swagger-ui's files, served from node_modules: nothing from a CDN). Call it before any route is registered:
 * @fastify/swagger collects routes as they are added. Only the routes in OPERATIONS are documented; GraphQL,
 * the playground, metrics and probes have their own docs or none.
 */
export async function registerApiDocs(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Chatello platform API",
        version: APP_VERSION,
        description:
          "The REST routes the Chatello WordPress plugin calls (contract: plugin-rest.md) and the OpenAI-compatible /v1 API. " +
          "Responses are JSON with a stable `code` on errors; the OpenAI-compatible routes answer in OpenAI's error format.",
      },
      tags: TAGS,
      components: {
        securitySchemes: {
          licenseKey: {
            type: "apiKey",
            in: "header",
            name: "X-License-Key",
            description: "The license key, e.g. CHA-1A2B3C4D-5E6F7A8B-9C0D1E2F-3A4B5C6D",
          },
          licenseBearer: {
            type: "http",
            scheme: "bearer",
            description: "The license key as the Bearer token (the OpenAI client's apiKey)",
          },
          adminToken: { type: "http", scheme: "bearer", description: "An admin token (chk_…), as GraphQL takes it" },
        },
      },
    },
    transform: ({ url, route }) => {
      const doc = typeof route.method === "string" ? OPERATIONS[`${route.method} ${url}`] : undefined;
      return { url, schema: doc ? swaggerSchema(doc) : { hide: true } };
    },
    transformObject: (documentObject) =>
      "openapiObject" in documentObject ? markOptionalBodies(documentObject.openapiObject) : documentObject.swaggerObject,
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: DOCS_PAGE_URL,
    // swagger-ui would otherwise show a badge image fetched from validator.swagger.io.
    validatorUrl: false,
    uiConfig: { validatorUrl: null, deepLinking: true },
    theme: { title: "Chatello platform API" },
    staticCSP: DOCS_PAGE_CSP,
  });
  app.get(OPENAPI_JSON_URL, async () => app.swagger());
}

/** The route's docs in the shape @fastify/swagger reads; Fastify itself never sees this object. */
function swaggerSchema(doc: OperationDoc): FastifySchema {
  const schema: Record<string, unknown> = {
    operationId: doc.operationId,
    summary: doc.summary,
    description: doc.description,
    tags: doc.tags,
    security: doc.security,
    headers: doc.headers,
    querystring: doc.querystring,
    params: doc.params,
    response: doc.response,
  };
  // @fastify/swagger keeps only a request body's schema: its example travels as the schema's `examples`.
  if (doc.body)
    schema.body = { content: Object.fromEntries(Object.entries(doc.body.content).map(([type, media]) => [type, withExamples(media)])) };
  for (const key of Object.keys(schema)) if (schema[key] === undefined) delete schema[key];
  return schema;
}

function withExamples(media: MediaDoc): MediaDoc {
  return media.example === undefined ? media : { schema: { ...media.schema, examples: [media.example] } };
}

/** The part of the document this file edits: operations by path and lower-case method. */
type Paths = Record<string, Record<string, { requestBody?: { required?: boolean } } | undefined> | undefined>;

/** @fastify/swagger marks every body required (Fastify would demand one); the plugin routes accept an empty body. */
function markOptionalBodies<T extends { paths?: unknown }>(document: T): T {
  const paths = document.paths as Paths | undefined;
  for (const [key, doc] of Object.entries(OPERATIONS)) {
    const [method, url] = key.split(" ");
    const operation = paths?.[url.replace(/:(\w+)/g, "{$1}")]?.[method.toLowerCase()];
    if (doc.body && operation?.requestBody) operation.requestBody.required = doc.body.required;
  }
  return document;
}
