import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { CLI, cliEnv, jsonOf, runProgram } from "../support/cli-process";
import { ROOT } from "../support/build";
import { startSharedDatabase, type SharedDatabase } from "../support/platform-process";

/**
 * How the README says to run the CLI, run literally: `npm run --silent cli -- …` and `npx platform …` each print
 * one JSON document with --json (npm's own "> chatello-platform@… cli" banner would not parse), whatever is logged.
 */
jest.setTimeout(180_000);

let shared: SharedDatabase;

beforeAll(async () => {
  shared = await startSharedDatabase();
}, 60_000);

afterAll(async () => {
  await shared?.stop();
});

const VERSION = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }).version;

test("--version prints the platform version (as JSON with --json)", async () => {
  const text = await runProgram(process.execPath, [CLI, "--version"], {});
  expect(text).toEqual({ status: 0, stdout: `${VERSION}\n`, stderr: "" });
  const json = await runProgram(process.execPath, [CLI, "--json", "--version"], {});
  expect(jsonOf(json)).toEqual({ ok: true, version: VERSION });
});

test("npm run --silent cli -- --json … and npx platform --json … print one parseable document", async () => {
  const env = cliEnv(shared);
  const viaNpm = await runProgram("npm", ["run", "--silent", "cli", "--", "--json", "setup", "test"], env);
  expect(viaNpm.status).toBe(0);
  expect(jsonOf<{ ok: boolean; plans: string[] }>(viaNpm)).toMatchObject({ ok: true, plans: ["starter", "pro", "agency", "founders"] });

  const viaNpx = await runProgram("npx", ["platform", "--json", "customer:find", "nobody@nowhere"], env);
  // stderr shown only on failure: npm may add an update notice there.
  expect({ status: viaNpx.status, stderr: viaNpx.status === 0 ? "" : viaNpx.stderr }).toEqual({ status: 0, stderr: "" });
  expect(jsonOf(viaNpx)).toEqual({ ok: true, customers: [], more: false });

  // Why the README says --silent: without it npm prints its banner on stdout, before the document.
  const loud = await runProgram("npm", ["run", "cli", "--", "--json", "--version"], env);
  expect(loud.stdout).toMatch(/^\s*> chatello-platform@/);
});

test("with --json, logs go to stderr even at LOG_LEVEL=debug, and errors (usage errors too) are JSON on stdout", async () => {
  // The CLI's own embedded engine (a fresh data folder) logs as it opens its files: to stderr, not into the JSON.
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "chatello-cli-json-"));
  try {
    const debug = await runProgram(process.execPath, [CLI, "--json", "admin:token", "list"], { DATA_DIR: dataDir, LOG_LEVEL: "debug" });
    expect(debug.status).toBe(0);
    expect(jsonOf(debug)).toEqual({ ok: true, tokens: [] });
    expect(debug.stderr).toContain('"msg":"opened the data folder"');
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }

  const unknownCommand = await runProgram(process.execPath, [CLI, "--json", "licence:show", "x"], cliEnv(shared));
  expect(unknownCommand.status).toBe(1);
  expect(jsonOf(unknownCommand)).toMatchObject({ ok: false, error: expect.stringContaining("unknown command 'licence:show'") as unknown });
  expect(unknownCommand.stderr).toBe("");

  const missingArgument = await runProgram(process.execPath, [CLI, "license:show", "--json"], cliEnv(shared));
  expect(jsonOf(missingArgument)).toEqual({ ok: false, error: "missing required argument 'key-or-id'" });
});

test("every command's help has examples", async () => {
  const commands = [
    ["admin:token", "create"],
    ["admin:token", "list"],
    ["admin:token", "revoke"],
    ["license:issue"],
    ["license:show"],
    ["license:suspend"],
    ["license:reactivate"],
    ["license:cancel"],
    ["license:rotate"],
    ["customer:find"],
  ];
  const helps = await Promise.all(commands.map((command) => runProgram(process.execPath, [CLI, ...command, "--help"], {})));
  helps.forEach((help, i) => {
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Examples:");
    expect(help.stdout).toContain(`$ platform ${commands[i]?.join(" ") ?? ""}`);
  });
});
