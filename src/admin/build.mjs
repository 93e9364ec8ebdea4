// Builds the admin dashboard with esbuild: one minified script and one stylesheet (Pico and uPlot's CSS included).
// Output: dist/admin/public/ (a folder of its own: tsc compiles admin.route.ts into dist/admin/).
// Run from anywhere: `node src/admin/build.mjs` (part of `npm run build`).
import { build } from "esbuild";
import { copyFile, mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const adminDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(adminDir, "../..");
const outdir = path.join(root, "dist/admin/public");

const started = Date.now();
await rm(outdir, { recursive: true, force: true });
await mkdir(path.join(outdir, "assets"), { recursive: true });
await build({
  absWorkingDir: root,
  entryPoints: { main: path.join(adminDir, "app/main.tsx") },
  outdir: path.join(outdir, "assets"),
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2022",
  jsx: "automatic",
  legalComments: "none",
  logLevel: "warning",
  // React drops its development checks only when this is defined.
  define: { "process.env.NODE_ENV": '"production"' },
  tsconfig: path.join(adminDir, "app/tsconfig.json"),
});
// index.html last: its presence marks a complete build.
await copyFile(path.join(adminDir, "app/index.html"), path.join(outdir, "index.html"));
console.log(`admin: built ${path.relative(root, outdir)}/ in ${Date.now() - started} ms`);
