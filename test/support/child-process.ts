import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { ROOT } from "./build";

export const MAIN = path.join(ROOT, "dist", "main.js");
export const ENGINE_CLI = path.join(ROOT, "dist", "db", "embedded", "cli.js");

/** A compiled entry point running as its own process, with everything it printed. */
export interface RunningProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: RunningProcess[] = [];

/** Starts `node <args>`; only PATH is inherited (Jest's NODE_ENV and a MONGODB_URI from the shell must not leak in). */
export function startProcess(args: string[], env: Record<string, string> = {}): RunningProcess {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env["PATH"] ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const running = { child, stdout: () => stdout, stderr: () => stderr, exited };
  started.push(running);
  return running;
}

/** SIGKILLs whatever a test file started and left running (for afterAll). */
export function killStartedProcesses(): void {
  for (const running of started) {
    if (running.child.exitCode === null && running.child.signalCode === null) running.child.kill("SIGKILL");
  }
}

export async function waitFor<T>(what: string, running: RunningProcess, probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = probe();
    if (found !== undefined) return found;
    if (running.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no ${what}; stdout:\n${running.stdout()}\nstderr:\n${running.stderr()}`);
}

export async function waitForExit(
  running: RunningProcess,
  timeoutMs: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`still running after ${timeoutMs} ms; stdout:\n${running.stdout()}\nstderr:\n${running.stderr()}`)),
      timeoutMs,
    );
  });
  return Promise.race([running.exited, timeout]).finally(() => clearTimeout(timer));
}

const LISTENING =
  /Chatello platform listening on (http:\/\/127\.0\.0\.1:\d+) \(database: (?:embedded at (mongodb:\/\/\S+), data in .+|MongoDB at \S+)\)/;

/**
 * Waits for the platform's one boot line and returns its address (and its embedded engine's, if any). A boot takes
 * 2–3 s on a quiet machine; the 45 s allow for a CI machine busy with other test files (a process that exits is
 * seen at once).
 */
export function listeningLine(running: RunningProcess): Promise<{ baseUrl: string; engineUri: string }> {
  return waitFor(
    "listening line",
    running,
    () => {
      const match = LISTENING.exec(running.stdout());
      return match === null ? undefined : { baseUrl: match[1] ?? "", engineUri: match[2] ?? "" };
    },
    45_000,
  );
}
