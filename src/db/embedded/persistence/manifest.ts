import * as fs from "node:fs";
import * as path from "node:path";
import { DataDirCorruptError, DataDirMissingFileError } from "./errors";
import { type DataDirListing, fsyncDir, journalName, MANIFEST_FILE, removeIfPresent, snapshotName, TMP_SUFFIX } from "./files";

/*
 * manifest.json records the newest journal and snapshot that were written, so that opening can tell "never
 * written" from "deleted". Journals and snapshots are found by listing the folder, and a listing cannot show what
 * is no longer there: without the manifest, deleting the newest journal (or every journal) looks like a folder
 * that simply has less data. The manifest only ever moves forward, and only after the file it names is durable:
 * a journal is created and its directory entry fsynced before the manifest names it, and before any record is
 * appended to it; a snapshot is renamed into place and fsynced before the manifest names it. A crash in between
 * leaves a manifest that names an older file, which is still present (or superseded by the newer snapshot).
 */

export interface Manifest {
  /** The newest journal created; every journal from the snapshot (or 1) up to it must exist. */
  journalSeq: number;
  /** The newest snapshot written, or null before the first compaction. */
  snapshotSeq: number | null;
}

const FORMAT = "chatello-embedded-manifest";
const VERSION = 1;

/** Null when the folder has none (a new folder, or one written before manifests existed). */
export async function readManifest(dir: string): Promise<Manifest | null> {
  const file = path.join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await fs.promises.readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
  const corrupt = (problem: string): DataDirCorruptError =>
    new DataDirCorruptError(file, 0, problem, `Restore the data folder from a backup, or delete ${file} to open the files as they are.`);
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw corrupt("it is not JSON");
  }
  if (parsed?.format !== FORMAT) throw corrupt("it is not a data folder manifest");
  if (parsed.version !== VERSION) throw corrupt(`unsupported manifest version ${String(parsed.version)}`);
  const { journalSeq, snapshotSeq } = parsed;
  if (!isSeq(journalSeq) || !(snapshotSeq === null || isSeq(snapshotSeq))) throw corrupt("its sequence numbers are invalid");
  return { journalSeq, snapshotSeq };
}

const isSeq = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 1;

/** Temp file, fsync, rename, fsync of the folder: a crash leaves the old manifest or the new one, never a torn one. */
export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  const file = path.join(dir, MANIFEST_FILE);
  const tmp = file + TMP_SUFFIX;
  await fs.promises.writeFile(tmp, JSON.stringify({ format: FORMAT, version: VERSION, ...manifest }), { flush: true });
  await fs.promises.rename(tmp, file);
  await fsyncDir(dir);
}

/** A temp manifest left by a crash before its rename is simply dropped: the manifest it would have replaced stands. */
export const removeManifestTemp = (dir: string): Promise<boolean> => removeIfPresent(path.join(dir, MANIFEST_FILE + TMP_SUFFIX));

/** Throws DataDirMissingFileError when a snapshot or journal the manifest names is no longer in the folder. */
export function checkAgainstManifest(dir: string, manifest: Manifest, listing: DataDirListing): void {
  const missing = (name: string): DataDirMissingFileError =>
    new DataDirMissingFileError(dir, path.join(dir, name), path.join(dir, MANIFEST_FILE));
  const newestSnapshot = listing.snapshots.at(-1);
  // A newer snapshot supersedes the one the manifest names: once it is in place, the old one may be deleted (by
  // compaction or by recovery) before the manifest is updated.
  if (manifest.snapshotSeq !== null && (newestSnapshot === undefined || newestSnapshot < manifest.snapshotSeq)) {
    throw missing(snapshotName(manifest.snapshotSeq));
  }
  const newestJournal = listing.journals.at(-1) ?? 0;
  // Gaps below the newest journal are reported by recovery's own check; here only journals missing at the end.
  if (newestJournal < manifest.journalSeq) throw missing(journalName(Math.max(newestJournal + 1, newestSnapshot ?? 1)));
}
