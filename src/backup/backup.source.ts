import type { Document } from "bson";
import type { mongo } from "mongoose";
import { isBackedUpCollection, type CollectionSpec, type Consistency, type IndexSpec } from "./backup.format";

type Db = mongo.Db;
type MongoClient = mongo.MongoClient;
type ReadMethod = Consistency["method"];

/**
 * Values exactly as stored: no int32/int64/double promoted to a JS number (which would come back as another type),
 * regular expressions as BSONRegExp (a JS RegExp loses flags such as x). Batches of 1000 bound what is held at once.
 */
export const EXACT_READ_OPTIONS = {
  promoteValues: false,
  promoteLongs: false,
  promoteBuffers: false,
  bsonRegExp: true,
  batchSize: 1000,
} as const;

// What the embedded engine answers to buildInfo (src/db/embedded/engine/commands/admin.ts).
const EMBEDDED_ENGINE_GIT_VERSION = "chatello-embedded";

/**
 * The single read of the embedded engine holds every command's thread until it has copied the whole database; the
 * engine's default limit (30 s) is for queries, not for this one command a backup runs.
 */
const SINGLE_READ_MAX_TIME_MS = 10 * 60_000;

export type SourceEntry = { kind: "collection"; spec: CollectionSpec } | { kind: "document"; doc: Document };

/** The database as one consistent read: its collections, then (lazily, as a stream) their documents in `_id` order. */
export interface DatabaseSnapshot {
  readonly collections: CollectionSpec[];
  entries(): AsyncGenerator<SourceEntry>;
  /** Known in full once entries() is done (a snapshot's cluster time is set by its first read). */
  consistency(): Consistency;
}

/**
 * Chooses how to read consistently:
 * - the embedded engine runs each command atomically, so one aggregate that unions every collection is a point in time;
 * - a replica set (or a sharded cluster) gives a snapshot session: every read is at the same cluster time;
 * - a standalone mongod has neither, so each collection is read at its own moment.
 * `method` forces one (tests exercise the snapshot path on the embedded engine, which then ignores the read concern).
 */
export async function openSnapshot(db: Db, client: MongoClient, method?: ReadMethod): Promise<DatabaseSnapshot> {
  const chosen = method ?? (await chooseMethod(db));
  const collections = await listCollectionSpecs(db);
  if (chosen === "single-read") return singleRead(db, collections);
  return chosen === "snapshot" ? snapshotRead(db, client, collections) : perCollectionRead(db, collections);
}

async function chooseMethod(db: Db): Promise<ReadMethod> {
  const admin = db.admin();
  const build = await admin.command({ buildInfo: 1 });
  if (build["gitVersion"] === EMBEDDED_ENGINE_GIT_VERSION) return "single-read";
  const hello = await admin.command({ hello: 1 });
  return typeof hello["setName"] === "string" || hello["msg"] === "isdbgrid" ? "snapshot" : "per-collection";
}

/** The collections a backup holds, in code-point order of their names, with their options and indexes. */
export async function listCollectionSpecs(db: Db): Promise<CollectionSpec[]> {
  const listed = await db.listCollections({}, { nameOnly: false }).toArray();
  const names = listed
    .filter((entry) => (entry.type ?? "collection") === "collection" && isBackedUpCollection(entry.name))
    .map((entry) => ({ name: entry.name, options: (entry as { options?: Record<string, unknown> }).options ?? {} }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const specs: CollectionSpec[] = [];
  for (const { name, options } of names) {
    const indexes = await db.collection(name).listIndexes().toArray();
    specs.push({ name, options, indexes: indexes.filter((index) => index["name"] !== "_id_").map(toIndexSpec) });
  }
  return specs;
}

function toIndexSpec(index: Document): IndexSpec {
  // `v` is the server's index format and `ns` an old server's echo of the collection: neither is part of the definition.
  const { v: _v, ns: _ns, key, name, ...options } = index;
  return { key: key as Record<string, unknown>, name: name as string, ...options };
}

function singleRead(db: Db, collections: CollectionSpec[]): DatabaseSnapshot {
  return {
    collections,
    consistency: () => ({ method: "single-read" }),
    async *entries() {
      const [first, ...rest] = collections;
      if (first === undefined) return;
      // Each document comes tagged with its collection; the union keeps the collections in the order given.
      const tagged = (name: string): Document[] => [{ $sort: { _id: 1 } }, { $replaceWith: { c: { $literal: name }, d: "$$ROOT" } }];
      const pipeline = [...tagged(first.name), ...rest.map((spec) => ({ $unionWith: { coll: spec.name, pipeline: tagged(spec.name) } }))];
      const cursor = db.collection(first.name).aggregate(pipeline, { ...EXACT_READ_OPTIONS, maxTimeMS: SINGLE_READ_MAX_TIME_MS });
      let next = 0;
      yield { kind: "collection", spec: first };
      for await (const row of cursor) {
        while (row["c"] !== collections[next]?.name) {
          next++;
          const spec = collections[next];
          if (spec === undefined) throw new Error(`the engine returned a document of an unexpected collection (${String(row["c"])})`);
          yield { kind: "collection", spec };
        }
        yield { kind: "document", doc: row["d"] as Document };
      }
      for (next++; next < collections.length; next++) yield { kind: "collection", spec: collections[next] as CollectionSpec };
    },
  };
}

function snapshotRead(db: Db, client: MongoClient, collections: CollectionSpec[]): DatabaseSnapshot {
  let atClusterTime: { t: number; i: number } | null = null;
  return {
    collections,
    consistency: () => ({ method: "snapshot", atClusterTime }),
    async *entries() {
      // The driver sends readConcern {level: "snapshot"} on the first read and that read's atClusterTime on every later one.
      const session = client.startSession({ snapshot: true });
      try {
        for (const spec of collections) {
          yield { kind: "collection", spec };
          for await (const doc of db.collection(spec.name).find({}, { ...EXACT_READ_OPTIONS, session, sort: { _id: 1 } })) {
            yield { kind: "document", doc };
          }
          atClusterTime ??= snapshotTimeOf(session);
        }
      } finally {
        await session.endSession();
      }
    },
  };
}

/** The cluster time a snapshot session reads at: kept by the driver on the session (not in its public typings). */
function snapshotTimeOf(session: mongo.ClientSession): { t: number; i: number } | null {
  const time = (session as unknown as { snapshotTime?: { t?: unknown; i?: unknown; high?: unknown; low?: unknown } }).snapshotTime;
  if (time === undefined) return null;
  const t = typeof time.t === "number" ? time.t : time.high;
  const i = typeof time.i === "number" ? time.i : time.low;
  return typeof t === "number" && typeof i === "number" ? { t, i } : null;
}

function perCollectionRead(db: Db, collections: CollectionSpec[]): DatabaseSnapshot {
  return {
    collections,
    consistency: () => ({ method: "per-collection" }),
    async *entries() {
      for (const spec of collections) {
        yield { kind: "collection", spec };
        for await (const doc of db.collection(spec.name).find({}, { ...EXACT_READ_OPTIONS, sort: { _id: 1 } }))
          yield { kind: "document", doc };
      }
    },
  };
}
