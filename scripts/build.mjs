// `npm run build`: compiles src/ into dist/ (tsc), builds the offline playground (esbuild), then stamps dist/ with the
// time the build started (see build-stamp.mjs). Needs the dev dependencies.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { isInstalled, ROOT, writeStamp } from "./build-stamp.mjs";

const startedAtMs = Date.now();

function run(script, ...args) {
  const result = spawnSync(process.execPath, [script, ...args], { cwd: ROOT, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run(path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json");
// The playground is a development aid (off in production): without esbuild the platform still builds and starts.
if (isInstalled("esbuild")) run(path.join(ROOT, "src", "playground", "build.mjs"));
else console.warn("playground: not built (esbuild, a dev dependency, is not installed); /playground will not be served");
writeStamp(startedAtMs);
