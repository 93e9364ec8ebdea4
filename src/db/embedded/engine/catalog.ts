import type { Document } from "bson";
import type { JournalOp } from "../persistence/types";
import { Collection, type QueryStats } from "./collection";
import { CommandError } from "./errors";

/** Splits "db.coll.with.dots" into its database and collection names. */
export function splitNamespace(ns: string): { db: string; name: string } {
  const dot = ns.indexOf(".");
  return { db: ns.slice(0, dot), name: ns.slice(dot + 1) };
}

const INVALID_DB = /[/\\. "$\u0000]/;

export function validateNames(db: string, name?: string): void {
  if (db.length === 0 || db.length > 63 || INVALID_DB.test(db))
    throw new CommandError("InvalidNamespace", `Invalid database name: '${db}'`);
  if (name !== undefined && (name.length === 0 || name.includes("$") || name.includes("\u0000") || name.startsWith("system."))) {
    throw new CommandError("InvalidNamespace", `Invalid collection name: ${name}`);
  }
}

/** Databases and their collections. DDL changes are recorded as journal ops by the caller-provided list. */
export class Catalog {
  private readonly databases = new Map<string, Map<string, Collection>>();
  readonly stats: QueryStats = { scanned: 0, scannedObjects: 0, collectionScans: 0 };

  get(db: string, name: string): Collection | undefined {
    return this.databases.get(db)?.get(name);
  }

  getNs(ns: string): Collection | undefined {
    const { db, name } = splitNamespace(ns);
    return this.get(db, name);
  }

  /** The collection, created (implicitly, as mongod does on first write) when missing. */
  ensure(db: string, name: string, journal: JournalOp[], options: Document = {}): Collection {
    const existing = this.get(db, name);
    if (existing) return existing;
    validateNames(db, name);
    return this.create(db, name, options, journal);
  }

  create(db: string, name: string, options: Document, journal: JournalOp[]): Collection {
    let collections = this.databases.get(db);
    if (!collections) {
      collections = new Map();
      this.databases.set(db, collections);
    }
    const collection = new Collection(db, name, options, this.stats);
    collections.set(name, collection);
    journal.push({ op: "createCollection", ns: collection.ns, options });
    return collection;
  }

  drop(db: string, name: string, journal: JournalOp[]): boolean {
    const collections = this.databases.get(db);
    if (!collections?.delete(name)) return false;
    if (collections.size === 0) this.databases.delete(db);
    journal.push({ op: "dropCollection", ns: `${db}.${name}` });
    return true;
  }

  dropDatabase(db: string, journal: JournalOp[]): boolean {
    if (!this.databases.delete(db)) return false;
    journal.push({ op: "dropDatabase", db });
    return true;
  }

  rename(from: Collection, toDb: string, toName: string, journal: JournalOp[]): void {
    // Replayed as: create target with the same indexes, copy documents, drop source.
    const target = this.create(toDb, toName, from.options, journal);
    for (const spec of from.indexSpecs()) {
      if (spec.name === "_id_") continue;
      target.addIndex(spec);
      journal.push({ op: "createIndex", ns: target.ns, spec });
    }
    for (const [idKey, doc] of from.docs) {
      target.write(idKey, doc);
      journal.push({ op: "put", ns: target.ns, doc });
    }
    this.drop(from.db, from.name, journal);
  }

  databaseNames(): string[] {
    return [...this.databases.keys()];
  }

  collections(db: string): Collection[] {
    return [...(this.databases.get(db)?.values() ?? [])];
  }

  allCollections(): Collection[] {
    return [...this.databases.values()].flatMap((collections) => [...collections.values()]);
  }
}
