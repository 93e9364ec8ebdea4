import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { findRepoRoot } from "../repo-root";
import { gzipSync } from "node:zlib";
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/** The admin dashboard (built by src/admin/build.mjs) served from memory, gzipped once at startup. */
export interface DashboardOptions {
  /** The built folder, normally defaultDashboardDir(). */
  dir: string;
  logger?: Pick<FastifyBaseLogger, "warn">;
}

interface BundleFile {
  body: Buffer;
  gzipped: Buffer;
  contentType: string;
  etag: string;
}

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};

/**
 * Scripts, styles and fetches from this origin only (the app calls /graphql), no inline script, no eval;
 * data: images for Pico's inline SVG icons (select arrows, checkboxes); the page may not be framed (clickjacking).
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export function defaultDashboardDir(): string {
  return path.join(findRepoRoot(__dirname), "dist", "admin", "public");
}

/**
 * GET /admin (redirect), /admin/assets/:file, and index.html for every other path under /admin/ (the app routes
 * in the browser, so /admin/licenses/… can be reloaded or bookmarked). Routes registered elsewhere under /admin
 * (/admin/health) are more specific and win. Without a built bundle: a warning, and nothing registered.
 */
export async function registerDashboard(app: FastifyInstance, opts: DashboardOptions): Promise<void> {
  const logger = opts.logger ?? app.log;
  const { assets, index } = loadBundle(opts.dir);
  if (!assets || !index) {
    logger.warn({ dir: opts.dir }, "admin dashboard bundle not found; run `npm run build` to serve it at /admin/");
    return;
  }
  app.get("/admin", async (_request, reply) => reply.redirect("/admin/", 302));
  app.get<{ Params: { file: string } }>("/admin/assets/:file", async (request, reply) => {
    // Only names read at startup exist: "../x" is not a key, so nothing outside the folder is reachable.
    const file = assets.get(request.params.file);
    if (!file) return reply.callNotFound();
    return sendFile(request, reply, file);
  });
  app.get("/admin/*", async (request, reply) => sendFile(request, reply, index));
}

const loaded = new Map<string, { assets?: Map<string, BundleFile>; index?: BundleFile; builtAt: number }>();

/** Read and gzipped once per build: every app built in a process (tests build hundreds) reuses it. */
function loadBundle(dir: string): { assets?: Map<string, BundleFile>; index?: BundleFile } {
  const builtAt = statSync(path.join(dir, "index.html"), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const cached = loaded.get(dir);
  if (cached && cached.builtAt === builtAt) return cached;
  const bundle = { assets: loadFolder(path.join(dir, "assets")), index: loadFolder(dir)?.get("index.html"), builtAt };
  loaded.set(dir, bundle);
  return bundle;
}

function loadFolder(dir: string): Map<string, BundleFile> | undefined {
  if (!existsSync(dir)) return undefined;
  const files = new Map<string, BundleFile>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const contentType = CONTENT_TYPES[path.extname(entry.name)];
    if (!entry.isFile() || !contentType) continue;
    const body = readFileSync(path.join(dir, entry.name));
    const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
    files.set(entry.name, { body, gzipped: gzipSync(body, { level: 9 }), contentType, etag });
  }
  return files;
}

function sendFile(request: FastifyRequest, reply: FastifyReply, file: BundleFile): FastifyReply {
  // Names carry no content hash, so browsers revalidate; the ETag keeps a reload to 304s.
  reply
    .header("cache-control", "no-cache")
    .header("etag", file.etag)
    .header("vary", "accept-encoding")
    .header("content-security-policy", DASHBOARD_CSP)
    .header("x-content-type-options", "nosniff")
    .header("referrer-policy", "no-referrer");
  if (request.headers["if-none-match"] === file.etag) return reply.code(304).send();
  const acceptsGzip = /\bgzip\b/.test(String(request.headers["accept-encoding"] ?? ""));
  if (acceptsGzip) reply.header("content-encoding", "gzip");
  return reply.type(file.contentType).send(acceptsGzip ? file.gzipped : file.body);
}
