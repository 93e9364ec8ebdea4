import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { findRepoRoot } from "../repo-root";
import type { FastifyBaseLogger, FastifyInstance, FastifyReply } from "fastify";

/** The offline GraphiQL bundle (built by src/playground/build.mjs) served from memory. */
export interface PlaygroundOptions {
  /** The built folder, normally defaultPlaygroundDir(). */
  dir: string;
  /** Where the page is mounted; its index.html uses relative URLs, so it is served at `${prefix}/`. */
  prefix?: string;
  /** Defaults to the app's logger. */
  logger?: Pick<FastifyBaseLogger, "warn">;
}

interface PlaygroundFile {
  body: Buffer;
  contentType: string;
  etag: string;
}

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".ttf": "font/ttf",
  ".map": "application/json; charset=utf-8",
};

/**
 * As tight as GraphiQL allows (checked in headless Chromium by test/playground):
 * - scripts and workers only from this origin, no eval;
 * - 'unsafe-inline' styles because Monaco and GraphiQL set element styles and add <style> elements at run time;
 * - data: fonts because graphiql/style.css inlines its fonts; data: images for Monaco's SVG squiggly underlines;
 * - fetches only to this origin (the /graphql endpoint);
 * - the page may not be framed, so a hostile site cannot overlay it to steal clicks on "run".
 */
export const PLAYGROUND_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * The built bundle's folder: `<repo>/dist/playground/public`. The repo root is found by walking up to
 * package.json, so this works from dist/playground/playground.route.js and from ts-jest's src/ file alike.
 * (The bundle has a folder of its own because tsc writes this very file into dist/playground/.)
 */
export function defaultPlaygroundDir(): string {
  return path.join(findRepoRoot(__dirname), "dist", "playground", "public");
}

/**
 * Registers GET `${prefix}` (redirect), `${prefix}/` (index.html) and `${prefix}/:file`.
 * When the bundle has not been built, logs a warning and registers nothing, so the server still starts.
 */
export async function registerPlayground(app: FastifyInstance, opts: PlaygroundOptions): Promise<void> {
  const prefix = opts.prefix ?? "/playground";
  const logger = opts.logger ?? app.log;
  const files = loadBundle(opts.dir);
  const index = files?.get("index.html");
  if (!files || !index) {
    logger.warn({ dir: opts.dir }, `GraphQL playground bundle not found; run \`npm run build\` to serve it at ${prefix}/`);
    return;
  }

  app.get(prefix, async (_request, reply) => reply.redirect(`${prefix}/`, 302));
  app.get(`${prefix}/`, async (request, reply) => sendFile(reply, index, request.headers["if-none-match"]));
  app.get<{ Params: { file: string } }>(`${prefix}/:file`, async (request, reply) => {
    // Only names read at startup exist: "../x" or "a/b" simply are not keys, so nothing outside the folder is reachable.
    const file = files.get(request.params.file);
    if (!file) return reply.callNotFound();
    return sendFile(reply, file, request.headers["if-none-match"]);
  });
}

/** Reads the top-level files with a known type into memory; undefined when the folder does not exist. */
function loadBundle(dir: string): Map<string, PlaygroundFile> | undefined {
  if (!existsSync(dir)) return undefined;
  const files = new Map<string, PlaygroundFile>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const contentType = CONTENT_TYPES[path.extname(entry.name)];
    if (!entry.isFile() || !contentType) continue;
    const body = readFileSync(path.join(dir, entry.name));
    const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
    files.set(entry.name, { body, contentType, etag });
  }
  return files;
}

function sendFile(reply: FastifyReply, file: PlaygroundFile, ifNoneMatch: string | undefined): FastifyReply {
  // File names carry no content hash, so browsers must revalidate; the ETag keeps that to a 304 for the 5 MB main.js.
  reply
    .header("cache-control", "no-cache")
    .header("etag", file.etag)
    .header("content-security-policy", PLAYGROUND_CSP)
    .header("x-content-type-options", "nosniff")
    .header("referrer-policy", "no-referrer");
  if (ifNoneMatch === file.etag) return reply.code(304).send();
  return reply.type(file.contentType).send(file.body);
}
