import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmdirSync, statSync } from "node:fs";
import path from "node:path";

export const ROOT = path.join(__dirname, "..", "..");
const LOCK = path.join(ROOT, "dist", ".build-lock");

/**
 * Compiles src/ into dist/ when any source is newer than the compiled entry point, so tests that run the platform
 * as a real process run today's code. Jest workers build one at a time (a lock folder); the others wait.
 */
export async function ensureBuilt(): Promise<void> {
  if (!isStale()) return;
  mkdirSync(path.dirname(LOCK), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // A lock left by a killed test run is broken after two minutes (a build takes about ten seconds).
      const heldSince = statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs;
      if (heldSince !== undefined && Date.now() - heldSince > 120_000) rmdirSync(LOCK);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    if (!isStale()) return;
    const tsc = require.resolve("typescript/bin/tsc");
    const build = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: ROOT, encoding: "utf8" });
    if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}${build.stderr}`);
  } finally {
    rmdirSync(LOCK);
  }
}

function isStale(): boolean {
  let built: number;
  try {
    built = statSync(path.join(ROOT, "dist", "main.js")).mtimeMs;
  } catch {
    return true;
  }
  return newestSource(path.join(ROOT, "src")) > built;
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}
