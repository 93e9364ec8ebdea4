// A journal or snapshot that was written and then deleted must stop the folder from opening, not vanish silently.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Document } from "bson";
import {
  DataDirCorruptError,
  DataDirectory,
  DataDirMissingFileError,
  type JournalOp,
  type PersistenceLogger,
  type SnapshotCollection,
} from "../../../src/db/embedded/persistence";
import { exited, killAllClis, operatorLines, startCli, startListeningCli, transpileEngine } from "../../support/engine-child";

const roots: string[] = [];
const opened: DataDirectory[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "chatello-manifest-"));
  roots.push(dir);
  return dir;
}

function memoryLogger(): PersistenceLogger & { infos: string[]; warnings: string[] } {
  const infos: string[] = [];
  const warnings: string[] = [];
  return { infos, warnings, info: (_obj, msg) => void infos.push(msg), warn: (_obj, msg) => void warnings.push(msg) };
}

async function openDir(dir: string, logger: PersistenceLogger = memoryLogger()): Promise<DataDirectory> {
  const dataDir = await DataDirectory.open(dir, { logger });
  opened.push(dataDir);
  return dataDir;
}

/** The error an open is refused with (fails the test if the open succeeds). */
async function refusal(dir: string): Promise<Error> {
  const outcome = await DataDirectory.open(dir, { logger: memoryLogger() }).then(
    async (dataDir) => {
      const batches = dataDir.recovered.batches.length;
      await dataDir.close();
      throw new Error(`the folder opened with ${batches} journal batches instead of being refused`);
    },
    (err: unknown) => err as Error,
  );
  expect(outcome.message).not.toContain("\n"); // the operator gets it as one line
  return outcome;
}

const put = (i: number): JournalOp[] => [{ op: "put", ns: "app.items", doc: { _id: i } }];
const ids = (batches: JournalOp[][]): unknown[] => batches.map((b) => (b[0] as { doc: Document }).doc._id);
const snapshotOf = (docs: Document[]): SnapshotCollection[] => [{ ns: "app.items", options: {}, indexes: [], docs }];
const manifestFile = (dir: string): string => path.join(dir, "manifest.json");

/** Writes 1..3, snapshots them, then writes 4..6 into the journal that follows the snapshot. */
async function writeSnapshotThenJournal(dir: string): Promise<void> {
  const dataDir = await openDir(dir);
  for (const i of [1, 2, 3]) await dataDir.append(put(i));
  await dataDir.compact(() => snapshotOf([{ _id: 1 }, { _id: 2 }, { _id: 3 }]));
  for (const i of [4, 5, 6]) await dataDir.append(put(i));
  await dataDir.close();
  expect(fs.readdirSync(dir).sort()).toEqual(["journal.00000002.wal", "manifest.json", "snapshot.00000002.bson"]);
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((d) => d.close().catch(() => undefined)));
});
afterAll(async () => {
  await killAllClis();
  for (const dir of roots) fs.rmSync(dir, { recursive: true, force: true });
});

describe("missing journals and snapshots", () => {
  it("refuses to open when the journal after the snapshot was deleted, naming it and the manifest", async () => {
    const dir = tempDir();
    await writeSnapshotThenJournal(dir);
    const journal = path.join(dir, "journal.00000002.wal");
    fs.rmSync(journal);

    const err = await refusal(dir);
    expect(err).toBeInstanceOf(DataDirMissingFileError);
    expect(err).toMatchObject({ file: journal, manifest: manifestFile(dir) });
    expect(err.message).toBe(
      `Data folder ${dir} is missing ${journal}, which ${manifestFile(dir)} records as written: starting without it ` +
        `would silently lose the changes it held. Refusing to open; restore the data folder from a backup, ` +
        `or delete ${manifestFile(dir)} to start without those changes.`,
    );
    // The refusal changed nothing: no empty journal in place of the lost one, no lock left behind.
    expect(fs.readdirSync(dir).sort()).toEqual(["manifest.json", "snapshot.00000002.bson"]);
  });

  it("refuses to open when the only journal was deleted and there is no snapshot", async () => {
    const dir = tempDir();
    const dataDir = await openDir(dir);
    await dataDir.append(put(1));
    await dataDir.close();
    const journal = path.join(dir, "journal.00000001.wal");
    fs.rmSync(journal);

    const err = await refusal(dir);
    expect(err).toBeInstanceOf(DataDirMissingFileError);
    expect(err).toMatchObject({ file: journal });
    expect(err.message).toContain(`is missing ${journal}`);
  });

  it("names a deleted snapshot rather than the journals it replaced", async () => {
    const dir = tempDir();
    await writeSnapshotThenJournal(dir);
    const snapshot = path.join(dir, "snapshot.00000002.bson");
    fs.rmSync(snapshot);

    const err = await refusal(dir);
    expect(err).toBeInstanceOf(DataDirMissingFileError);
    expect(err).toMatchObject({ file: snapshot });
  });

  it("opens without the lost writes once the manifest is deleted, as the message offers", async () => {
    const dir = tempDir();
    await writeSnapshotThenJournal(dir);
    fs.rmSync(path.join(dir, "journal.00000002.wal"));
    await refusal(dir);
    fs.rmSync(manifestFile(dir));

    const reopened = await openDir(dir);
    expect(reopened.recovered.collections).toEqual(snapshotOf([{ _id: 1 }, { _id: 2 }, { _id: 3 }]));
    expect(reopened.recovered.batches).toEqual([]);
  });
});

