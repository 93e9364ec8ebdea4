// Runs the db:embedded CLI in child processes for tests that need real, separately killable owners of a data
// folder. The children run the current sources, transpiled into a temp folder (never a stale dist/).
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

const REPO_ROOT = path.resolve(__dirname, "../..");
const ENGINE_SOURCES = path.join(REPO_ROOT, "src/db/embedded");
const WAIT_MS = 20_000;

/** Transpiles src/db/embedded (tsconfig has isolatedModules, so file by file is exact) and returns the CLI's path. */
export function transpileEngine(outDir: string, from = ENGINE_SOURCES): string {
  fs.mkdirSync(outDir, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    if (entry.isDirectory()) transpileEngine(path.join(outDir, entry.name), source);
    else if (entry.name.endsWith(".ts")) {
      const { outputText } = ts.transpileModule(fs.readFileSync(source, "utf8"), {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      });
      fs.writeFileSync(path.join(outDir, entry.name.replace(/\.ts$/, ".js")), outputText);
    }
  }
  return path.join(outDir, "cli.js");
}

export type CliOutcome =
  | { kind: "listening"; child: ChildProcess; uri: string }
  | { kind: "exited"; code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

const running = new Set<ChildProcess>();

/** Starts the CLI on `dataDir`; resolves once it listens or once it exits, whichever comes first. */
export function startCli(cli: string, dataDir: string): Promise<CliOutcome> {
  const child = spawn(process.execPath, [cli, "--port", "0", "--data", dataDir, "--log-level", "warn"], {
    env: { ...process.env, NODE_PATH: path.join(REPO_ROOT, "node_modules") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  child.on("exit", () => running.delete(child));
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the CLI neither listened nor exited; stdout: ${stdout}; stderr: ${stderr}`)), WAIT_MS);
    child.stdout.on("data", () => {
      const found = /listening at (mongodb:\/\/\S+)/.exec(stdout);
      if (!found) return;
      clearTimeout(timer);
      resolve({ kind: "listening", child, uri: found[1] });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ kind: "exited", code, signal, stdout, stderr });
    });
  });
}

/** stderr without the engine's JSON log lines (e.g. the warning about a stale lock): what the CLI itself says. */
export const operatorLines = (stderr: string): string[] => stderr.split("\n").filter((line) => line !== "" && !line.startsWith("{"));

/** Like startCli, but the engine must start. */
export async function startListeningCli(cli: string, dataDir: string): Promise<{ child: ChildProcess; uri: string }> {
  const outcome = await startCli(cli, dataDir);
  if (outcome.kind !== "listening") throw new Error(`the CLI exited with ${outcome.code}: ${outcome.stderr}`);
  return outcome;
}

export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

/** For afterAll: no child outlives its test file. */
export async function killAllClis(): Promise<void> {
  const children = [...running];
  for (const child of children) child.kill("SIGKILL");
  await Promise.all(children.map(exited));
}

/** Polls until `condition` holds; fails after a generous timeout (for events with no notification, like a file reappearing). */
export async function waitFor(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
