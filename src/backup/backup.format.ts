/**
 * The backup file, format version 1.
 *
 * One gzip stream (RFC 1952) of UTF-8 text: one JSON value per line, each line ending in "\n", in this order:
 *
 *   {"chatelloBackup":{"formatVersion":1,"platformVersion":"0.1.0","createdAt":"2025-08-21T00:00:00.000Z","database":"chatello_saas"}}
 *   for each collection, in name order:
 *     {"collection":{"name":"licenses","options":{},"indexes":[{"key":{"key_hash":{"$numberInt":"1"}},"name":"key_hash_1","unique":true}]}}
 *     {"doc":{"_id":{"$oid":"66b7f0c2e4b0a1b2c3d4e5f6"},"plan":"pro","created_at":{"$date":{"$numberLong":"1723291200000"}}}}
 *     … one "doc" line per document, in _id order
 *   {"manifest":{"formatVersion":1,"platformVersion":"0.1.0","createdAt":"…","completedAt":"…","database":"chatello_saas",
 *                "consistency":{"method":"single-read"},
 *                "collections":{"licenses":{"count":1,"sha256":"<64 hex digits>","indexes":1}}}}
 *
 * - Documents, collection options and index definitions are canonical Extended JSON v2 (`relaxed: false`), so every
 *   BSON type comes back as itself: int32, int64 and double stay apart, dates are exact to the millisecond, binary keeps
 *   its subtype, regular expressions keep their flags.
 * - A collection's `sha256` is the SHA-256 of its documents' canonical Extended JSON, each followed by "\n" (the text of
 *   each "doc" line between `{"doc":` and the final `}`); `count` is the number of those lines. Documents are written in
 *   `_id` order, so the same data always gives the same bytes: a backup of a restored backup has the same hashes.
 * - Index definitions are as `listIndexes` gives them, without `v` and `ns`; the `_id_` index is implied.
 * - The header and the manifest are plain JSON (strings and numbers only). The manifest is the last line: a file
 *   without it is truncated, and nothing may follow it.
 * - A reader refuses a file whose `formatVersion` is newer than the one it knows: a newer platform may write what an
 *   older one would restore wrongly. `platformVersion` is the version of the platform that wrote the file.
 */

export const BACKUP_FORMAT_VERSION = 1;

/** Each line starts with one of these, which says what the line is. */
export const LINE_PREFIX = {
  header: '{"chatelloBackup":',
  collection: '{"collection":',
  document: '{"doc":',
  manifest: '{"manifest":',
} as const;

/** Collections a backup leaves out: the server's own, and the schedule's lease (a fact about this deployment). */
export const BACKUP_STATE_COLLECTION = "backup_state";

export function isBackedUpCollection(name: string): boolean {
  return !name.startsWith("system.") && name !== BACKUP_STATE_COLLECTION;
}

export interface BackupHeader {
  formatVersion: number;
  platformVersion: string;
  createdAt: string;
  database: string;
}

/**
 * How the documents were read: `single-read` (the embedded engine, one atomic command for every collection),
 * `snapshot` (a replica set: one snapshot session, so every read is at `atClusterTime`), or `per-collection` (a
 * standalone mongod: each collection is read at its own moment).
 */
export type Consistency =
  { method: "single-read" } | { method: "snapshot"; atClusterTime: { t: number; i: number } | null } | { method: "per-collection" };

export interface CollectionSummary {
  count: number;
  sha256: string;
  indexes: number;
}

export interface BackupManifest {
  formatVersion: number;
  platformVersion: string;
  createdAt: string;
  completedAt: string;
  database: string;
  consistency: Consistency;
  collections: Record<string, CollectionSummary>;
}

export interface CollectionSpec {
  name: string;
  /** `listCollections` options (capped, validator, …); empty for the platform's own collections. */
  options: Record<string, unknown>;
  /** Index definitions other than `_id_`. */
  indexes: IndexSpec[];
}

export interface IndexSpec {
  key: Record<string, unknown>;
  name: string;
  [option: string]: unknown;
}

/**
 * A line longer than this cannot come from a document MongoDB accepts (16 MiB of BSON, at most a few times longer as
 * Extended JSON): the file is damaged, and reading stops before the line fills memory.
 */
export const MAX_LINE_CHARS = 128 * 1024 * 1024;
