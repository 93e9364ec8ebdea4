import type { Document } from "bson";
import type { JournalOp } from "../persistence/types";
import { splitNamespace, type Catalog } from "./catalog";
import { idKeyOf } from "./collection";
import { CommandError } from "./errors";
import { compileFilter } from "./matcher";
import { queryCommitted, sortEntries, type Entry, type QueryShape, type Scope } from "./scope";

/** A document the transaction has written: the committed version it started from, and its new value. */
interface OverlayEntry {
  before: Document | undefined;
  after: Document | null;
}

/**
 * A transaction's view: committed documents with the transaction's own writes laid over them (read-committed plus
 * own writes). Nothing reaches the store until `commit`, which checks that every document the transaction wrote
 * is still the version it read (documents are immutable, so identity is the version) and otherwise fails with a
 * WriteConflict labelled TransientTransactionError, which drivers answer by retrying the whole transaction.
 */
export class TransactionScope implements Scope {
  readonly inTransaction = true;
  private readonly overlay = new Map<string, Map<string, OverlayEntry>>();
  /** The committed version of each document this transaction has read, to detect lost updates. */
  private readonly reads = new Map<string, Map<string, Document>>();

  constructor(private readonly catalog: Catalog) {}

  get(ns: string, idKey: string): Document | undefined {
    const entry = this.overlay.get(ns)?.get(idKey);
    if (entry) return entry.after ?? undefined;
    const doc = this.catalog.getNs(ns)?.get(idKey);
    if (doc) this.noteRead(ns, idKey, doc);
    return doc;
  }

  query(ns: string, shape: QueryShape): Entry[] {
    const changes = this.overlay.get(ns);
    const collection = this.catalog.getNs(ns);
    const committed = collection
      ? queryCommitted(collection, shape, changes ? (idKey) => changes.has(idKey) : undefined)
      : { entries: [], sorted: true };
    for (const [idKey, doc] of committed.entries) this.noteRead(ns, idKey, doc);
    if (!changes || changes.size === 0) return committed.sorted ? committed.entries : sortEntries(committed.entries, shape.sort);
    const matches = compileFilter(shape.filter);
    const entries = [...committed.entries];
    for (const [idKey, change] of changes) {
      shape.deadline?.visit();
      if (change.after && matches(change.after)) entries.push([idKey, change.after]);
    }
    return sortEntries(entries, shape.sort);
  }

  all(ns: string): Document[] {
    return this.query(ns, {}).map((entry) => entry[1]);
  }

  collectionExists(ns: string): boolean {
    return this.catalog.getNs(ns) !== undefined || (this.overlay.get(ns)?.size ?? 0) > 0;
  }

  insert(ns: string, doc: Document): void {
    const idKey = idKeyOf(doc);
    if (this.get(ns, idKey)) throw this.duplicate(ns, doc, "_id_");
    this.checkUnique(ns, idKey, doc);
    this.record(ns, idKey, doc);
  }

  replace(ns: string, idKey: string, after: Document): void {
    this.checkUnique(ns, idKey, after);
    this.record(ns, idKey, after);
  }

  remove(ns: string, idKey: string): void {
    if (this.get(ns, idKey)) this.record(ns, idKey, null);
  }

  /** Applies the overlay to the store atomically; returns the journal ops. Undoes everything on failure. */
  commit(): JournalOp[] {
    for (const [ns, changes] of this.overlay) {
      const collection = this.catalog.getNs(ns);
      for (const [idKey, change] of changes) {
        if (collection?.get(idKey) !== change.before) throw writeConflict();
      }
    }
    const journal: JournalOp[] = [];
    const undo: Array<() => void> = [];
    try {
      for (const [ns, changes] of this.overlay) {
        const { db, name } = splitNamespace(ns);
        const collection = this.catalog.ensure(db, name, journal);
        for (const [idKey, change] of changes) {
          const previous = collection.get(idKey) ?? null;
          collection.write(idKey, change.after);
          undo.push(() => collection.write(idKey, previous));
          journal.push(change.after ? { op: "put", ns, doc: change.after } : { op: "del", ns, id: (change.before as Document)._id });
        }
      }
    } catch (error) {
      for (const step of undo.reverse()) step();
      throw error;
    }
    this.overlay.clear();
    return journal;
  }

  private record(ns: string, idKey: string, after: Document | null): void {
    let changes = this.overlay.get(ns);
    if (!changes) {
      changes = new Map();
      this.overlay.set(ns, changes);
    }
    const existing = changes.get(idKey);
    if (existing) {
      existing.after = after;
      return;
    }
    const current = this.catalog.getNs(ns)?.get(idKey);
    const read = this.reads.get(ns)?.get(idKey);
    // Writing a document that changed since this transaction read it would lose the other write (mongod: conflict).
    if (read && read !== current) throw writeConflict();
    changes.set(idKey, { before: current, after });
  }

  private noteRead(ns: string, idKey: string, doc: Document): void {
    let seen = this.reads.get(ns);
    if (!seen) {
      seen = new Map();
      this.reads.set(ns, seen);
    }
    if (!seen.has(idKey)) seen.set(idKey, doc);
  }

  /** Unique indexes see committed documents the transaction has not rewritten, plus the transaction's own. */
  private checkUnique(ns: string, idKey: string, doc: Document): void {
    const collection = this.catalog.getNs(ns);
    if (!collection) return;
    const changes = this.overlay.get(ns);
    for (const index of collection.indexes.values()) {
      if (!index.unique || index.name === "_id_") continue;
      const keys = index.keysFor(doc);
      index.checkUnique(keys, doc, (holder) => holder === idKey || (changes?.has(holder) ?? false), ns);
      if (!changes) continue;
      for (const [otherId, change] of changes) {
        if (otherId === idKey || !change.after) continue;
        const otherKeys = new Set(index.keysFor(change.after));
        const clash = keys.find((key) => otherKeys.has(key));
        if (clash !== undefined) throw index.duplicateKeyError(doc, ns, clash);
      }
    }
  }

  private duplicate(ns: string, doc: Document, indexName: string): CommandError {
    const index = this.catalog.getNs(ns)?.indexes.get(indexName);
    if (index) return index.duplicateKeyError(doc, ns);
    return new CommandError("DuplicateKey", `E11000 duplicate key error collection: ${ns} index: _id_`, {
      extra: { keyPattern: { _id: 1 }, keyValue: { _id: doc._id } },
    });
  }
}

function writeConflict(): CommandError {
  return new CommandError(
    "WriteConflict",
    "Write conflict during plan execution and yielding is disabled. :: Please retry your operation or multi-document transaction.",
    {
      labels: ["TransientTransactionError"],
    },
  );
}
