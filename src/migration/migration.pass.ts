import type { mongoose } from "@typegoose/typegoose";
import type { mongo } from "mongoose";
import { recordHash, TableChecksum } from "./canonical";
import type { IssueLog, MigrationMode, Mismatch, TableReport, TableVerification } from "./migration.report";
import type { Progress } from "./migration.progress";

/**
 * A source record's id as reports and checkpoints name it: v1's integer ids, v2's ObjectIds as 24 hex digits
 * (whose text order is their `_id` order).
 */
export type SourceId = number | string;

/**
 * A field the v2 importer sets on every document that is a source document's own (same `_id`), so that the
 * documents an import owns can be told from those the platform made itself. v1's deterministic ids say it already.
 */
export const IMPORTED_FROM_FIELD = "imported_from";

/** One source row as the platform will hold it. */
export interface MappedRecord {
  sourceId: SourceId;
  targetId: mongoose.Types.ObjectId;
  /** Every field the source decides: written on each run, and (through `canonical`) what verification compares. */
  fields: Record<string, unknown>;
  /** Fields the platform owns once the document exists (seat counters, bookkeeping): set only when creating it. */
  onInsert?: Record<string, unknown>;
  /** The source row (secrets masked), for a write conflict's report. */
  row: Record<string, unknown>;
}

export interface SourceBatch {
  /** The highest source id read (the next batch starts after it). */
  lastId: SourceId;
  rows: number;
  records: MappedRecord[];
  /** Source ids of rows that are not imported (their issue is already logged); merged rows count here too. */
  skipped: SourceId[];
  merged: number;
}

/**
 * One source table, as a pass reads it: rows in id order, already mapped to target documents. The same object
 * serves import, dry run and verification, so all three use exactly one mapping.
 */
export interface TableSource {
  table: string;
  collection: string;
  /** Logs are only ever appended in the source: re-runs resume after the last imported id (a checkpoint). */
  appendOnly: boolean;
  /** A filter for the target documents this table's imports own (v1: its deterministic id range). */
  owned: Record<string, unknown>;
  /** Rows after `afterId` (null: from the first). */
  countAfter(afterId: SourceId | null): Promise<number>;
  readAfter(afterId: SourceId | null, limit: number): Promise<SourceBatch | null>;
  /** Which of these source ids exist (for naming documents that have no source row any more). */
  existing(ids: SourceId[]): Promise<Set<SourceId>>;
  /** The fields compared, from a mapped record's fields or from a target document: one function, both sides. */
  canonical(document: Record<string, unknown>): Record<string, unknown>;
  /** The id a source row's document has when it is its own (not matched to one the platform made). */
  ownId(sourceId: SourceId): mongoose.Types.ObjectId;
  /** The source id of a document this table owns (undefined for any other document). */
  sourceIdOf(document: { _id: mongoose.Types.ObjectId } & Record<string, unknown>): SourceId | undefined;
  /**
   * Where a resumed run starts reading, given the last checkpoint (default: right after it). A source whose ids are
   * not strictly increasing in time (ObjectIds made by several processes) steps back a little.
   */
  resumeAfter?(checkpoint: SourceId): SourceId;
}

export interface Checkpoints {
  /** The last source id an import of the table wrote, null when none. */
  read(table: string): Promise<SourceId | null>;
  write(table: string, lastId: SourceId): Promise<void>;
}

export interface PassOptions {
  mode: MigrationMode;
  target: mongo.Db;
  issues: IssueLog;
  progress: Progress;
  checkpoints: Checkpoints;
  batchSize: number;
}

const LISTED_MISMATCHES = 1000;
type Doc = Record<string, unknown> & { _id: mongoose.Types.ObjectId };

/**
 * Runs one table through: reads a batch, looks its documents up by id, and then writes what is new or changed
 * (import), counts it (dry run) or compares it (verify). The next batch is read from the source while the current
 * one is written. Append-only tables record a checkpoint after each batch's writes, so a killed run resumes there;
 * every write is keyed by the record's id (deterministic for v1, the source's own for v2), so redoing a batch that
 * was partly written changes nothing.
 */
