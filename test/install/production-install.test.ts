import { existsSync } from "node:fs";
import { mkdtemp, readFile, rename, rm, stat, utimes } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { waitFor, waitForExit } from "../support/child-process";
import { cloneCommittedHead, node, npm, startInClone, type CommandResult, type StartedProcess } from "../support/production-clone";

// Slow but real (a few minutes, most of it `npm ci` and the build): the README's production install, done for real
// in a clean clone of the committed HEAD: `npm ci && npm run build && npm prune --omit=dev`, then the platform started
// from dist/ with NODE_ENV=production, with none of the build tools left in node_modules.

const SECRET = "production-secret-0123456789abcdef0123456789";
const LISTENING = /Chatello platform listening on (http:\/\/127\.0\.0\.1:\d+)/;
const BOOT_TIMEOUT_MS = 60_000;
// /work/shared/design/stack.md, "Install-time warnings": they declare node >=22 and come with @graphql-codegen/cli
// (a dev dependency); only promise-helpers is also reached at run time, and it feature-detects what it uses.
const KNOWN_ENGINE_WARNINGS = [
  "@whatwg-node/disposablestack",
  "@whatwg-node/fetch",
  "@whatwg-node/node-fetch",
  "@whatwg-node/promise-helpers",
  "listr2",
  "sync-fetch",
];

let work: string;
let repo: string;
let dataDir: string;
let install: CommandResult;
const started: StartedProcess[] = [];

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "chatello-install-"));
  repo = path.join(work, "repo");
  dataDir = path.join(work, "data");
  const commit = await cloneCommittedHead(repo);
  install = await npm(repo, ["ci", "--prefer-offline", "--no-audit", "--no-fund"]);
  const build = await npm(repo, ["run", "build"]);
  const prune = await npm(repo, ["prune", "--omit=dev", "--no-audit", "--no-fund"]);
  console.log(
    `production install of ${commit.slice(0, 7)}: npm ci ${install.seconds} s, npm run build ${build.seconds} s, npm prune --omit=dev ${prune.seconds} s`,
  );
}, 1_200_000);

afterAll(async () => {
  for (const running of started) running.kill();
  if (work) await rm(work, { recursive: true, force: true });
});

function startPlatform(command: string[], extraEnv: Record<string, string> = {}): StartedProcess {
  const running = startInClone(repo, command, {
    NODE_ENV: "production",
    APP_SECRET: SECRET,
    DATA_DIR: dataDir,
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "info",
    ...extraEnv,
  });
  started.push(running);
  return running;
}

async function listening(running: StartedProcess): Promise<string> {
  return waitFor("listening line", running, () => LISTENING.exec(running.stdout())?.[1], BOOT_TIMEOUT_MS);
}

async function stopped(running: StartedProcess): Promise<void> {
  running.stop();
  await waitForExit(running, 20_000);
  expect(running.stdout()).toContain("stopped: database journal flushed");
}

async function status(baseUrl: string, route: string): Promise<number> {
  return (await fetch(`${baseUrl}${route}`)).status;
}

test("npm ci on Node 20 warns about engines only for the known dev-only packages", () => {
  const warned = new Set([...install.output.matchAll(/EBADENGINE\s+package: '(@?[^@']+)@/g)].map((match) => match[1]));
  expect([...warned].filter((name) => name === undefined || !KNOWN_ENGINE_WARNINGS.includes(name))).toEqual([]);
});

test("after npm prune --omit=dev the build tools are gone and dist/ holds a stamped build", () => {
  expect(existsSync(path.join(repo, "node_modules", "typescript"))).toBe(false);
  expect(existsSync(path.join(repo, "node_modules", "esbuild"))).toBe(false);
  expect(existsSync(path.join(repo, "dist", "main.js"))).toBe(true);
  expect(existsSync(path.join(repo, "dist", ".build-stamp"))).toBe(true);
});

test("the build leaves package.json's bin executable (npx reuses a cached link to it; the shell needs the x bit)", async () => {
  const { mode } = await stat(path.join(repo, "dist", "cli", "main.js"));
  expect(mode & 0o111).toBe(0o111);
});

test(
  "NODE_ENV=production node dist/main.js starts on the embedded engine, answers /api/health, serves no playground",
  async () => {
    const platform = startPlatform([process.execPath, "dist/main.js"]);
    const baseUrl = await listening(platform);
    const health = await fetch(`${baseUrl}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "healthy", database: { engine: "embedded", connection: "active" } });
    expect(await status(baseUrl, "/playground/")).toBe(404);
    await stopped(platform);
  },
  BOOT_TIMEOUT_MS + 30_000,
);

test(
  "npm start with a current dist/ does not rebuild",
  async () => {
    const stamp = path.join(repo, "dist", ".build-stamp");
    const stampBefore = await readFile(stamp, "utf8");
    const mainBefore = (await stat(path.join(repo, "dist", "main.js"))).mtimeMs;

    const check = await node(repo, "scripts/build-if-stale.mjs");
    expect(check).toMatchObject({ code: 0, output: "" });

    const startedAt = Date.now();
    const platform = startPlatform(["npm", "start"]);
    const baseUrl = await listening(platform);
    const seconds = (Date.now() - startedAt) / 1000;
    expect(await status(baseUrl, "/api/health")).toBe(200);
    console.log(`build-if-stale check alone: ${check.seconds} s; npm start with a current dist/ to listening: ${seconds} s`);

    expect(platform.stdout() + platform.stderr()).not.toContain("building");
    expect(await readFile(stamp, "utf8")).toBe(stampBefore);
    expect((await stat(path.join(repo, "dist", "main.js"))).mtimeMs).toBe(mainBefore);
    await stopped(platform);
  },
  BOOT_TIMEOUT_MS + 30_000,
);

test(
  "PLAYGROUND=1 and LOG_PRETTY=1 without their dev-only parts (no playground bundle, no pino-pretty) start, with a warning each",
  async () => {
    const bundle = path.join(repo, "dist", "playground", "public");
    await rename(bundle, `${bundle}.aside`);
    try {
      const platform = startPlatform([process.execPath, "dist/main.js"], { PLAYGROUND: "1", LOG_PRETTY: "1" });
      const baseUrl = await listening(platform);
      expect(await status(baseUrl, "/api/health")).toBe(200);
      expect(await status(baseUrl, "/playground/")).toBe(404);
      expect(platform.stdout()).toContain("GraphQL playground bundle not found");
      expect(platform.stdout()).toContain("LOG_PRETTY=1 ignored: pino-pretty (a dev dependency) is not installed");
      await stopped(platform);
    } finally {
      await rename(`${bundle}.aside`, bundle);
    }
  },
  BOOT_TIMEOUT_MS + 30_000,
);

test("a source newer than dist/ without the build tools: npm start refuses in one line naming the install commands", async () => {
  const source = path.join(repo, "src", "version.ts");
  const before = await stat(source);
  await utimes(source, before.atime, new Date());
  try {
    const check = await node(repo, "scripts/build-if-stale.mjs");
    expect(check.code).toBe(1);
    expect(check.output).toBe(
      "Cannot run dist/: src/version.ts changed after the last build, and the build tools (dev dependencies) are not installed; " +
        "run: npm ci && npm run build && npm prune --omit=dev\n",
    );

    const platform = startPlatform(["npm", "start"]);
    expect((await waitForExit(platform, 30_000)).code).not.toBe(0);
    expect(platform.stdout()).not.toMatch(LISTENING);
  } finally {
    await utimes(source, before.atime, before.mtime);
  }
}, 60_000);
