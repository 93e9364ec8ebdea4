import type { Document } from "bson";
import { IndexStore } from "./index-store";
import { encodeValue } from "./keys";

/** The key of a document in its collection: the order-preserving encoding of its `_id`. */
export function idKeyOf(doc: Document): string {
  return encodeValue(doc._id);
}

/**
 * One collection's committed documents and indexes. Every method runs synchronously, which is what makes each
 * command atomic: Node never interleaves two commands inside one of these calls.
 * Documents are never mutated in place; `write` swaps the stored reference.
 */
/** Counters reported by serverStatus as mongod does (`metrics.queryExecutor`), so tests can prove index use. */
export interface QueryStats {
  /** Index keys examined. */
  scanned: number;
  /** Documents examined. */
  scannedObjects: number;
  collectionScans: number;
}

export class Collection {
  readonly db: string;
  readonly name: string;
  options: Document;
  readonly docs = new Map<string, Document>();
  readonly indexes = new Map<string, IndexStore>();

  constructor(
    db: string,
    name: string,
    options: Document,
    readonly stats: QueryStats,
  ) {
    this.db = db;
    this.name = name;
    this.options = options;
    this.indexes.set("_id_", new IndexStore({ v: 2, key: { _id: 1 }, name: "_id_" }));
  }

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  get(idKey: string): Document | undefined {
    return this.docs.get(idKey);
  }

  /** Throws DuplicateKey if `doc` would collide in a unique index with a document not accepted by `ignore`. */
  checkUnique(doc: Document, ignore: (idKey: string) => boolean): void {
    for (const index of this.indexes.values()) {
      if (!index.unique || index.name === "_id_") continue;
      index.checkUnique(index.keysFor(doc), doc, ignore, this.ns);
    }
  }

  /**
   * Inserts, replaces (same `_id`) or deletes (`after` null) one document, keeping every index in step.
   * Unique violations throw before anything changes.
   */
  write(idKey: string, after: Document | null): void {
    const before = this.docs.get(idKey);
    const indexes = [...this.indexes.values()];
    // Each index's keys for the new version, computed once for the unique checks and the writes.
    const newKeys = indexes.map((index) => (after ? this.keysOf(index, idKey, after) : []));
    if (after)
      indexes.forEach((index, i) => {
        if (index.unique && index.name !== "_id_") index.checkUnique(newKeys[i] as string[], after, (holder) => holder === idKey, this.ns);
      });
    indexes.forEach((index, i) => {
      const added = newKeys[i] as string[];
      if (!before) {
        index.add(added, idKey);
        return;
      }
      const oldKeys = this.keysOf(index, idKey, before);
      // Most updates leave indexed fields alone; touching only changed keys keeps them cheap.
      index.remove(
        oldKeys.filter((key) => !added.includes(key)),
        idKey,
      );
      index.add(
        added.filter((key) => !oldKeys.includes(key)),
        idKey,
      );
    });
    if (after) this.docs.set(idKey, after);
    else this.docs.delete(idKey);
  }

  /** A document's keys in an index; in the `_id` index that is its id key, already encoded. */
  private keysOf(index: IndexStore, idKey: string, doc: Document): string[] {
    return index.name === "_id_" ? [idKey] : index.keysFor(doc);
  }

  /** Inserts a new document; an existing `_id` is a duplicate key. */
  insert(idKey: string, doc: Document): void {
    if (this.docs.has(idKey)) throw this.idIndex.duplicateKeyError(doc, this.ns);
    this.write(idKey, doc);
  }

  get idIndex(): IndexStore {
    return this.indexes.get("_id_") as IndexStore;
  }

  /** Builds a new index over the existing documents; a unique index over duplicates fails with 11000. */
  addIndex(spec: Document): IndexStore {
    const index = new IndexStore(spec);
    for (const [idKey, doc] of this.docs) {
      const keys = index.keysFor(doc);
      index.checkUnique(keys, doc, (holder) => holder === idKey, this.ns);
      index.add(keys, idKey);
    }
    this.indexes.set(index.name, index);
    return index;
  }

  dropIndex(name: string): void {
    this.indexes.delete(name);
  }

  /** Index specs as listIndexes reports them. */
  indexSpecs(): Document[] {
    return [...this.indexes.values()].map((index) => index.spec);
  }
}
