import * as fs from "node:fs";
import * as path from "node:path";
import { journalName, listDataDir, removeSuperseded, snapshotName } from "./files";
import { type JournalStats, JournalWriter } from "./journal-writer";
import { DataDirLock } from "./lock";
import { type Manifest, readManifest, removeManifestTemp, writeManifest } from "./manifest";
import { encodeRecord, recordLength } from "./record";
import { recover } from "./recovery";
import { writeSnapshot } from "./snapshot";
import type { JournalOp, PersistenceLogger, RecoveredState, SnapshotCollection } from "./types";

export interface DataDirectoryOptions {
  logger?: PersistenceLogger;
  /** Journal size since the last snapshot above which wantsCompaction turns true. Default 64 MiB. */
  compactAfterBytes?: number;
  /** How often the owner checks that mongod.lock still exists and writes it again if not. Default 1 s. */
  lockRecheckMs?: number;
}

const DEFAULT_COMPACT_AFTER_BYTES = 64 << 20;

const defaultLogger: PersistenceLogger = {
  // Routine events are only worth printing through a logger the caller chose; warnings always are.
  info: () => undefined,
  warn: (obj, msg) => console.warn(`[embedded-mongo] ${msg}`, obj),
};

/**
 * One data folder, owned by one DataDirectory at a time: the lock, the manifest, the journal (with group commit),
 * snapshots and recovery. The engine must call append() in the same synchronous step as the in-memory change
 * it records (design gotcha 11), so that the journal order is the order the changes were applied in, and a
 * compaction's capture never sees a change whose batch then lands in the new journal.
 */
export class DataDirectory {
  /** What was on disk at open time; the engine replays it (collections first, then batches in order). */
  readonly recovered: RecoveredState;
  private compaction: Promise<void> = Promise.resolve();
  private compacting = false;
  private closing: Promise<void> | null = null;

  private constructor(
    readonly dir: string,
    recovered: RecoveredState,
    private readonly lock: DataDirLock,
    private readonly writer: JournalWriter,
    private readonly logger: PersistenceLogger,
    private readonly compactAfterBytes: number,
    private journalSeq: number,
    private journalBytes: number,
    private snapshotSeq: number | null,
    private snapshotAt: Date | null,
  ) {
    this.recovered = recovered;
  }

  /** Creates the folder if needed, takes the lock (a stale lock of a dead pid is taken over with a warning), reads the snapshot and the journal. */
  static async open(dir: string, opts: DataDirectoryOptions = {}): Promise<DataDirectory> {
    const logger = opts.logger ?? defaultLogger;
    const absolute = path.resolve(dir);
    await fs.promises.mkdir(absolute, { recursive: true });
    const lock = await DataDirLock.acquire(absolute, logger, opts.lockRecheckMs);
    let writer: JournalWriter | undefined;
    try {
      await removeManifestTemp(absolute);
      const manifest = await readManifest(absolute);
      const { recovered, journalSeq, journalBytes, snapshotSeq, hadFiles } = await recover(absolute, manifest, logger);
      writer = await JournalWriter.open(path.join(absolute, journalName(journalSeq)));
      // Only now that the journal file exists may the manifest name it.
      await recordInManifest(absolute, manifest, { journalSeq, snapshotSeq }, hadFiles, logger);
      const counts = { collections: recovered.collections.length, batches: recovered.batches.length, journalBytes };
      logger.info({ dir: absolute, ...counts }, "opened the data folder");
      const compactAfterBytes = opts.compactAfterBytes ?? DEFAULT_COMPACT_AFTER_BYTES;
      const snapshotAt = snapshotSeq === null ? null : await modifiedAt(path.join(absolute, snapshotName(snapshotSeq)));
      return new DataDirectory(
        absolute,
        recovered,
        lock,
        writer,
        logger,
        compactAfterBytes,
        journalSeq,
        journalBytes,
        snapshotSeq,
        snapshotAt,
      );
    } catch (err) {
      await writer?.close();
      await lock.release();
      throw err;
    }
  }

  /** Group-commit counters: flushes < records means several appends shared one fsync. */
  get stats(): JournalStats {
    return { ...this.writer.stats };
  }

  /** Bytes appended to the journal since the last snapshot (compaction starts past compactAfterBytes). */
  get journalSize(): number {
    return this.journalBytes;
  }

