import * as fs from "node:fs";
import * as path from "node:path";
import { DataDirCorruptError } from "./errors";
import { journalName, listDataDir, removeSuperseded, snapshotName } from "./files";
import { checkAgainstManifest, type Manifest } from "./manifest";
import { findIntactRecordAfter, RecordFileReader } from "./record";
import { readSnapshot } from "./snapshot";
import type { JournalOp, PersistenceLogger, RecoveredState } from "./types";

export interface Recovery {
  recovered: RecoveredState;
  /** The journal that appends continue in (it may not exist yet). */
  journalSeq: number;
  /** Journal bytes on disk since the snapshot, for wantsCompaction. */
  journalBytes: number;
  /** The snapshot that was read, if any. */
  snapshotSeq: number | null;
  /** False for a folder with no journal or snapshot at all. */
  hadFiles: boolean;
}

/** Reads the newest snapshot and every journal after it; throws rather than start with data silently missing. */
export async function recover(dir: string, manifest: Manifest | null, logger: PersistenceLogger): Promise<Recovery> {
  const listing = await listDataDir(dir);
  if (manifest) checkAgainstManifest(dir, manifest, listing);
  const snapshotSeq = listing.snapshots.at(-1);
  // Without a snapshot the history starts at journal 1; a snapshot N covers everything before journal N.
  const baseSeq = snapshotSeq ?? 1;
  const journals = listing.journals.filter((seq) => seq >= baseSeq);
  checkNoJournalMissing(dir, baseSeq, journals);

  const collections = snapshotSeq === undefined ? [] : await readSnapshot(path.join(dir, snapshotName(snapshotSeq)), snapshotSeq);
  const batches: JournalOp[][] = [];
  let journalBytes = 0;
  for (const [i, seq] of journals.entries()) {
    const journal = await readJournal(path.join(dir, journalName(seq)), i === journals.length - 1, logger);
    for (const batch of journal.batches) batches.push(batch);
    journalBytes += journal.size;
  }
  // Only now that everything needed has been read: a bad snapshot must not cost the files it would replace.
  for (const file of await removeSuperseded(dir, listing, baseSeq)) {
    logger.info({ dir, file }, "removed a file left behind by an interrupted compaction");
  }
  return {
    recovered: { collections, batches },
    journalSeq: journals.at(-1) ?? baseSeq,
    journalBytes,
    snapshotSeq: snapshotSeq ?? null,
    hadFiles: listing.journals.length + listing.snapshots.length > 0,
  };
}

function checkNoJournalMissing(dir: string, baseSeq: number, journals: number[]): void {
  journals.forEach((seq, i) => {
    const expected = i === 0 ? baseSeq : journals[i - 1] + 1;
    if (seq === expected) return;
    throw new Error(
      `Data folder ${dir} has ${journalName(seq)} but ${journalName(expected)} is missing, so the changes it held ` +
        "would be lost. Refusing to open the data folder; restore it from a backup.",
    );
  });
}

async function readJournal(file: string, isLast: boolean, logger: PersistenceLogger): Promise<{ batches: JournalOp[][]; size: number }> {
  const handle = await fs.promises.open(file, isLast ? "r+" : "r");
  try {
    const { size } = await handle.stat();
    const reader = new RecordFileReader(handle, size);
    const batches: JournalOp[][] = [];
    for (let record = await reader.next(); record !== null; record = await reader.next()) {
      if (record.ok && Array.isArray(record.doc.ops)) {
        // Written by JournalWriter from JournalOp[] and checksummed, so the shape is trusted.
        batches.push(record.doc.ops as JournalOp[]);
        continue;
      }
      if (record.ok) throw corruptJournal(file, record.offset, "an intact record holds no ops array", isLast);
      if (!isLast) throw corruptJournal(file, record.offset, `${record.problem}, and later journals follow`, false);
      const intactAfter = await findIntactRecordAfter(handle, size, record.offset + 1);
      if (intactAfter >= 0) {
        const problem = `${record.problem}, and intact records follow (the first at byte ${intactAfter})`;
        throw corruptJournal(file, record.offset, problem, true);
      }
      logger.warn(
        { file, offset: record.offset, droppedBytes: size - record.offset, problem: record.problem },
        "dropped a torn record at the end of the journal (a write cut short by a crash, so it was never acknowledged)",
      );
      // Appends continue in this file, so the torn bytes must go or they would sit between two good records.
      await handle.truncate(record.offset);
      await handle.sync();
      return { batches, size: record.offset };
    }
    return { batches, size };
  } finally {
    await handle.close();
  }
}

function corruptJournal(file: string, offset: number, problem: string, isLast: boolean): DataDirCorruptError {
  const advice = isLast
    ? `To start anyway, copy the data folder somewhere safe, then truncate ${path.basename(file)} to ${offset} bytes; ` +
      "every change recorded after that point is lost."
    : "Restore the data folder from a backup.";
  return new DataDirCorruptError(file, offset, problem, advice);
}
