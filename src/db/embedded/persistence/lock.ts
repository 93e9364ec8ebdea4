import * as fs from "node:fs";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { DataDirLockedError } from "./errors";
import { fsyncDir, LOCK_FILE, removeIfPresent, TMP_SUFFIX } from "./files";
import type { PersistenceLogger } from "./types";

interface LockContent {
  pid: number;
  uri?: string;
  startedAt: string;
}

type LockState =
  | { kind: "missing" }
  | { kind: "unreadable"; ageMs: number }
  | { kind: "held"; content: LockContent };

// Creating the lock (open with wx) and writing the pid into it are two steps, so a lock that cannot be parsed
// is usually being written right now. Only once it is this old is it treated as left behind by a crash.
const UNREADABLE_GRACE_MS = 1000;
const RETRY_DELAY_MS = 50;
const MAX_ATTEMPTS = 2 + UNREADABLE_GRACE_MS / RETRY_DELAY_MS;

export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function inspectLock(file: string): LockState {
  let text: string;
  let mtimeMs: number;
  try {
    text = fs.readFileSync(file, "utf8");
    mtimeMs = fs.statSync(file).mtimeMs;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { kind: "missing" };
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockContent> | null;
    if (parsed && typeof parsed.pid === "number") {
      const content: LockContent = { pid: parsed.pid, startedAt: String(parsed.startedAt) };
      if (typeof parsed.uri === "string") content.uri = parsed.uri;
      return { kind: "held", content };
    }
  } catch {
    // Falls through: handled like any other unreadable content.
  }
  return { kind: "unreadable", ageMs: Date.now() - mtimeMs };
}

/** Creates the lock file only if it does not exist yet; false when it does. */
function tryCreate(file: string, content: LockContent): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, "wx");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
  try {
    fs.writeSync(fd, JSON.stringify(content));
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    return true;
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
    throw err;
  }
}

/** For the CLI and other tools: is a live process holding this folder, and at which URI does its engine listen? */
export function readDataDirOwner(dir: string): { pid: number; uri?: string } | null {
  const state = inspectLock(path.join(dir, LOCK_FILE));
  if (state.kind !== "held" || !isPidAlive(state.content.pid)) return null;
  return state.content.uri === undefined ? { pid: state.content.pid } : { pid: state.content.pid, uri: state.content.uri };
}

/** `mongod.lock`: JSON `{ pid, uri?, startedAt }`, present while a process owns the data folder. */
export class DataDirLock {
  private constructor(
    private readonly file: string,
    private content: LockContent,
  ) {}

  static async acquire(dir: string, logger: PersistenceLogger): Promise<DataDirLock> {
    const file = path.join(dir, LOCK_FILE);
    const content: LockContent = { pid: process.pid, startedAt: new Date().toISOString() };
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      if (tryCreate(file, content)) return new DataDirLock(file, content);
      const state = inspectLock(file);
      if (state.kind === "held" && isPidAlive(state.content.pid)) {
        throw new DataDirLockedError(dir, file, state.content.pid, state.content.uri);
      }
      if (state.kind === "unreadable" && state.ageMs < UNREADABLE_GRACE_MS) {
        await sleep(RETRY_DELAY_MS);
      } else if (state.kind !== "missing") {
        // Two processes taking over the same stale lock in the same few microseconds could both succeed. That
        // needs a crash followed by two racing starts; accepted rather than adding a second lock file.
        const stale = state.kind === "held" ? state.content : { unreadableForMs: state.ageMs };
        logger.warn({ dir, lockFile: file, stale }, "taking over the lock of a data folder whose owner is gone");
        await removeIfPresent(file);
      }
    }
    throw new Error(`Could not take the lock ${file}: it keeps being recreated by another process. Retry later.`);
  }

  /** Rewrites the lock atomically (temp file + rename) so readers never see a half-written file. */
  async recordAddress(uri: string): Promise<void> {
    const next: LockContent = { ...this.content, uri };
    const tmp = this.file + TMP_SUFFIX;
    await fs.promises.writeFile(tmp, JSON.stringify(next), { flush: true });
    await fs.promises.rename(tmp, this.file);
    await fsyncDir(path.dirname(this.file));
    this.content = next;
  }

  async release(): Promise<void> {
    const state = inspectLock(this.file);
    // Never delete a lock that is no longer ours (e.g. someone removed it by hand and another process took it).
    if (state.kind === "held" && state.content.pid === this.content.pid && state.content.startedAt === this.content.startedAt) {
      await removeIfPresent(this.file);
    }
  }
}
