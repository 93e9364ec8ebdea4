// Durability of the embedded engine with a data folder: acknowledged writes survive SIGKILL, a data folder has
// one owner, and the `db:embedded` CLI serves and keeps data. Runs the built engine (dist/) in child processes,
// so `npm run build` (or `npx tsc -p tsconfig.build.json`) must have run. Embedded only.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { MongoClient } from "mongodb";
import { DataDirLockedError, startEmbeddedMongo } from "../../../../src/db/embedded";
import { ensureBuilt } from "../../../support/build";
import { IS_EMBEDDED, REPO_ROOT, serverError, testEmbeddedOnly } from "../../../support/engine-target";

const DIST_INDEX = path.join(REPO_ROOT, "dist/db/embedded/index.js");
const DIST_CLI = path.join(REPO_ROOT, "dist/db/embedded/cli.js");
const embeddedOnly = testEmbeddedOnly("durability is a property of the embedded engine's data folder (MONGODB_URI is set)");

const CHILD = `
  const { startEmbeddedMongo } = require(process.argv[1]);
  startEmbeddedMongo({ dataDir: process.argv[2], port: 0 }).then(
    (m) => process.stdout.write(JSON.stringify({ uri: m.uri }) + "\\n"),
    (e) => { process.stdout.write(JSON.stringify({ error: e.name, message: e.message }) + "\\n"); process.exit(3); },
  );`;

const dirs: string[] = [];
const children = new Set<ChildProcess>();

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "conformance-durability-"));
  dirs.push(dir);
  return dir;
}

/** Spawns a process and resolves with the first stdout line matching `pattern` (its first group). */
function spawnUntil(args: string[], pattern: RegExp): Promise<{ child: ChildProcess; match: string }> {
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  child.on("exit", () => children.delete(child));
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`child did not print ${pattern} within 15 s; stdout: ${out}; stderr: ${err}`)), 15_000);
    child.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const found = pattern.exec(out);
      if (found) {
        clearTimeout(timer);
        resolve({ child, match: found[1] });
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`child exited with ${code} before printing ${pattern}; stdout: ${out}; stderr: ${err}`));
    });
  });
}

async function startChildEngine(dataDir: string): Promise<{ child: ChildProcess; uri: string }> {
  const { child, match } = await spawnUntil(["-e", CHILD, DIST_INDEX, dataDir], /^(\{.*\})\n/m);
  const parsed = JSON.parse(match) as { uri?: string; error?: string; message?: string };
  if (!parsed.uri) throw new Error(`child engine failed: ${parsed.error}: ${parsed.message}`);
  return { child, uri: parsed.uri };
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

/** The first engine source file newer than its build output (the child processes would run stale code). */
beforeAll(async () => {
  if (!IS_EMBEDDED) return; // every test here is skipped
  await ensureBuilt();
}, 120_000);
afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await Promise.all([...children].map(exited));
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe("durability (embedded engine with a data folder)", () => {
  embeddedOnly(
    "300 acknowledged writes survive SIGKILL; the unique index is still enforced after restart",
    async () => {
      const dataDir = tempDir();
      const first = await startChildEngine(dataDir);
      const client = await new MongoClient(first.uri, { serverSelectionTimeoutMS: 5_000 }).connect();
      const c = client.db("durable").collection("writes");
      await c.createIndex({ k: 1 }, { unique: true });
      for (let i = 0; i < 300; i++) {
        const result = await c.insertOne({ k: i, v: i * 2 });
        expect(result.acknowledged).toBe(true);
      }
      await c.updateMany({ k: { $lt: 10 } }, { $inc: { v: 1000 } });
      await c.deleteOne({ k: 299 });
      first.child.kill("SIGKILL");
      expect(await exited(first.child)).toMatchObject({ signal: "SIGKILL" });
      await client.close();

      const second = await startChildEngine(dataDir);
      const reader = await new MongoClient(second.uri, { serverSelectionTimeoutMS: 5_000 }).connect();
      try {
        const r = reader.db("durable").collection("writes");
        expect(await r.countDocuments()).toBe(299);
        const docs = await r.find({}, { sort: { k: 1 } }).toArray();
        expect(docs.map((d) => d.k)).toEqual(Array.from({ length: 299 }, (_, i) => i));
        expect(docs.reduce((sum, d) => sum + (d.v as number), 0)).toBe(2 * ((298 * 299) / 2) + 10 * 1000);
        expect(await serverError(r.insertOne({ k: 5 }))).toMatchObject({ code: 11000, keyPattern: { k: 1 }, keyValue: { k: 5 } });
        expect((await r.listIndexes().toArray()).map((i) => i.name).sort()).toEqual(["_id_", "k_1"]);
      } finally {
        await reader.close();
        second.child.kill("SIGKILL");
        await exited(second.child);
      }
    },
    30_000,
  );

  embeddedOnly(
    "a second engine on a data folder in use fails with DataDirLockedError naming the owner",
    async () => {
      const dataDir = tempDir();
      const owner = await startChildEngine(dataDir);
      try {
        const error: unknown = await startEmbeddedMongo({ dataDir, port: 0 }).then(
          async (unexpected) => {
            await unexpected.stop();
            return undefined;
          },
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(DataDirLockedError);
        expect(error).toMatchObject({ ownerPid: owner.child.pid, ownerUri: owner.uri });
        // A second child process is refused the same way.
        await expect(startChildEngine(dataDir)).rejects.toThrow(/DataDirLockedError/);
      } finally {
        owner.child.kill("SIGKILL");
        await exited(owner.child);
      }
    },
    30_000,
  );

  const cliExists = fs.existsSync(path.join(REPO_ROOT, "src/db/embedded/cli.ts"));
  (cliExists ? embeddedOnly : test.skip)(
    "the db:embedded CLI serves the URI it prints, and keeps data across SIGTERM and restart",
    async () => {
      const dataDir = tempDir();
      const startCli = (): Promise<{ child: ChildProcess; match: string }> =>
        spawnUntil([DIST_CLI, "--port", "0", "--data", dataDir, "--log-level", "silent"], /listening at (mongodb:\/\/\S+)/);
      const first = await startCli();
      const client = await new MongoClient(first.match, { serverSelectionTimeoutMS: 5_000 }).connect();
      await client.db("cli").collection("notes").insertOne({ text: "kept" });
      await client.close();
      first.child.kill("SIGTERM");
      expect(await exited(first.child)).toMatchObject({ code: 0 });

      const second = await startCli();
      const reader = await new MongoClient(second.match, { serverSelectionTimeoutMS: 5_000 }).connect();
      try {
        expect((await reader.db("cli").collection("notes").findOne({}))?.text).toBe("kept");
      } finally {
        await reader.close();
        second.child.kill("SIGTERM");
        expect(await exited(second.child)).toMatchObject({ code: 0 });
      }
    },
    30_000,
  );
});
