// One owner per data folder, even when mongod.lock is deleted while the owner runs; no stale refusal after kill -9.
// Real processes: the db:embedded CLI runs in children, as an operator would start it.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { MongoClient } from "mongodb";
import { startEmbeddedMongo } from "../../../src/db/embedded";
import { DataDirectory, type PersistenceLogger } from "../../../src/db/embedded/persistence";
import { exited, killAllClis, operatorLines, startCli, startListeningCli, transpileEngine, waitFor } from "../../support/engine-child";

// The lock socket lives in Linux's abstract namespace; elsewhere mongod.lock is the only lock, as before.
const linuxOnly = process.platform === "linux" ? it : it.skip;

const roots: string[] = [];
const clients: MongoClient[] = [];
const docs = (client: MongoClient) => client.db("app").collection<{ _id: number; v: string }>("docs");
let cli: string;

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "chatello-owner-"));
  roots.push(dir);
  return dir;
}

async function connect(uri: string): Promise<MongoClient> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  clients.push(client);
  return client.connect();
}

/** Inserts one document at a time and returns the _ids the engine acknowledged. */
async function insertAcknowledged(client: MongoClient, from: number, count: number): Promise<number[]> {
  const acked: number[] = [];
  for (let i = from; i < from + count; i++) {
    const result = await docs(client).insertOne({ _id: i, v: `value ${i}` });
    if (result.acknowledged) acked.push(i);
  }
  return acked;
}

/** Opens the folder in this process and returns the _ids stored in app.docs. */
async function storedIds(dataDir: string): Promise<number[]> {
  const engine = await startEmbeddedMongo({ dataDir });
  try {
    const client = await connect(engine.uri);
    const stored = await docs(client)
      .find({}, { sort: { _id: 1 } })
      .toArray();
    await client.close();
    return stored.map((d) => d._id);
  } finally {
    await engine.stop();
  }
}

const lockFile = (dir: string): string => path.join(dir, "mongod.lock");
const readLock = (dir: string): { pid?: number; uri?: string } | null =>
  fs.existsSync(lockFile(dir)) ? (JSON.parse(fs.readFileSync(lockFile(dir), "utf8")) as { pid?: number; uri?: string }) : null;

beforeAll(() => {
  cli = transpileEngine(path.join(tempDir(), "engine"));
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await killAllClis();
  for (const dir of roots) fs.rmSync(dir, { recursive: true, force: true });
});

describe("ownership of a data folder (real processes)", () => {
  linuxOnly(
    "refuses a second engine after mongod.lock was deleted, in one line, and loses no acknowledged write",
    async () => {
      const dataDir = path.join(tempDir(), "data");
      const owner = await startListeningCli(cli, dataDir);
      const client = await connect(owner.uri);
      const before = await insertAcknowledged(client, 0, 100);
      fs.rmSync(lockFile(dataDir));

      // Also through another path to the same folder: the lock follows the folder, not the path.
      const alias = path.join(tempDir(), "alias");
      fs.symlinkSync(dataDir, alias);
      for (const opened of [dataDir, alias]) {
        const second = await startCli(cli, opened);
        if (second.kind === "listening") {
          second.child.kill("SIGKILL");
          throw new Error(`a second engine opened ${opened} while process ${owner.child.pid} owns it`);
        }
        expect(second.code).toBe(1);
        const lines = operatorLines(second.stderr);
        expect(lines).toEqual([
          `Cannot start: Data folder ${opened} is in use by process ${owner.child.pid} (engine at ${owner.uri}): ` +
            `stop the other process (pid ${owner.child.pid}) first, or connect to ${owner.uri} instead; ` +
            "deleting mongod.lock does not release the folder.",
        ]);
      }

      const after = await insertAcknowledged(client, 100, 100);
      // Tools find the engine through mongod.lock, so the owner writes it again.
      await waitFor("the owner wrote mongod.lock again", () => readLock(dataDir) !== null);
      expect(readLock(dataDir)).toMatchObject({ pid: owner.child.pid, uri: owner.uri });
      await client.close();
      owner.child.kill("SIGTERM");
      expect(await exited(owner.child)).toEqual({ code: 0, signal: null });

      expect(await storedIds(dataDir)).toEqual([...before, ...after]);
    },
    90_000,
  );

  it("opens the folder again after the owner was killed with kill -9, keeping its acknowledged writes", async () => {
    const dataDir = path.join(tempDir(), "data");
    const first = await startListeningCli(cli, dataDir);
    const acked = await insertAcknowledged(await connect(first.uri), 0, 50);
    first.child.kill("SIGKILL");
    expect(await exited(first.child)).toEqual({ code: null, signal: "SIGKILL" });
    expect(readLock(dataDir)).toMatchObject({ pid: first.child.pid }); // left behind, as after any crash

    const second = await startListeningCli(cli, dataDir);
    expect(readLock(dataDir)).toMatchObject({ pid: second.child.pid, uri: second.uri });
    const stored = await docs(await connect(second.uri))
      .find({}, { sort: { _id: 1 } })
      .toArray();
    expect(stored.map((d) => d._id)).toEqual(acked);
    second.child.kill("SIGTERM");
    expect(await exited(second.child)).toEqual({ code: 0, signal: null });
  }, 90_000);
});

describe("ownership of a data folder (in process)", () => {
  const logger = (): PersistenceLogger & { warnings: string[] } => {
    const warnings: string[] = [];
    return { warnings, info: () => undefined, warn: (_obj, msg) => void warnings.push(msg) };
  };

  linuxOnly(
    "takes over a lock file naming this very process (a killed engine whose pid was reused, e.g. pid 1 in a container)",
    async () => {
      const dataDir = tempDir();
      const leftBehind = { pid: process.pid, uri: "mongodb://127.0.0.1:1/", startedAt: new Date(0).toISOString() };
      fs.writeFileSync(lockFile(dataDir), JSON.stringify(leftBehind));

      const log = logger();
      const opened = await DataDirectory.open(dataDir, { logger: log });
      try {
        expect(log.warnings).toEqual(["taking over the lock of a data folder whose owner is gone"]);
        expect(readLock(dataDir)).toMatchObject({ pid: process.pid });
        expect(readLock(dataDir)).not.toHaveProperty("uri");
      } finally {
        await opened.close();
      }
    },
  );

  it("writes mongod.lock again when it is deleted while the folder is open, and removes it on close", async () => {
    const dataDir = tempDir();
    const log = logger();
    const opened = await DataDirectory.open(dataDir, { logger: log, lockRecheckMs: 20 });
    await opened.recordAddress("mongodb://127.0.0.1:27999/");
    fs.rmSync(lockFile(dataDir));
    await waitFor("mongod.lock is back", () => readLock(dataDir) !== null);
    expect(readLock(dataDir)).toMatchObject({ pid: process.pid, uri: "mongodb://127.0.0.1:27999/" });
    expect(log.warnings).toContain("mongod.lock was deleted while the engine runs; wrote it again");
    await opened.close();
    expect(fs.existsSync(lockFile(dataDir))).toBe(false);
  });
});
