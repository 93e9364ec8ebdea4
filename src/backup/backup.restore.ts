import { createHash } from "node:crypto";
import { EJSON, type Document } from "bson";
import type { Connection, mongo } from "mongoose";
import { BackupError } from "./backup.errors";
import type { BackupManifest } from "./backup.format";
import { readBackup, verifyBackup } from "./backup.reader";
import { EXACT_READ_OPTIONS } from "./backup.source";

export interface RestoreOptions {
  /** Drop every collection of a database that is not empty first (without it, such a database is refused). */
  drop?: boolean;
}

export interface RestoreResult {
  file: string;
  database: string;
  manifest: BackupManifest;
  /** Collections that were dropped first (with drop). */
  dropped: string[];
  collections: Array<{ name: string; documents: number; indexes: number }>;
  documents: number;
}

// Inserts go in batches: bounded memory, and few round trips.
const BATCH_DOCUMENTS = 1000;
const BATCH_CHARS = 8 * 1024 * 1024;

/**
 * Restores a backup into the connection's database, which must hold no collections (or `drop` must be given):
 * 1. the whole file is checked first, so a damaged or newer file changes nothing;
 * 2. an occupied database is refused, or emptied with `drop`;
 * 3. the documents are inserted as the file is read a second time (it is checked again on the way);
 * 4. every collection is read back, counted and hashed the way a backup hashes it, and compared with the manifest;
 * 5. the indexes are created last: a unique index is checked against the restored data, and a TTL index cannot
 *    delete documents before they were counted.
 */
export async function restoreBackup(connection: Connection, file: string, options: RestoreOptions = {}): Promise<RestoreResult> {
  const contents = await verifyBackup(file);
  const db = connection.db;
  if (db === undefined) throw new BackupError("the database connection is not open");
  const existing = (await db.listCollections({}, { nameOnly: true }).toArray())
    .map((entry) => entry.name)
    .filter((name) => !name.startsWith("system."));
  if (existing.length > 0 && options.drop !== true) {
    const documents = await countDocuments(db, existing);
    throw new BackupError(
      `the database "${db.databaseName}" is not empty (${existing.length} collections, ${documents} documents): ` +
        "a restore does not mix a backup with other data; run it again with --drop to replace everything in it",
    );
  }
  for (const name of existing) await db.dropCollection(name);

  const batch = new InsertBatch(db);
  await readBackup(file, {
    async collection(spec) {
      await batch.flush();
      await db.createCollection(spec.name, spec.options as mongo.CreateCollectionOptions);
    },
    document: (collection, doc, chars) => batch.add(collection, doc, chars),
  });
  await batch.flush();

  for (const spec of contents.collections) {
    const expected = contents.manifest.collections[spec.name];
    const found = await hashCollection(db, spec.name);
    if (expected === undefined || found.count !== expected.count || found.sha256 !== expected.sha256) {
      throw new BackupError(
        `the restored collection "${spec.name}" does not match the backup (${found.count} documents, backup ${expected?.count ?? 0}; ` +
          `SHA-256 ${found.sha256 === expected?.sha256 ? "equal" : "different"}): the database changed the data while or after it was written`,
      );
    }
  }
  for (const spec of contents.collections) {
    if (spec.indexes.length > 0) await db.collection(spec.name).createIndexes(spec.indexes as mongo.IndexDescription[]);
  }

  const collections = contents.collections.map((spec) => ({
    name: spec.name,
    documents: contents.manifest.collections[spec.name]?.count ?? 0,
    indexes: spec.indexes.length,
  }));
  return {
    file,
    database: db.databaseName,
    manifest: contents.manifest,
    dropped: existing,
    collections,
    documents: collections.reduce((sum, collection) => sum + collection.documents, 0),
  };
}

/** Count and SHA-256 of a collection's documents, computed exactly as a backup computes them. */
export async function hashCollection(db: mongo.Db, name: string): Promise<{ count: number; sha256: string }> {
  const hash = createHash("sha256");
  let count = 0;
  for await (const doc of db.collection(name).find({}, { ...EXACT_READ_OPTIONS, sort: { _id: 1 } })) {
    hash.update(EJSON.stringify(doc, { relaxed: false })).update("\n");
    count++;
  }
  return { count, sha256: hash.digest("hex") };
}

async function countDocuments(db: mongo.Db, names: string[]): Promise<number> {
  const counts = await Promise.all(names.map((name) => db.collection(name).estimatedDocumentCount()));
  return counts.reduce((sum, count) => sum + count, 0);
}

class InsertBatch {
  private collection: string | undefined;
  private docs: Document[] = [];
  private chars = 0;

  constructor(private readonly db: mongo.Db) {}

  async add(collection: string, doc: Document, chars: number): Promise<void> {
    if (collection !== this.collection) await this.flush();
    this.collection = collection;
    this.docs.push(doc);
    this.chars += chars;
    if (this.docs.length >= BATCH_DOCUMENTS || this.chars >= BATCH_CHARS) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.collection === undefined || this.docs.length === 0) return;
    const docs = this.docs;
    this.docs = [];
    this.chars = 0;
    await this.db.collection(this.collection).insertMany(docs, { ordered: true, bypassDocumentValidation: true });
  }
}
