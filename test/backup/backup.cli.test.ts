import { spawnSync } from "node:child_process";
import { readFile, truncate, writeFile } from "node:fs/promises";
import path from "node:path";
import { ensureBuilt, ROOT } from "../support/build";
import { killStartedProcesses, listeningLine, startProcess, MAIN } from "../support/child-process";
import { makeTempDir, rewriteBackup } from "./backup-support";

// Every test runs the CLI (and one the platform) as processes; a busy CI machine needs more than the default 30 s.
jest.setTimeout(120_000);

// The compiled CLI as a real process, on the embedded engine persisted in a temporary DATA_DIR.
const CLI = path.join(ROOT, "dist", "cli", "main.js");

interface Manifest {
  collections: Record<string, { count: number; sha256: string; indexes: number }>;
  consistency: { method: string };
}

let temp: { dir: string; remove(): Promise<void> };
let dataDir: string;
let good: string;
let goodManifest: Manifest;

function cli(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { PATH: process.env["PATH"] ?? "", DATA_DIR: dataDir, LOG_LEVEL: "warn", ...env },
    encoding: "utf8",
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function json<T>(args: string[], env: Record<string, string> = {}): T {
  const result = cli(["--json", ...args], env);
  if (result.status !== 0) throw new Error(`${args.join(" ")} exited ${result.status}: ${result.stdout}${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

const collectionCounts = (env: Record<string, string> = {}): Record<string, number> =>
  json<{ collections: Record<string, number> }>(["setup", "test"], env).collections;

beforeAll(async () => {
  await ensureBuilt();
  temp = await makeTempDir();
  dataDir = path.join(temp.dir, "data");
  expect(cli(["setup", "sample"]).status).toBe(0);
  good = path.join(temp.dir, "good.ejson.gz");
  goodManifest = json<{ manifest: Manifest }>(["backup", "create", "--out", good]).manifest;
}, 60_000);

afterAll(async () => {
  killStartedProcesses();
  await temp.remove();
});

describe("platform backup (the CLI as a process)", () => {
  it("create, verify and restore: a backup of the restored database has the same counts and hashes", () => {
    expect(goodManifest.consistency).toEqual({ method: "single-read" });
    expect(goodManifest.collections).toMatchObject({ customers: { count: 4 }, licenses: { count: 4 }, plans: { count: 4 } });

    const verified = cli(["backup", "verify", good]);
    expect(verified.status).toBe(0);
    expect(verified.stdout).toContain(`${good} is a sound backup: format 1`);
    expect(verified.stdout).toMatch(/^ {2}licenses +4 documents {2}8 indexes {2}sha256 [0-9a-f]{16}…$/m);

    const copy = { MONGODB_DATABASE: "restored_copy" };
    const restored = cli(["backup", "restore", good], copy);
    expect(restored.status).toBe(0);
    expect(restored.stdout).toContain("counts and SHA-256 hashes checked, indexes recreated");

    const again = json<{ manifest: Manifest }>(["backup", "create", "--out", path.join(temp.dir, "again.ejson.gz")], copy);
    expect(again.manifest.collections).toEqual(goodManifest.collections);
  });

  it("refuses to restore into a database that is not empty, changing nothing; --drop replaces it", () => {
    const before = collectionCounts();
    const refused = cli(["backup", "restore", good]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^Error: the database "chatello_saas" is not empty \(\d+ collections, \d+ documents\): .+--drop.+\n$/);
    expect(collectionCounts()).toEqual(before);

    expect(cli(["license:issue", "--email", "late@example.com", "--plan", "pro"]).status).toBe(0);
    expect(collectionCounts().licenses).toBe(5);
    const replaced = json<{ dropped: string[]; documents: number }>(["backup", "restore", good, "--drop"]);
    expect(replaced.dropped).toContain("licenses");
    expect(collectionCounts().licenses).toBe(4);
  });

  it("names a truncated, corrupted or newer file in one line, exits 1, and restores nothing from it", async () => {
    const truncated = path.join(temp.dir, "truncated.ejson.gz");
    await writeFile(truncated, await readFile(good));
    await truncate(truncated, Math.floor((await readFile(good)).length * 0.6));
    const flipped = path.join(temp.dir, "flipped.ejson.gz");
    const bytes = await readFile(good);
    bytes[bytes.length - 6] ^= 0x01;
    await writeFile(flipped, bytes);
    const newer = path.join(temp.dir, "newer.ejson.gz");
    await rewriteBackup(good, newer, (lines) => lines.map((line) => line.replace('"formatVersion":1', '"formatVersion":2')));

    const before = collectionCounts();
    for (const [file, problem] of [
      [truncated, "is truncated: the compressed data ends early"],
      [flipped, "is corrupted: the compressed data is damaged (incorrect data check)"],
      [newer, "is in backup format 2"],
    ] as const) {
      const verified = cli(["backup", "verify", file]);
      expect(verified.status).toBe(1);
      expect(verified.stderr.split("\n")).toEqual([expect.stringContaining(`Error: ${file} ${problem}`), ""]);

      const restored = cli(["--json", "backup", "restore", file, "--drop"]);
      expect(restored.status).toBe(1);
      expect(JSON.parse(restored.stdout)).toEqual({ ok: false, error: expect.stringContaining(`${file} ${problem}`) });
      expect(collectionCounts()).toEqual(before);
    }
  });

  it("never replaces an existing file", async () => {
    const existing = path.join(temp.dir, "existing.ejson.gz");
    await writeFile(existing, "precious");
    const result = cli(["backup", "create", "--out", existing]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`Error: ${existing} already exists: choose another name (a backup never replaces a file)\n`);
    expect(await readFile(existing, "utf8")).toBe("precious");
  });

  it("works against the embedded engine of a running platform (the CLI attaches to it)", async () => {
    const platform = startProcess([MAIN], {
      DATA_DIR: dataDir,
      PORT: "0",
      LOG_LEVEL: "info",
      NODE_ENV: "test",
      PATH: process.env["PATH"] ?? "",
    });
    await listeningLine(platform);
    const live = path.join(temp.dir, "live.ejson.gz");
    const created = json<{ manifest: Manifest }>(["backup", "create", "--out", live]);
    expect(created.manifest.collections["licenses"]?.count).toBe(4);
    expect(cli(["backup", "verify", live]).status).toBe(0);
    // Restoring into another database of the same running engine.
    expect(json<{ documents: number }>(["backup", "restore", live], { MONGODB_DATABASE: "live_copy" }).documents).toBeGreaterThan(0);
    platform.child.kill("SIGTERM");
    await platform.exited;
  });
});
