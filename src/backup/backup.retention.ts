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
