import * as fs from "node:fs";
import type { FileHandle } from "node:fs/promises";
import * as path from "node:path";
import type { Document } from "bson";
import { DataDirCorruptError } from "./errors";
import { fsyncDir, removeIfPresent, snapshotName, TMP_SUFFIX } from "./files";
import { encodeRecord, RecordFileReader, recordLength, tryEncodeRecord } from "./record";
import type { SnapshotCollection } from "./types";

/*
 * A snapshot is a sequence of records (see record.ts), each one BSON document:
 *   { kind: "header", format, version, journalSeq }   journalSeq = first journal whose batches are NOT included
 *   { kind: "collection", ns, options, indexes, docCount }
 *   { kind: "docs", ns, docs: [...] }                  up to 1000 documents, repeated
 *   { kind: "end", collections, docs }                 totals; a snapshot without it was cut short
 */
const FORMAT = "chatello-embedded-snapshot";
const VERSION = 1;
const MAX_DOCS_PER_CHUNK = 1000;
const CORRUPT_ADVICE = "Restore the data folder from a backup: the journals before this snapshot were deleted when it was written.";

/** Writes snapshot.<seq>.bson via a temp file, fsync and rename, so a crash leaves either no snapshot or a whole one. */
export async function writeSnapshot(dir: string, seq: number, collections: SnapshotCollection[]): Promise<void> {
  const file = path.join(dir, snapshotName(seq));
  const tmp = file + TMP_SUFFIX;
  const handle = await fs.promises.open(tmp, "w");
  try {
    await writeEntries(handle, seq, collections);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await removeIfPresent(tmp);
    throw err;
  }
  await handle.close();
  await fs.promises.rename(tmp, file);
  await fsyncDir(dir);
}

async function writeEntries(handle: FileHandle, seq: number, collections: SnapshotCollection[]): Promise<void> {
  // Each chunk is serialised synchronously, then its write is awaited: that await hands the event loop back to
  // requests between chunks, so a large snapshot never blocks for more than one chunk's serialisation.
  const write = async (parts: Buffer[]): Promise<void> => {
    const { bytesWritten } = await handle.writev(parts);
    if (bytesWritten !== recordLength(parts)) throw new Error(`short snapshot write: ${bytesWritten} bytes`);
  };
  await write(encodeRecord({ kind: "header", format: FORMAT, version: VERSION, journalSeq: seq }));
  let totalDocs = 0;
  for (const { ns, options, indexes, docs: all } of collections) {
    await write(encodeRecord({ kind: "collection", ns, options, indexes, docCount: all.length }));
    let chunkSize = MAX_DOCS_PER_CHUNK;
    for (let start = 0; start < all.length;) {
      const chunk = all.slice(start, start + chunkSize);
      const encoded = tryEncodeRecord({ kind: "docs", ns, docs: chunk });
      if (encoded === null && chunk.length > 1) {
        // Too big for bson's scratch buffer: halve, and keep the smaller size since documents of one
        // collection tend to be alike.
        chunkSize = Math.ceil(chunk.length / 2);
        continue;
      }
      await write(encoded ?? encodeRecord({ kind: "docs", ns, docs: chunk }));
      start += chunk.length;
    }
    totalDocs += all.length;
  }
  await write(encodeRecord({ kind: "end", collections: collections.length, docs: totalDocs }));
}

/** Reads a whole snapshot; anything short of a complete, intact one throws DataDirCorruptError. */
export async function readSnapshot(file: string, seq: number): Promise<SnapshotCollection[]> {
  const handle = await fs.promises.open(file, "r");
  try {
    const { size } = await handle.stat();
    const reader = new RecordFileReader(handle, size);
    const corrupt = (offset: number, problem: string) => new DataDirCorruptError(file, offset, problem, CORRUPT_ADVICE);
    const next = async (): Promise<{ offset: number; doc: Document }> => {
      const record = await reader.next();
      if (record === null) throw corrupt(size, "the snapshot is truncated (it has no end marker)");
      if (!record.ok) throw corrupt(record.offset, record.problem);
      return record;
    };

    const { doc: header } = await next();
    if (header.kind !== "header" || header.format !== FORMAT) throw corrupt(0, "this is not a snapshot file");
    if (header.version !== VERSION) throw corrupt(0, `unsupported snapshot version ${String(header.version)}`);
    if (header.journalSeq !== seq) throw corrupt(0, `it says journal ${String(header.journalSeq)} follows it, not ${seq}`);

    const collections: SnapshotCollection[] = [];
    const expectedDocs: number[] = [];
    for (;;) {
      const { offset, doc } = await next();
      const current = collections.at(-1);
      if (doc.kind === "collection") {
        collections.push({ ns: String(doc.ns), options: doc.options as Document, indexes: doc.indexes as Document[], docs: [] });
        expectedDocs.push(Number(doc.docCount));
      } else if (doc.kind === "docs" && current !== undefined && doc.ns === current.ns && Array.isArray(doc.docs)) {
        for (const stored of doc.docs as Document[]) current.docs.push(stored);
      } else if (doc.kind === "end") {
        const counted = collections.reduce((sum, c) => sum + c.docs.length, 0);
        const complete = collections.every((c, i) => c.docs.length === expectedDocs[i]);
        if (doc.collections !== collections.length || doc.docs !== counted || !complete) {
          throw corrupt(offset, "the end marker's counts do not match the collections and documents read");
        }
        if ((await reader.next()) !== null) throw corrupt(offset, "there is data after the end marker");
        return collections;
      } else {
        throw corrupt(offset, `unexpected entry ${JSON.stringify(doc.kind)}`);
      }
    }
  } finally {
    await handle.close();
  }
}