describe("the manifest", () => {
  it("is written for a folder from an older version (data but no manifest), with an info log", async () => {
    const dir = tempDir();
    await writeSnapshotThenJournal(dir);
    fs.rmSync(manifestFile(dir));

    const logger = memoryLogger();
    const reopened = await openDir(dir, logger);
    expect(ids(reopened.recovered.batches)).toEqual([4, 5, 6]);
    expect(logger.infos).toContain("the data folder has no manifest (written by an older version); writing one");
    expect(JSON.parse(fs.readFileSync(manifestFile(dir), "utf8"))).toMatchObject({ journalSeq: 2, snapshotSeq: 2 });
    await reopened.close();

    // From now on, losing that journal is noticed.
    fs.rmSync(path.join(dir, "journal.00000002.wal"));
    expect(await refusal(dir)).toBeInstanceOf(DataDirMissingFileError);
  });

  it("starts a new folder fresh, naming journal 1, with no log about an older version", async () => {
    const dir = path.join(tempDir(), "new");
    const logger = memoryLogger();
    const dataDir = await openDir(dir, logger);
    expect(dataDir.recovered).toEqual({ collections: [], batches: [] });
    expect(logger.infos).not.toContain("the data folder has no manifest (written by an older version); writing one");
    expect(JSON.parse(fs.readFileSync(manifestFile(dir), "utf8"))).toMatchObject({ journalSeq: 1, snapshotSeq: null });
  });

  it("names the new journal before the first record is appended to it", async () => {
    const dir = tempDir();
    const dataDir = await openDir(dir);
    await dataDir.append(put(1));
    const compaction = dataDir.compact(() => snapshotOf([{ _id: 1 }]));
    // Appended right after the switch, so it goes to journal 2; by the time it is durable the manifest names that journal.
    await dataDir.append(put(2));
    expect(JSON.parse(fs.readFileSync(manifestFile(dir), "utf8"))).toMatchObject({ journalSeq: 2 });
    await compaction;
    expect(JSON.parse(fs.readFileSync(manifestFile(dir), "utf8"))).toMatchObject({ journalSeq: 2, snapshotSeq: 2 });
  });

  it("accepts files newer than the manifest (a crash during compaction, before the manifest was updated)", async () => {
    const dir = tempDir();
    const dataDir = await openDir(dir);
    await dataDir.append(put(1));
    await dataDir.close();
    const beforeCompaction = fs.readFileSync(manifestFile(dir));
    await writeSnapshotThenJournal(dir);
    fs.writeFileSync(manifestFile(dir), beforeCompaction);
    fs.writeFileSync(path.join(dir, "manifest.json.tmp"), "cut short by the crash");

    const reopened = await openDir(dir);
    expect(ids(reopened.recovered.batches)).toEqual([4, 5, 6]);
    expect(JSON.parse(fs.readFileSync(manifestFile(dir), "utf8"))).toMatchObject({ journalSeq: 2, snapshotSeq: 2 });
    expect(fs.existsSync(path.join(dir, "manifest.json.tmp"))).toBe(false);
  });

  it("refuses an unreadable manifest, naming it", async () => {
    const dir = tempDir();
    await writeSnapshotThenJournal(dir);
    fs.writeFileSync(manifestFile(dir), "{ not json");

    const err = await refusal(dir);
    expect(err).toBeInstanceOf(DataDirCorruptError);
    expect(err.message).toContain(`${manifestFile(dir)} is corrupt`);
  });
});

describe("the operator's view (real process)", () => {
  it("the db:embedded CLI stops with one line naming the deleted journal", async () => {
    const root = tempDir();
    const cli = transpileEngine(path.join(root, "engine"));
    const dataDir = path.join(root, "data");
    const owner = await startListeningCli(cli, dataDir);
    owner.child.kill("SIGKILL"); // no final snapshot: journal 1 holds everything
    await exited(owner.child);
    const journal = path.join(dataDir, "journal.00000001.wal");
    fs.rmSync(journal);

    const outcome = await startCli(cli, dataDir);
    if (outcome.kind === "listening") {
      outcome.child.kill("SIGKILL");
      throw new Error("the engine started without its journal");
    }
    expect(outcome.code).toBe(1);
    expect(operatorLines(outcome.stderr)).toEqual([
      `Cannot start: Data folder ${dataDir} is missing ${journal}, which ${manifestFile(dataDir)} records as written: ` +
        "starting without it would silently lose the changes it held. Refusing to open; restore the data folder " +
        `from a backup, or delete ${manifestFile(dataDir)} to start without those changes.`,
    ]);
  }, 60_000);
});