  /** When the newest snapshot was written (null: none yet; the journal alone holds the data). */
  get lastSnapshotAt(): Date | null {
    return this.snapshotAt;
  }

  /** Appends one batch; resolves once it is fsynced. The order of batches on disk is the order of append() calls. */
  append(batch: JournalOp[]): Promise<void> {
    if (this.closing) return Promise.reject(new Error(`the data folder ${this.dir} is closed`));
    let record: Buffer[];
    try {
      record = encodeRecord({ ops: batch });
    } catch (err) {
      return Promise.reject(err);
    }
    this.journalBytes += recordLength(record);
    return this.writer.append(record);
  }

  /** True when the journal has grown past compactAfterBytes since the last snapshot (the engine then calls compact). */
  get wantsCompaction(): boolean {
    return !this.compacting && !this.closing && this.journalBytes > this.compactAfterBytes;
  }

  /**
   * Writes a snapshot of the state `capture` returns and starts a fresh journal. `capture` runs synchronously,
   * in the same step as the journal switch; serialising and writing happen afterwards while appends go to the
   * new journal. If a compaction is already running, this returns it without calling `capture`.
   */
  compact(capture: () => SnapshotCollection[]): Promise<void> {
    if (this.closing) return Promise.reject(new Error(`the data folder ${this.dir} is closed`));
    if (!this.compacting) this.compaction = this.runCompaction(capture);
    return this.compaction;
  }

  /** Writes the engine's connection URI into the lock file so that other processes can find the running engine. */
  recordAddress(uri: string): Promise<void> {
    if (this.closing) return Promise.reject(new Error(`the data folder ${this.dir} is closed`));
    return this.lock.recordAddress(uri);
  }

  /** Waits for pending appends, closes files, removes the lock. With `capture`, writes a final snapshot first. */
  close(opts: { capture?: () => SnapshotCollection[] } = {}): Promise<void> {
    this.closing ??= this.shutdown(opts.capture);
    return this.closing;
  }

  private async shutdown(capture: (() => SnapshotCollection[]) | undefined): Promise<void> {
    try {
      // A failed earlier compaction already reported its error to its own caller.
      if (this.compacting) await this.compaction.catch(() => undefined);
      if (capture) await this.runCompaction(capture);
    } finally {
      try {
        await this.writer.close();
      } finally {
        await this.lock.release();
      }
    }
  }

  private async runCompaction(capture: () => SnapshotCollection[]): Promise<void> {
    const collections = capture();
    const seq = this.journalSeq + 1;
    // The manifest must name the new journal before the first record lands in it, or losing it would go unnoticed.
    const switched = this.writer.switchTo(path.join(this.dir, journalName(seq)), () =>
      writeManifest(this.dir, { journalSeq: seq, snapshotSeq: this.snapshotSeq }),
    );
    const carriedBytes = this.journalBytes;
    this.journalBytes = 0;
    this.compacting = true;
    try {
      await switched;
      this.journalSeq = seq;
      await writeSnapshot(this.dir, seq, collections);
      await writeManifest(this.dir, { journalSeq: seq, snapshotSeq: seq });
      this.snapshotSeq = seq;
      this.snapshotAt = new Date();
      const removed = await removeSuperseded(this.dir, await listDataDir(this.dir), seq);
      const docs = collections.reduce((sum, c) => sum + c.docs.length, 0);
      this.logger.info({ dir: this.dir, journalSeq: seq, collections: collections.length, docs, removed }, "compacted");
    } catch (err) {
      // Without the new snapshot the older journals are still the record of those changes and stay on disk.
      this.journalBytes += carriedBytes;
      throw err;
    } finally {
      this.compacting = false;
    }
  }
}

/** Brings the manifest up to what recovery found (a new folder, one from an older version, or a crash mid-compaction). */
async function recordInManifest(
  dir: string,
  previous: Manifest | null,
  current: Manifest,
  hadFiles: boolean,
  logger: PersistenceLogger,
): Promise<void> {
  if (previous?.journalSeq === current.journalSeq && previous.snapshotSeq === current.snapshotSeq) return;
  if (previous === null && hadFiles) {
    logger.info({ dir, manifest: current }, "the data folder has no manifest (written by an older version); writing one");
  }
  await writeManifest(dir, current);
}

async function modifiedAt(file: string): Promise<Date | null> {
  try {
    return (await fs.promises.stat(file)).mtime;
  } catch {
    return null;
  }
}
