import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { link, open, stat, unlink } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { EJSON } from "bson";
import type { Connection } from "mongoose";
import { APP_VERSION } from "../version";
import { BackupError } from "./backup.errors";
import { BACKUP_FORMAT_VERSION, LINE_PREFIX, type BackupHeader, type BackupManifest, type Consistency } from "./backup.format";
import { openSnapshot, type DatabaseSnapshot } from "./backup.source";

export interface CreateBackupOptions {
  /** Forces how the database is read (tests); by default the best the server offers. */
  method?: Consistency["method"];
  /** Stops the backup (the scheduler's lease was lost, or the platform is stopping); nothing is left behind. */
  signal?: AbortSignal;
  now?: () => Date;
}

export interface BackupResult {
  file: string;
  bytes: number;
  documents: number;
  manifest: BackupManifest;
}

// Lines are handed to gzip in chunks of about this size rather than one by one.
const CHUNK_CHARS = 64 * 1024;

/**
 * Writes a backup of the connection's database to `file` (format: backup.format.ts). Documents stream from the
 * database cursor through gzip to disk, so memory holds a batch, not a collection. The file appears only when it is
 * complete and on disk: it is written under a temporary name beside it, then linked into place, which also refuses
 * to replace an existing file. On failure nothing is left at `file`.
 */
export async function createBackup(connection: Connection, file: string, options: CreateBackupOptions = {}): Promise<BackupResult> {
  const now = options.now ?? (() => new Date());
  if (await exists(file)) throw new BackupError(`${file} already exists: choose another name (a backup never replaces a file)`);
  const db = connection.db;
  if (db === undefined) throw new BackupError("the database connection is not open");
  const snapshot = await openSnapshot(db, connection.getClient(), options.method);
  const header: BackupHeader = {
    formatVersion: BACKUP_FORMAT_VERSION,
    platformVersion: APP_VERSION,
    createdAt: now().toISOString(),
    database: db.databaseName,
  };
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.partial`);
  const written = { manifest: undefined as BackupManifest | undefined, documents: 0 };
  try {
    await pipeline(
      Readable.from(chunked(backupLines(snapshot, header, now, written, options.signal))),
      createGzip(),
      createWriteStream(temporary, { flags: "wx", mode: 0o600 }),
      { signal: options.signal },
    );
    await syncFile(temporary);
    await link(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST")
      throw new BackupError(`${file} already exists: choose another name`, { cause: error });
    throw error;
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
  await syncFile(path.dirname(file));
  const manifest = written.manifest as BackupManifest;
  return { file, bytes: (await stat(file)).size, documents: written.documents, manifest };
}

async function* backupLines(
  snapshot: DatabaseSnapshot,
  header: BackupHeader,
  now: () => Date,
  written: { manifest: BackupManifest | undefined; documents: number },
  signal: AbortSignal | undefined,
): AsyncGenerator<string> {
  yield `${LINE_PREFIX.header}${JSON.stringify(header)}}\n`;
  const collections: BackupManifest["collections"] = {};
  let current: { name: string; count: number; hash: ReturnType<typeof createHash>; indexes: number } | undefined;
  const finish = (): void => {
    if (current) collections[current.name] = { count: current.count, sha256: current.hash.digest("hex"), indexes: current.indexes };
  };
  for await (const entry of snapshot.entries()) {
    if (entry.kind === "collection") {
      signal?.throwIfAborted();
      finish();
      current = { name: entry.spec.name, count: 0, hash: createHash("sha256"), indexes: entry.spec.indexes.length };
      yield `${EJSON.stringify({ collection: entry.spec }, { relaxed: false })}\n`;
      continue;
    }
    if (current === undefined) throw new Error("a document was read before its collection");
    const text = EJSON.stringify(entry.doc, { relaxed: false });
    current.hash.update(text).update("\n");
    current.count++;
    written.documents++;
    yield `${LINE_PREFIX.document}${text}}\n`;
  }
  finish();
  const manifest: BackupManifest = {
    ...header,
    completedAt: now().toISOString(),
    consistency: snapshot.consistency(),
    collections,
  };
  written.manifest = manifest;
  yield `${LINE_PREFIX.manifest}${JSON.stringify(manifest)}}\n`;
}

/** Joins lines into chunks of about CHUNK_CHARS, so gzip gets fewer, larger writes. */
async function* chunked(lines: AsyncIterable<string>): AsyncGenerator<string> {
  let parts: string[] = [];
  let size = 0;
  for await (const line of lines) {
    parts.push(line);
    size += line.length;
    if (size >= CHUNK_CHARS) {
      yield parts.join("");
      parts = [];
      size = 0;
    }
  }
  if (parts.length > 0) yield parts.join("");
}

async function syncFile(target: string): Promise<void> {
  const handle = await open(target, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}
