import { mkdir, readdir, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import type { Connection } from "mongoose";
import pino from "pino";
import { BackupLease } from "../../src/backup/backup.lease";
import { verifyBackup } from "../../src/backup/backup.reader";
import { pruneBackups, scheduledBackupName } from "../../src/backup/backup.retention";
import { BackupScheduler, type BackupHealth, type TickResult } from "../../src/backup/backup.scheduler";
import { buildApp } from "../../src/app";
import type { Database } from "../../src/db/connect";
import { testConfig } from "../support/platform";
import { database, makeTempDir, startTestEngine, type TestEngine } from "./backup-support";

const DAY = 86_400_000;
const silent = pino({ level: "silent" });

let engine: TestEngine;
let temp: { dir: string; remove(): Promise<void> };
let dbCounter = 0;

beforeAll(async () => {
  engine = await startTestEngine();
  temp = await makeTempDir();
});
afterAll(async () => {
  await engine.stop();
  await temp.remove();
});

/** Two connections (two instances' worth) to one fresh database with a little data, and a folder of its own. */
async function sharedDatabase(): Promise<{ connections: [Connection, Connection]; dir: string }> {
  const name = `schedule_${++dbCounter}`;
  const first = await engine.connect(name);
  await database(first)
    .collection("plans")
    .insertMany([{ name: "starter" }, { name: "pro" }]);
  return { connections: [first, await engine.connect(name)], dir: path.join(temp.dir, name) };
}

const backupFiles = async (dir: string): Promise<string[]> => (await readdir(dir)).filter((name) => name.endsWith(".ejson.gz")).sort();

describe("the backup lease", () => {
  it("lets exactly one of two instances back up each slot, however often they ask", async () => {
    const { connections, dir } = await sharedDatabase();
    let now = Date.UTC(2025, 0, 1, 0, 0, 5);
    const scheduler = (connection: Connection, owner: string, lagMs: number): BackupScheduler =>
      new BackupScheduler({
        connection,
        config: { dir, every: "24h", everyMs: DAY, keep: 100 },
        logger: silent,
        owner,
        clock: () => now + lagMs,
      });
    // The second instance's clock is 30 s ahead (less than the lease, as the lease requires of clocks).
    const [a, b] = [scheduler(connections[0], "a", 0), scheduler(connections[1], "b", 30_000)];

    for (let day = 0; day < 4; day++) {
      const results: TickResult[] = await Promise.all([a.tick(), b.tick(), a.tick(), b.tick(), b.tick()]);
      expect(results.filter((result) => result === "backed-up")).toHaveLength(1);
      expect(results.filter((result) => result === "skipped")).toHaveLength(4);
      now += DAY;
    }

    const files = await backupFiles(dir);
    expect(files).toEqual(
      [0, 1, 2, 3].map((day) => expect.stringMatching(new RegExp(`^chatello-backup-2025010${day + 1}T0000(05|35)Z\\.ejson\\.gz$`))),
    );
    for (const file of files) expect((await verifyBackup(path.join(dir, file))).manifest.collections["plans"]?.count).toBe(2);
  });

  it("frees the slot of an instance that died holding it, once its lease expires", async () => {
    const { connections, dir } = await sharedDatabase();
    const slotStart = new Date(Date.UTC(2025, 0, 1));
    const diedAt = Date.UTC(2025, 0, 1, 0, 1);
    expect(await new BackupLease(database(connections[0]), "died").take(slotStart, new Date(diedAt), 120_000)).toBe(true);

    let now = diedAt + 60_000;
    const survivor = new BackupScheduler({
      connection: connections[1],
      config: { dir, every: "24h", everyMs: DAY, keep: 100 },
      logger: silent,
      owner: "survivor",
      leaseMs: 120_000,
      clock: () => now,
    });
    expect(await survivor.tick()).toBe("skipped");
    now = diedAt + 120_001;
    expect(await survivor.tick()).toBe("backed-up");
    expect(await survivor.tick()).toBe("skipped");
    expect(await backupFiles(dir)).toHaveLength(1);
  });
});

describe("retention", () => {
  it("keeps the BACKUP_KEEP newest scheduled backups and touches no other file", async () => {
    const dir = path.join(temp.dir, "retention");
    await mkdir(dir);
    const names = Array.from({ length: 6 }, (_, n) => scheduledBackupName(new Date(Date.UTC(2025, 0, 1 + n, 0, 0, 0))));
    for (const name of [...names].reverse()) await writeFile(path.join(dir, name), "x");
    await writeFile(path.join(dir, "by-hand.ejson.gz"), "x");
    await writeFile(path.join(dir, "notes.txt"), "x");

    expect(await pruneBackups(dir, 4)).toEqual(names.slice(0, 2));
    expect((await readdir(dir)).sort()).toEqual(["by-hand.ejson.gz", "notes.txt", ...names.slice(2)].sort());
  });

  it("is applied after every scheduled backup", async () => {
    const { connections, dir } = await sharedDatabase();
    let now = Date.UTC(2025, 0, 1, 6);
    const scheduler = new BackupScheduler({
      connection: connections[0],
      config: { dir, every: "6h", everyMs: DAY / 4, keep: 2 },
      logger: silent,
      clock: () => now,
    });
    for (let slot = 0; slot < 5; slot++, now += DAY / 4) expect(await scheduler.tick()).toBe("backed-up");
    expect(await backupFiles(dir)).toEqual(["chatello-backup-20250102T000000Z.ejson.gz", "chatello-backup-20250102T060000Z.ejson.gz"]);
  });
});

describe("scheduled backups of running platforms", () => {
  interface RunningApp {
    app: FastifyInstance;
    baseUrl: string;
    logs: Array<Record<string, unknown>>;
  }

  async function startApp(connection: Connection, env: Record<string, string>): Promise<RunningApp> {
    const logs: Array<Record<string, unknown>> = [];
    const logger = pino({ level: "info" }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
    // The test owns the connections; closing an app must not close them.
    const db: Database = { type: "embedded", uri: engine.engine.uri, connection, close: async () => undefined };
    // Not throttled: the tests poll /api/health, which the plugin contract limits to 50 calls an hour.
    const app = await buildApp({ config: testConfig({ THROTTLE: "off", ...env }), logger, db });
    await app.listen({ host: "127.0.0.1", port: 0 });
    return { app, baseUrl: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, logs };
  }

  async function backupsHealth(baseUrl: string): Promise<Extract<BackupHealth, { scheduled: true }>> {
    const response = await fetch(`${baseUrl}/api/health`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { backups: Extract<BackupHealth, { scheduled: true }> }).backups;
  }

  async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
    for (;;) {
      const found = await probe();
      if (found !== undefined) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it("one of two platforms on one database takes the backup at start; both report it in /api/health, and the log says so", async () => {
    const { connections, dir } = await sharedDatabase();
    // A year-long slot: the test cannot straddle two slots.
    const env = { BACKUP_DIR: dir, BACKUP_EVERY: "365d", BACKUP_KEEP: "3" };
    const apps = [await startApp(connections[0], env), await startApp(connections[1], env)];
    let first: NonNullable<Extract<BackupHealth, { scheduled: true }>["last_success"]>;
    try {
      first = await until(async () => (await backupsHealth(apps[0]?.baseUrl ?? "")).last_success ?? undefined);
      const health = await backupsHealth(apps[1]?.baseUrl ?? "");
      expect(health).toEqual({
        scheduled: true,
        every: "365d",
        keep: 3,
        last_success: first,
        last_failure: null,
        next_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T00:00:00\.000Z$/),
      });
      expect(first).toEqual({
        at: expect.stringMatching(/Z$/),
        file: expect.stringMatching(/^chatello-backup-\d{8}T\d{6}Z\.ejson\.gz$/),
        documents: 2,
        bytes: expect.any(Number),
      });
    } finally {
      // Closing waits for a backup in progress, so the count below is final.
      for (const { app } of apps) await app.close();
    }
    expect(await backupFiles(dir)).toEqual([expect.any(String)]);
    const written = apps.flatMap(({ logs }) => logs.filter((line) => line["msg"] === "scheduled backup written"));
    expect(written).toEqual([
      expect.objectContaining({ component: "backup", documents: first.documents, file: path.join(dir, (await backupFiles(dir))[0] ?? "") }),
    ]);
  });

  it("logs a failed backup and shows it in /api/health, and the platform keeps answering", async () => {
    const { connections, dir } = await sharedDatabase();
    await writeFile(dir, "a file where the backup folder should be");
    const running = await startApp(connections[0], { BACKUP_DIR: dir, BACKUP_EVERY: "365d" });
    try {
      const health = await until(async () => {
        const current = await backupsHealth(running.baseUrl);
        return current.last_failure === null ? undefined : current;
      });
      expect(health).toMatchObject({ last_success: null, last_failure: { at: expect.stringMatching(/Z$/) } });
      // Public health says when, not why: the reason is in the log.
      expect(JSON.stringify(health)).not.toContain(dir);
      expect(running.logs).toContainEqual(expect.objectContaining({ level: 50, msg: expect.stringMatching(/^scheduled backup failed: /) }));
    } finally {
      await running.app.close();
    }
  });
});
