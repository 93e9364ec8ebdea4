import { spawn } from "node:child_process";
import path from "node:path";
import type { MigrationReport } from "../../src/migration/migration.report";
import { ROOT } from "../support/build";
import { TEST_APP_SECRET } from "../support/platform";

/** The compiled CLI, run as operators run it (each test file calls ensureBuilt first). */
export const CLI = path.join(ROOT, "dist", "cli", "main.js");

/** The CLI's environment: the platform's data in `dataDir`, the test secret, nothing inherited but PATH. */
export const cliEnv = (dataDir: string): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH ?? "",
  DATA_DIR: dataDir,
  APP_SECRET: TEST_APP_SECRET,
  LOG_LEVEL: "warn",
});

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI without blocking this process: a source served from this process (the v2 tests' embedded engine)
 * must keep answering while the CLI reads it.
 */
export function cliAsync(dataDir: string, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: cliEnv(dataDir), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * The --json document. The CLI's logger also writes to stdout (one pino line when the engine takes over the lock of a
 * killed run), so the report is the pretty-printed document that starts on a line of its own.
 */
export function jsonReport(result: { stdout: string }): MigrationReport & { ok: boolean } {
  const start = result.stdout.startsWith("{\n") ? 0 : result.stdout.indexOf("\n{\n") + 1;
  try {
    return JSON.parse(result.stdout.slice(start)) as MigrationReport & { ok: boolean };
  } catch {
    throw new Error(`no JSON report in:\n${result.stdout}`);
  }
}
