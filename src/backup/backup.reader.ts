import { createHash, type Hash } from "node:crypto";
import { EJSON, type Document } from "bson";
import { z } from "zod";
import { APP_VERSION } from "../version";
import { BackupFileError } from "./backup.errors";
import {
  BACKUP_FORMAT_VERSION,
  LINE_PREFIX,
  MAX_LINE_CHARS,
  type BackupHeader,
  type BackupManifest,
  type CollectionSpec,
} from "./backup.format";
import { gzipLines } from "./backup.lines";

/** What a restore does with the file's contents while it is read; verify passes none. */
export interface BackupVisitor {
  collection?(spec: CollectionSpec): Promise<void> | void;
  /** `chars`: the length of the document's Extended JSON, a measure of its size. */
  document?(collection: string, doc: Document, chars: number): Promise<void> | void;
}

export interface BackupContents {
  header: BackupHeader;
  manifest: BackupManifest;
  collections: CollectionSpec[];
}

// A header is one short line; anything longer is not ours.
const MAX_HEADER_CHARS = 64 * 1024;

const headerSchema = z.object({
  formatVersion: z.number().int().positive(),
  platformVersion: z.string(),
  createdAt: z.string(),
  database: z.string(),
});

const manifestSchema = headerSchema.extend({
  completedAt: z.string(),
  consistency: z.union([
    z.object({ method: z.literal("single-read") }),
    z.object({ method: z.literal("snapshot"), atClusterTime: z.object({ t: z.number(), i: z.number() }).nullable() }),
    z.object({ method: z.literal("per-collection") }),
  ]),
  collections: z.record(
    z.string(),
    z.object({
      count: z.number().int().nonnegative(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      indexes: z.number().int().nonnegative(),
    }),
  ),
});

const collectionSchema = z.object({
  name: z.string().min(1),
  options: z.record(z.string(), z.unknown()),
  indexes: z.array(z.looseObject({ key: z.record(z.string(), z.unknown()), name: z.string().min(1) })),
});

/** Checks a backup file completely (structure, counts, hashes, every document) without a database. */
export function verifyBackup(file: string): Promise<BackupContents> {
  return readBackup(file, {});
}

/**
 * Reads a backup file as a stream, checking it as it goes: the header first (a newer format is refused before anything
 * else is read), every line's shape, and at the end every collection's count and SHA-256 against the manifest. The
 * visitor sees each collection and document once it is read; only when this returns was the whole file sound.
 */
export async function readBackup(file: string, visitor: BackupVisitor): Promise<BackupContents> {
  const lines = gzipLines(file, MAX_LINE_CHARS);
  const state = new ReadState(file);
  let header: BackupHeader | undefined;
  let manifest: BackupManifest | undefined;
  for await (const line of lines) {
    state.lineNumber++;
    if (manifest !== undefined) throw state.corrupted("it has data after its manifest");
    if (header === undefined) {
      header = parseHeader(state, line);
      continue;
    }
    if (line.startsWith(LINE_PREFIX.document)) {
      const { collection, doc } = state.document(line);
      await visitor.document?.(collection, doc, line.length);
    } else if (line.startsWith(LINE_PREFIX.collection)) {
      const spec = state.collection(line);
      await visitor.collection?.(spec);
    } else if (line.startsWith(LINE_PREFIX.manifest)) {
      manifest = state.manifest(line, header);
    } else {
      throw state.corrupted(`line ${state.lineNumber} is not a backup line`);
    }
  }
  if (header === undefined) throw new BackupFileError("not-a-backup", `${file} is not a Chatello backup: it holds no backup header`);
  if (manifest === undefined) throw new BackupFileError("truncated", `${file} is truncated: it ends before its manifest`);
  return { header, manifest, collections: state.specs };
}

function parseHeader(state: ReadState, line: string): BackupHeader {
  const notOurs = new BackupFileError("not-a-backup", `${state.file} is not a Chatello backup: it has no backup header`);
  if (!line.startsWith(LINE_PREFIX.header) || line.length > MAX_HEADER_CHARS) throw notOurs;
  const parsed = headerSchema.safeParse(parseJson(line)?.["chatelloBackup"]);
  if (!parsed.success) throw notOurs;
  checkFormatVersion(state.file, parsed.data);
  return parsed.data;
}

function checkFormatVersion(file: string, written: { formatVersion: number; platformVersion: string }): void {
  if (written.formatVersion <= BACKUP_FORMAT_VERSION) return;
  throw new BackupFileError(
    "newer-version",
    `${file} is in backup format ${written.formatVersion} (written by platform ${written.platformVersion}); this platform (${APP_VERSION}) ` +
      `reads format ${BACKUP_FORMAT_VERSION}: use platform ${written.platformVersion} or newer`,
  );
}

/** Per-collection running counts and hashes, and the rules on the order of lines. */
class ReadState {
  lineNumber = 0;
  readonly specs: CollectionSpec[] = [];
  private readonly seen = new Map<string, { count: number; sha256: string }>();
  private current: { name: string; count: number; hash: Hash } | undefined;

  constructor(readonly file: string) {}

  corrupted(reason: string): BackupFileError {
    return new BackupFileError("corrupted", `${this.file} is corrupted: ${reason}`);
  }

  collection(line: string): CollectionSpec {
    let value: unknown;
    try {
      value = (EJSON.parse(line, { relaxed: false }) as { collection?: unknown }).collection;
    } catch {
      throw this.corrupted(`line ${this.lineNumber} is not valid Extended JSON`);
    }
    const parsed = collectionSchema.safeParse(value);
    if (!parsed.success) throw this.corrupted(`line ${this.lineNumber} is not a valid collection header`);
    const spec: CollectionSpec = parsed.data;
    if (this.seen.has(spec.name) || this.current?.name === spec.name) throw this.corrupted(`collection "${spec.name}" appears twice`);
    this.finishCollection();
    this.current = { name: spec.name, count: 0, hash: createHash("sha256") };
    this.specs.push(spec);
    return spec;
  }

  document(line: string): { collection: string; doc: Document } {
    if (this.current === undefined) throw this.corrupted(`line ${this.lineNumber} is a document outside any collection`);
    if (!line.endsWith("}")) throw this.corrupted(`line ${this.lineNumber} is not a valid document`);
    const text = line.slice(LINE_PREFIX.document.length, -1);
    let doc: unknown;
    try {
      doc = EJSON.parse(text, { relaxed: false });
    } catch {
      throw this.corrupted(`line ${this.lineNumber} is not valid Extended JSON`);
    }
    if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw this.corrupted(`line ${this.lineNumber} is not a document`);
    this.current.hash.update(text).update("\n");
    this.current.count++;
    return { collection: this.current.name, doc: doc as Document };
  }

  manifest(line: string, header: BackupHeader): BackupManifest {
    this.finishCollection();
    const raw = parseJson(line)?.["manifest"];
    if (raw !== null && typeof raw === "object" && typeof (raw as { formatVersion?: unknown }).formatVersion === "number") {
      checkFormatVersion(this.file, raw as { formatVersion: number; platformVersion: string });
    }
    const parsed = manifestSchema.safeParse(raw);
    if (!parsed.success) throw this.corrupted("its manifest is not valid");
    const manifest: BackupManifest = parsed.data;
    if (manifest.formatVersion !== header.formatVersion || manifest.createdAt !== header.createdAt) {
      throw this.corrupted("its manifest does not match its header");
    }
    for (const [name, expected] of Object.entries(manifest.collections)) {
      const found = this.seen.get(name);
      if (found === undefined) throw this.corrupted(`collection "${name}" is in the manifest but not in the file`);
      if (found.count !== expected.count) {
        throw this.corrupted(`collection "${name}" holds ${found.count} documents, its manifest says ${expected.count}`);
      }
      if (found.sha256 !== expected.sha256) throw this.corrupted(`collection "${name}" does not match the SHA-256 in its manifest`);
    }
    for (const spec of this.specs) {
      const expected = manifest.collections[spec.name];
      if (expected === undefined) throw this.corrupted(`collection "${spec.name}" is in the file but not in the manifest`);
      if (expected.indexes !== spec.indexes.length)
        throw this.corrupted(`collection "${spec.name}" does not have the indexes its manifest lists`);
    }
    return manifest;
  }

  private finishCollection(): void {
    if (this.current === undefined) return;
    this.seen.set(this.current.name, { count: this.current.count, sha256: this.current.hash.digest("hex") });
    this.current = undefined;
  }
}

function parseJson(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
