import type { Document } from "bson";

/**
 * One change to the engine's state, as written to the journal. A command's changes are appended as one batch,
 * so that a crash never leaves half of a multi-document write (updateMany, a transaction commit) on disk.
 * Namespaces are "<db>.<collection>".
 */
export type JournalOp =
  | { op: "put"; ns: string; doc: Document } // insert, or replace the document with the same _id
  | { op: "del"; ns: string; id: unknown } // delete the document with this _id
  | { op: "createCollection"; ns: string; options: Document }
  | { op: "dropCollection"; ns: string }
  | { op: "createIndex"; ns: string; spec: Document } // spec as in listIndexes: { v, key, name, unique?, ... }
  | { op: "dropIndex"; ns: string; name: string }
  | { op: "dropDatabase"; db: string };

/** One collection as kept in a snapshot: its options, its index specs (without _id_) and all its documents. */
export interface SnapshotCollection {
  ns: string;
  options: Document;
  indexes: Document[];
  docs: Document[];
}

/** What a data folder holds when it is opened: the last snapshot (if any) and the journal batches written after it. */
export interface RecoveredState {
  collections: SnapshotCollection[];
  batches: JournalOp[][];
}

/** The subset of a pino logger that persistence uses (pino's `logger.warn(obj, msg)` fits as is). */
export interface PersistenceLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}
