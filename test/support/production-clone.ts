import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import path from "node:path";
import { ROOT } from "./build";
import type { RunningProcess } from "./child-process";

// A clean clone of the committed HEAD, installed the way an operator installs it, and processes started in it.

const run = promisify(execFile);
const TEN_MINUTES_MS = 600_000;

export interface CommandResult {
  output: string;
  seconds: number;
}

/** Clones this repository's committed HEAD (not the work tree's uncommitted changes) into `dir`. */
export async function cloneCommittedHead(dir: string): Promise<string> {
  const { stdout } = await run("git", ["-C", ROOT, "rev-parse", "HEAD"]);
  const commit = stdout.trim();
  await run("git", ["clone", "--quiet", "--no-checkout", ROOT, dir]);
  await run("git", ["-C", dir, "checkout", "--quiet", "--detach", commit]);
  return commit;
}

/**
 * Runs npm in the clone as an operator's shell would: without Jest's NODE_ENV=test (npm ci skips dev dependencies
 * under NODE_ENV=production, and the app reads it) and without the npm_* variables of an `npm test` around Jest.
 */
export async function npm(dir: string, args: string[]): Promise<CommandResult> {
  return timed(run("npm", args, { cwd: dir, env: operatorEnv(), maxBuffer: 64 * 1024 * 1024, timeout: TEN_MINUTES_MS }));
}

/** Runs `node <script>` in the clone; resolves with its exit code and output instead of throwing. */
export async function node(dir: string, script: string): Promise<CommandResult & { code: number }> {
  const started = Date.now();
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(dir, script)], { cwd: dir, env: operatorEnv() });
    return { code: 0, output: stdout + stderr, seconds: (Date.now() - started) / 1000 };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, output: `${failed.stdout ?? ""}${failed.stderr ?? ""}`, seconds: (Date.now() - started) / 1000 };
  }
}

export type StartedProcess = RunningProcess & { stop: () => void; kill: () => void };

/**
 * Starts `command` in the clone as the leader of its own process group, so stop() reaches `npm start`'s children too.
 * The environment is only what is given (plus PATH and HOME, which npm needs).
 */
export function startInClone(dir: string, command: string[], env: Record<string, string>): StartedProcess {
  const [file = "", ...args] = command;
  const child = spawn(file, args, {
    cwd: dir,
    env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  // "close", not "exit": npm may exit before the platform it started has written its last lines to the shared pipes.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal })),
  );
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    stop: () => signalGroup("SIGTERM"),
    kill: () => signalGroup("SIGKILL"),
  };
}

function operatorEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name === "NODE_ENV" || name.toLowerCase().startsWith("npm_")) continue;
    env[name] = value;
  }
  return env;
}

async function timed(command: Promise<{ stdout: string; stderr: string }>): Promise<CommandResult> {
  const started = Date.now();
  const { stdout, stderr } = await command;
  return { output: stdout + stderr, seconds: (Date.now() - started) / 1000 };
}
