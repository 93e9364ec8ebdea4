// Runs before `npm start` (and the CLI): builds only when a source is newer than the last build, so a start with a
// current dist/ takes milliseconds here and needs no dev dependency (a production install has pruned them).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { existsSync } from "node:fs";
import { ENTRY_POINT, isInstalled, newestInput, readStamp, ROOT } from "./build-stamp.mjs";

const PRODUCTION_INSTALL = "npm ci && npm run build && npm prune --omit=dev";

const builtAtMs = readStamp();
const newest = newestInput();

if (newest === undefined && existsSync(ENTRY_POINT)) process.exit(0); // only dist/ was shipped: it is what runs
if (builtAtMs !== undefined && newest !== undefined && newest.mtimeMs <= builtAtMs) process.exit(0);

const reason = builtAtMs === undefined ? "dist/ holds no complete build" : `${newest?.file} changed after the last build`;
if (!isInstalled("typescript")) {
  console.error(`Cannot run dist/: ${reason}, and the build tools (dev dependencies) are not installed; run: ${PRODUCTION_INSTALL}`);
  process.exit(1);
}
console.error(`${reason}: building`);
const build = spawnSync(process.execPath, [path.join(ROOT, "scripts", "build.mjs")], { cwd: ROOT, stdio: "inherit" });
process.exit(build.status ?? 1);