export async function runTablePass(source: TableSource, options: PassOptions): Promise<TableReport> {
  const started = Date.now();
  const { mode, target, progress } = options;
  const collection = target.collection<Doc>(source.collection);
  const resumeFrom = mode === "verify" || !source.appendOnly ? null : await usableCheckpoint(source, collection, options.checkpoints);
  const report: TableReport = {
    table: source.table,
    collection: source.collection,
    sourceRows: 0,
    skipped: 0,
    merged: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    seconds: 0,
  };
  const verification = mode === "verify" ? new Verification() : undefined;
  const skippedIds = new Set<SourceId>();

  progress.start(source.table, await source.countAfter(resumeFrom));
  let pending = source.readAfter(resumeFrom, options.batchSize);
  for (;;) {
    const batch = await pending;
    if (batch === null) break;
    pending = source.readAfter(batch.lastId, options.batchSize);
    report.sourceRows += batch.rows;
    report.merged += batch.merged;
    report.skipped += batch.skipped.length - batch.merged;
    for (const id of batch.skipped) skippedIds.add(id);

    const found = await findTargets(collection, source, batch.records);

    const inserts: MappedRecord[] = [];
    const updates: MappedRecord[] = [];
    for (const record of batch.records) {
      const existing = found.get(record.targetId.toHexString());
      // A new record needs no hash unless verifying (a large first import is mostly new records).
      if (!existing && !verification) {
        inserts.push(record);
        continue;
      }
      const wanted = recordHash(source.canonical(record.fields));
      const actual = existing ? recordHash(source.canonical(existing)) : undefined;
      verification?.compare(source, record, wanted, existing, actual);
      if (!existing) inserts.push(record);
      else if (actual !== wanted) updates.push(record);
      else report.unchanged += 1;
    }
    if (mode === "import") {
      const failedInserts = await insertAll(collection, inserts, source.table, options.issues);
      const failedUpdates = await updateAll(collection, updates, source.table, options.issues);
      report.inserted += inserts.length - failedInserts;
      report.updated += updates.length - failedUpdates;
      if (source.appendOnly) await options.checkpoints.write(source.table, batch.lastId);
    } else {
      report.inserted += inserts.length;
      report.updated += updates.length;
    }
    progress.advance(batch.rows);
  }
  progress.finish();
  if (verification) report.verification = await verification.finish(source, collection, skippedIds);
  report.seconds = (Date.now() - started) / 1000;
  return report;
}

/**
 * The target documents of a batch, by id. The own ids of one batch are in `_id` order (consecutive for v1's
 * deterministic ids), so they are read as one `_id` range (an index range scan); a `$in` of thousands of ids costs
 * far more on some engines. Ids matched by natural key (documents the platform made itself) are few and read with `$in`.
 */
async function findTargets(collection: mongo.Collection<Doc>, source: TableSource, records: MappedRecord[]): Promise<Map<string, Doc>> {
  const found = new Map<string, Doc>();
  let low: mongoose.Types.ObjectId | undefined;
  let high: mongoose.Types.ObjectId | undefined;
  const others: mongoose.Types.ObjectId[] = [];
  for (const { targetId, sourceId } of records) {
    if (!targetId.equals(source.ownId(sourceId))) others.push(targetId);
    else {
      if (!low || targetId.toHexString() < low.toHexString()) low = targetId;
      if (!high || targetId.toHexString() > high.toHexString()) high = targetId;
    }
  }
  if (low && high)
    for (const doc of await collection.find({ _id: { $gte: low, $lte: high } }).toArray()) found.set(doc._id.toHexString(), doc);
  if (others.length > 0) for (const doc of await collection.find({ _id: { $in: others } }).toArray()) found.set(doc._id.toHexString(), doc);
  return found;
}

/** A checkpoint is trusted only while the target still holds what it says was imported (a wiped target starts over). */
async function usableCheckpoint(
  source: TableSource,
  collection: mongo.Collection<Doc>,
  checkpoints: Checkpoints,
): Promise<SourceId | null> {
  const lastId = await checkpoints.read(source.table);
  if (lastId === null) return null;
  const any = await collection.findOne(source.owned, { projection: { _id: 1 } });
  if (!any) return null;
  return source.resumeAfter ? source.resumeAfter(lastId) : lastId;
}

async function insertAll(collection: mongo.Collection<Doc>, records: MappedRecord[], table: string, issues: IssueLog): Promise<number> {
  if (records.length === 0) return 0;
  const documents = records.map((record) => ({ _id: record.targetId, ...record.fields, ...record.onInsert }) as Doc);
  try {
    await collection.insertMany(documents, { ordered: false });
    return 0;
  } catch (error) {
    return reportWriteErrors(error, records, table, issues);
  }
}

async function updateAll(collection: mongo.Collection<Doc>, records: MappedRecord[], table: string, issues: IssueLog): Promise<number> {
  if (records.length === 0) return 0;
  const operations = records.map((record) => ({ updateOne: { filter: { _id: record.targetId }, update: { $set: record.fields } } }));
  try {
    await collection.bulkWrite(operations, { ordered: false });
    return 0;
  } catch (error) {
    return reportWriteErrors(error, records, table, issues);
  }
}

interface WriteErrorLike {
  index: number;
  code?: number;
  errmsg?: string;
}

