import { readdir, stat, unlink } from "node:fs/promises";
import path from "node:path";

/** Scheduled backups are named by the UTC second they started, so names sort in time order. */
const SCHEDULED_NAME = /^chatello-backup-\d{8}T\d{6}Z\.ejson\.gz$/;
// A temporary file of createBackup: `.<name>.<pid>.<random>.partial`.
const PARTIAL_NAME = /^\.chatello-backup-\d{8}T\d{6}Z\.ejson\.gz\.\d+\.[0-9a-f]+\.partial$/;
/** A partial file untouched for this long was left by a process that died while writing it. */
const ABANDONED_PARTIAL_MS = 60 * 60_000;

export function scheduledBackupName(startedAt: Date): string {
  const compact = startedAt
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
  return `chatello-backup-${compact}.ejson.gz`;
}

export interface BackupFileInfo {
  name: string;
  sizeBytes: number;
  /** When the backup started (from its name, which is its UTC second). */
  createdAt: Date;
}

/** The scheduled backups in `dir`, newest first (none when the folder does not exist yet). */
export async function listBackups(dir: string): Promise<BackupFileInfo[]> {
  const names = await readdir(dir).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [] as string[];
    throw error;
  });
  const scheduled = names
    .filter((name) => SCHEDULED_NAME.test(name))
    .sort()
    .reverse();
  const files: BackupFileInfo[] = [];
  for (const name of scheduled) {
    const info = await stat(path.join(dir, name)).catch(() => undefined);
    if (info) files.push({ name, sizeBytes: info.size, createdAt: startOf(name) });
  }
  return files;
}

/** "chatello-backup-20261203T193000Z.ejson.gz" → 2026-12-03T19:30:00Z. */
function startOf(name: string): Date {
  const [, y, mo, d, h, mi, s] = /(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(name) ?? [];
  return new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
}

/**
 * Keeps the `keep` newest scheduled backups in `dir` and deletes the older ones (and partial files abandoned by a
 * process that died while writing). Other files in the folder are never touched. Returns the deleted names.
 */
export async function pruneBackups(dir: string, keep: number, now = Date.now()): Promise<string[]> {
  const names = await readdir(dir);
  const scheduled = names.filter((name) => SCHEDULED_NAME.test(name)).sort();
  const expired = scheduled.slice(0, Math.max(0, scheduled.length - keep));
  for (const name of names.filter((name) => PARTIAL_NAME.test(name))) {
    const modified = (await stat(path.join(dir, name)).catch(() => undefined))?.mtimeMs;
    if (modified !== undefined && now - modified > ABANDONED_PARTIAL_MS) expired.push(name);
  }
  for (const name of expired) await unlink(path.join(dir, name)).catch(ignoreMissing);
  return expired;
}

function ignoreMissing(error: unknown): void {
  // Another instance pruning the same shared folder got there first.
  if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
}
