// Builds the offline GraphQL playground with esbuild: one IIFE for the page and one per Monaco worker.
// Output: dist/playground/public/ (a folder of its own, because tsc compiles playground.route.ts into dist/playground/).
// Run from anywhere: `node src/playground/build.mjs` (part of `npm run build`).
import { build } from "esbuild";
import { copyFile, mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const srcDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(srcDir, "../..");
const outdir = path.join(root, "dist/playground/public");

const common = {
  absWorkingDir: root,
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2022",
  legalComments: "none",
  logLevel: "warning",
  // React and friends drop their development checks only when this is defined.
  define: { "process.env.NODE_ENV": '"production"' },
};

const started = Date.now();
await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
await Promise.all([
  build({
    ...common,
    entryPoints: { main: path.join(srcDir, "main.jsx") },
    outdir,
    jsx: "automatic",
    // Monaco's codicon font becomes a file next to main.css (fonts too big to inline).
    loader: { ".ttf": "file" },
  }),
  // Monaco loads its language services in web workers; each worker is its own script.
  build({
    ...common,
    outdir,
    entryPoints: {
      "editor.worker": "monaco-editor/esm/vs/editor/editor.worker.js",
      "json.worker": "monaco-editor/esm/vs/language/json/json.worker.js",
      "graphql.worker": "monaco-graphql/esm/graphql.worker.js",
    },
  }),
]);
await copyFile(path.join(srcDir, "page.css"), path.join(outdir, "page.css"));
// index.html last: its presence marks a complete build (the test relies on that).
await copyFile(path.join(srcDir, "index.html"), path.join(outdir, "index.html"));
console.log(`playground: built ${path.relative(root, outdir)}/ in ${Date.now() - started} ms`);