/**
 * A row the target refuses (another document already holds its email, key or transaction id) is reported as a
 * conflict and the rest of the batch goes on. Anything else is not a data problem and stops the run.
 */
function reportWriteErrors(error: unknown, records: MappedRecord[], table: string, issues: IssueLog): number {
  const raw = (error as { writeErrors?: WriteErrorLike | WriteErrorLike[] }).writeErrors;
  if (raw === undefined) throw error;
  const errors = Array.isArray(raw) ? raw : [raw];
  let failed = 0;
  for (const writeError of errors) {
    const record = records[writeError.index];
    if (writeError.code !== 11000 || record === undefined) throw error;
    // The same id written meanwhile (a resumed batch): it is there, which is what was wanted.
    if (/index: _id_ /.test(writeError.errmsg ?? "")) continue;
    failed += 1;
    issues.add({
      table,
      sourceId: record.sourceId,
      kind: "conflict",
      action: "skipped",
      message: `the platform already has another record with this value (${(writeError.errmsg ?? "").replace(/^.*index: /, "index ")})`,
      row: record.row,
    });
  }
  return failed;
}

/** Verification of one table: per-record hashes and a checksum on each side, in source-id order. */
class Verification {
  private readonly sourceSum = new TableChecksum();
  private readonly targetSum = new TableChecksum();
  private readonly mismatches: Mismatch[] = [];
  private unlisted = 0;
  private foundInRange = 0;
  private found = 0;

  compare(source: TableSource, record: MappedRecord, wanted: string, existing: Doc | undefined, actual: string | undefined): void {
    this.sourceSum.add(record.sourceId, wanted);
    this.targetSum.add(record.sourceId, actual ?? "missing");
    if (existing) {
      this.found += 1;
      if (source.sourceIdOf(existing) !== undefined) this.foundInRange += 1;
    }
    if (actual === wanted) return;
    const mismatch: Mismatch = {
      sourceId: record.sourceId,
      targetId: record.targetId.toHexString(),
      problem: existing ? "different" : "missing",
    };
    if (existing) mismatch.fields = differingFields(source.canonical(record.fields), source.canonical(existing));
    this.list(mismatch);
  }

  private list(mismatch: Mismatch): void {
    if (this.mismatches.length < LISTED_MISMATCHES) this.mismatches.push(mismatch);
    else this.unlisted += 1;
  }

  /** Documents in the table's id range that no source row maps to (deleted in the source, or skipped now). */
  async finish(source: TableSource, collection: mongo.Collection<Doc>, skipped: Set<SourceId>): Promise<TableVerification> {
    const inRange = await collection.countDocuments(source.owned);
    const extraneous = inRange - this.foundInRange;
    if (extraneous > 0) await this.listExtraneous(source, collection, skipped, extraneous);
    return {
      sourceCount: this.sourceSum.records,
      targetCount: this.found + Math.max(extraneous, 0),
      sourceChecksum: this.sourceSum.digest(),
      targetChecksum: extraneous > 0 ? `${this.targetSum.digest().slice(0, 48)}+${extraneous}extra` : this.targetSum.digest(),
      mismatches: this.mismatches,
      unlisted: this.unlisted,
    };
  }

  private async listExtraneous(
    source: TableSource,
    collection: mongo.Collection<Doc>,
    skipped: Set<SourceId>,
    expected: number,
  ): Promise<void> {
    let listed = 0;
    const cursor = collection.find(source.owned, { projection: { _id: 1, [IMPORTED_FROM_FIELD]: 1 } }).sort({ _id: 1 });
    let chunk: Array<{ targetId: mongoose.Types.ObjectId; sourceId: SourceId }> = [];
    const flush = async (): Promise<void> => {
      const present = await source.existing(chunk.map((entry) => entry.sourceId));
      for (const entry of chunk) {
        if (present.has(entry.sourceId) && !skipped.has(entry.sourceId)) continue;
        listed += 1;
        this.list({ sourceId: entry.sourceId, targetId: entry.targetId.toHexString(), problem: "extraneous" });
      }
      chunk = [];
    };
    for await (const doc of cursor) {
      const sourceId = source.sourceIdOf(doc);
      if (sourceId !== undefined) chunk.push({ targetId: doc._id, sourceId });
      if (chunk.length >= 5000) await flush();
      if (listed >= expected) break;
    }
    if (chunk.length > 0) await flush();
    await cursor.close();
  }
}

function differingFields(wanted: Record<string, unknown>, actual: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(wanted), ...Object.keys(actual)]);
  return [...keys].filter((key) => recordHash({ v: wanted[key] }) !== recordHash({ v: actual[key] })).sort();
}
