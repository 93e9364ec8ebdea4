import { spawn } from "node:child_process";
import path from "node:path";
import { ROOT } from "./build";
import { TEST_APP_SECRET } from "./platform";
import type { SharedDatabase } from "./platform-process";

export const CLI = path.join(ROOT, "dist", "cli", "main.js");

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program to its end without blocking this process: the database the CLI talks to may be an engine served
 * from this very process (spawnSync would stall it). Only PATH and HOME are inherited (npm needs HOME).
 */
export function runProgram(command: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** The environment that points the CLI at a shared test database, as an operator's environment would. */
export function cliEnv(shared: SharedDatabase, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: "test",
    APP_SECRET: TEST_APP_SECRET,
    MONGODB_URI: shared.engine.uri,
    MONGODB_DATABASE: shared.db.connection.name,
    LOG_LEVEL: "warn",
    ...extra,
  };
}

/** `node dist/cli/main.js <args>` against the shared database. */
export function cliOn(shared: SharedDatabase): (...args: string[]) => Promise<CliResult> {
  return (...args) => runProgram(process.execPath, [CLI, ...args], cliEnv(shared));
}

/** The one JSON document a --json run printed on stdout (fails the test if there is anything else). */
export function jsonOf<T = Record<string, unknown>>(result: CliResult): T {
  return JSON.parse(result.stdout) as T;
}
