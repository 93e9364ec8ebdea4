// What `npm run build` turns into dist/, and the stamp it leaves there, so `npm start` can tell whether dist/ is current.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const STAMP = path.join(ROOT, "dist", ".build-stamp");
export const ENTRY_POINT = path.join(ROOT, "dist", "main.js");

// Everything a build reads besides node_modules: the sources (TypeScript and the playground's files), the compiler
// settings, and the build script itself. package.json names the dependencies the playground bundle is made from.
const INPUT_FOLDERS = ["src"];
const INPUT_FILES = ["tsconfig.json", "tsconfig.build.json", "package.json", "scripts/build.mjs", "scripts/build-stamp.mjs"];

/** The most recently modified input (undefined when there are none, as in a runtime image that holds only dist/). */
export function newestInput() {
  let newest;
  const consider = (file) => {
    const mtimeMs = statSync(file).mtimeMs;
    if (newest === undefined || mtimeMs > newest.mtimeMs) newest = { file: path.relative(ROOT, file), mtimeMs };
  };
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) consider(full);
    }
  };
  for (const folder of INPUT_FOLDERS) if (existsSync(path.join(ROOT, folder))) walk(path.join(ROOT, folder));
  for (const file of INPUT_FILES) if (existsSync(path.join(ROOT, file))) consider(path.join(ROOT, file));
  return newest;
}

/** When the last complete build started (ms since the epoch), or undefined when dist/ holds none. */
export function readStamp() {
  if (!existsSync(ENTRY_POINT)) return undefined;
  try {
    const { startedAtMs } = JSON.parse(readFileSync(STAMP, "utf8"));
    return typeof startedAtMs === "number" ? startedAtMs : undefined;
  } catch {
    return undefined;
  }
}

// The start time, not the end: a source saved while the build ran is newer than the stamp, so the next start rebuilds.
export function writeStamp(startedAtMs) {
  writeFileSync(STAMP, `${JSON.stringify({ startedAtMs, startedAt: new Date(startedAtMs).toISOString() })}\n`);
}

/** Whether a dev dependency (the build tools) is installed; `npm prune --omit=dev` removes them. */
export function isInstalled(pkg) {
  return existsSync(path.join(ROOT, "node_modules", pkg, "package.json"));
}
