import * as fs from "node:fs";
import * as path from "node:path";

/** Names of the files in a data folder. Sequence numbers are zero-padded so that `ls` shows them in order. */
export const LOCK_FILE = "mongod.lock";
export const MANIFEST_FILE = "manifest.json";
export const TMP_SUFFIX = ".tmp";

const JOURNAL_RE = /^journal\.(\d+)\.wal$/;
const SNAPSHOT_RE = /^snapshot\.(\d+)\.bson$/;

const pad = (seq: number): string => String(seq).padStart(8, "0");
export const journalName = (seq: number): string => `journal.${pad(seq)}.wal`;
export const snapshotName = (seq: number): string => `snapshot.${pad(seq)}.bson`;

export interface DataDirListing {
  /** Sequence numbers, ascending. */
  journals: number[];
  snapshots: number[];
  /** Names of unfinished snapshot files left by a crash during compaction. */
  snapshotTemps: string[];
}

export async function listDataDir(dir: string): Promise<DataDirListing> {
  const listing: DataDirListing = { journals: [], snapshots: [], snapshotTemps: [] };
  for (const name of await fs.promises.readdir(dir)) {
    const journal = JOURNAL_RE.exec(name);
    const snapshot = SNAPSHOT_RE.exec(name);
    if (journal) listing.journals.push(Number(journal[1]));
    else if (snapshot) listing.snapshots.push(Number(snapshot[1]));
    else if (name.endsWith(TMP_SUFFIX) && SNAPSHOT_RE.test(name.slice(0, -TMP_SUFFIX.length))) {
      listing.snapshotTemps.push(name);
    }
  }
  listing.journals.sort((a, b) => a - b);
  listing.snapshots.sort((a, b) => a - b);
  return listing;
}

/**
 * Makes created, renamed and deleted directory entries durable: without it a crash can lose a freshly
 * created journal file or undo a snapshot rename even though the file contents were fsynced.
 */
export async function fsyncDir(dir: string): Promise<void> {
  // Windows cannot open a directory for syncing; NTFS journals directory metadata itself.
  if (process.platform === "win32") return;
  const handle = await fs.promises.open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Removes a file and reports whether it existed, so clean-ups can be repeated after a crash. */
export async function removeIfPresent(file: string): Promise<boolean> {
  try {
    await fs.promises.unlink(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
}

/** Deletes unfinished snapshots and the snapshots and journals that the snapshot `baseSeq` replaced; returns their names. */
export async function removeSuperseded(dir: string, listing: DataDirListing, baseSeq: number): Promise<string[]> {
  const names = [
    ...listing.snapshotTemps,
    ...listing.snapshots.filter((seq) => seq < baseSeq).map(snapshotName),
    ...listing.journals.filter((seq) => seq < baseSeq).map(journalName),
  ];
  const removed: string[] = [];
  for (const name of names) if (await removeIfPresent(path.join(dir, name))) removed.push(name);
  return removed;
}
