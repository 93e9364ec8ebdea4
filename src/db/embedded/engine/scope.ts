import type { Document } from "bson";
import type { JournalOp } from "../persistence/types";
import type { Catalog } from "./catalog";
import { splitNamespace } from "./catalog";
import { idKeyOf, type Collection } from "./collection";
import { compileFilter } from "./matcher";
import type { Deadline } from "./operation.deadline";
import { planQuery } from "./planner";
import { sortDocuments } from "./sort-project";

export type Entry = readonly [idKey: string, doc: Document];

export interface QueryShape {
  filter?: Document;
  sort?: Document;
  /** Stop once this many matches are found (skip + limit), when the plan yields them in order. */
  stopAfter?: number;
  /** The command's time limit, checked for every document or index key visited. */
  deadline?: Deadline;
}

/**
 * What a command reads and writes through: the committed store (`CommittedScope`), or a transaction's view of
 * it (`TransactionScope`: committed data with the transaction's own writes laid over it).
 */
export interface Scope {
  readonly inTransaction: boolean;
  get(ns: string, idKey: string): Document | undefined;
  query(ns: string, shape: QueryShape): Entry[];
  /** All documents of a collection as this scope sees them (aggregation input). */
  all(ns: string): Document[];
  insert(ns: string, doc: Document): void;
  replace(ns: string, idKey: string, after: Document): void;
  remove(ns: string, idKey: string): void;
  collectionExists(ns: string): boolean;
}

/** Runs a filter against one collection's committed documents, using an index when one fits. */
export function queryCommitted(
  collection: Collection,
  shape: QueryShape,
  skip?: (idKey: string) => boolean,
): { entries: Entry[]; sorted: boolean } {
  const matches = compileFilter(shape.filter);
  const plan = planQuery(collection.indexes.values(), shape.filter, shape.sort);
  const entries: Entry[] = [];
  // Without a sort any matches will do, so the scan can stop early whatever the plan.
  const unsorted = !shape.sort || Object.keys(shape.sort).length === 0;
  const stats = collection.stats;
  if (plan.kind === "collscan") {
    stats.collectionScans++;
    const limit = unsorted && shape.stopAfter !== undefined ? shape.stopAfter : Number.POSITIVE_INFINITY;
    for (const [idKey, doc] of collection.docs) {
      if (entries.length >= limit) break;
      shape.deadline?.visit();
      if (skip?.(idKey)) continue;
      stats.scannedObjects++;
      if (matches(doc)) entries.push([idKey, doc]);
    }
    return { entries, sorted: unsorted };
  }
  const seen = new Set<string>();
  const dedupe = plan.index.multikey || plan.ranges.length > 1;
  const limit = (plan.ordered || unsorted) && shape.stopAfter !== undefined ? shape.stopAfter : Number.POSITIVE_INFINITY;
  outer: for (const [low, high] of plan.ranges) {
    const ids = low === high ? (plan.index.lookup(low) ?? []) : plan.index.range(low, high, plan.reverse);
    for (const idKey of ids) {
      stats.scanned++;
      shape.deadline?.visit();
      if (dedupe) {
        if (seen.has(idKey)) continue;
        seen.add(idKey);
      }
      if (skip?.(idKey)) continue;
      const doc = collection.docs.get(idKey);
      if (!doc) continue;
      stats.scannedObjects++;
      if (!matches(doc)) continue;
      entries.push([idKey, doc]);
      if (entries.length >= limit) break outer;
    }
  }
  return { entries, sorted: plan.ordered || unsorted };
}

export function sortEntries(entries: Entry[], sort: Document | undefined): Entry[] {
  if (!sort || Object.keys(sort).length === 0) return entries;
  const byDoc = new Map<Document, Entry>(entries.map((entry) => [entry[1], entry]));
  return sortDocuments(
    entries.map((entry) => entry[1]),
    sort,
  ).map((doc) => byDoc.get(doc) as Entry);
}

/** Reads and writes the committed store directly; every change is recorded in `journal` for durability. */
export class CommittedScope implements Scope {
  readonly inTransaction = false;
  readonly journal: JournalOp[] = [];

  constructor(private readonly catalog: Catalog) {}

  get(ns: string, idKey: string): Document | undefined {
    return this.catalog.getNs(ns)?.get(idKey);
  }

  query(ns: string, shape: QueryShape): Entry[] {
    const collection = this.catalog.getNs(ns);
    if (!collection) return [];
    const { entries, sorted } = queryCommitted(collection, shape);
    return sorted ? entries : sortEntries(entries, shape.sort);
  }

  all(ns: string): Document[] {
    return [...(this.catalog.getNs(ns)?.docs.values() ?? [])];
  }

  collectionExists(ns: string): boolean {
    return this.catalog.getNs(ns) !== undefined;
  }

  insert(ns: string, doc: Document): void {
    const { db, name } = splitNamespace(ns);
    const collection = this.catalog.ensure(db, name, this.journal);
    collection.insert(idKeyOf(doc), doc);
    this.journal.push({ op: "put", ns, doc });
  }

  replace(ns: string, idKey: string, after: Document): void {
    const collection = this.catalog.getNs(ns);
    if (!collection) return;
    collection.write(idKey, after);
    this.journal.push({ op: "put", ns, doc: after });
  }

  remove(ns: string, idKey: string): void {
    const collection = this.catalog.getNs(ns);
    const before = collection?.get(idKey);
    if (!collection || !before) return;
    collection.write(idKey, null);
    this.journal.push({ op: "del", ns, id: before._id });
  }
}
