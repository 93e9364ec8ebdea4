// `npm run build`: compiles src/ into dist/ (tsc), builds the offline playground and the admin dashboard (esbuild), then stamps dist/ with the
// time the build started (see build-stamp.mjs). Needs the dev dependencies.
import { spawnSync } from "node:child_process";
import { chmodSync, readFileSync } from "node:fs";
import path from "node:path";
import { isInstalled, ROOT, writeStamp } from "./build-stamp.mjs";

const startedAtMs = Date.now();

function run(script, ...args) {
  const result = spawnSync(process.execPath, [script, ...args], { cwd: ROOT, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run(path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json");
// tsc writes files without the executable bit. npx links package.json's bins and marks them executable, but only
// the first time it sees this folder; after a fresh build, a cached link would point at a file the shell refuses.
const { bin } = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));
for (const file of Object.values(bin ?? {})) chmodSync(path.join(ROOT, file), 0o755);
// Both are built at build time (esbuild is a dev dependency): without esbuild the platform still builds and starts.
if (isInstalled("esbuild")) {
  run(path.join(ROOT, "src", "playground", "build.mjs"));
  run(path.join(ROOT, "src", "admin", "build.mjs"));
} else
  console.warn(
    "playground and admin dashboard: not built (esbuild, a dev dependency, is not installed); /playground and /admin will not be served",
  );
writeStamp(startedAtMs);
