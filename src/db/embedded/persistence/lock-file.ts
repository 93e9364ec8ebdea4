// mongod.lock itself: reading, creating and taking over the file. The ownership rules live in lock.ts.
import * as fs from "node:fs";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { DataDirLockedError } from "./errors";
import { LOCK_FILE, removeIfPresent } from "./files";
import type { PersistenceLogger } from "./types";

/** What mongod.lock holds. */
export interface LockContent {
  pid: number;
  uri?: string;
  startedAt: string;
}

type LockState = { kind: "missing" } | { kind: "unreadable"; ageMs: number } | { kind: "held"; content: LockContent };

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

export function inspectLock(file: string): LockState {
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
export function tryCreate(file: string, content: LockContent): boolean {
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

/** Never deletes a lock that is no longer ours (e.g. someone removed it by hand and another process took it). */
export async function removeLockIfOurs(file: string, ours: LockContent): Promise<void> {
  const state = inspectLock(file);
  if (state.kind === "held" && state.content.pid === ours.pid && state.content.startedAt === ours.startedAt) {
    await removeIfPresent(file);
  }
}

/** For the CLI and other tools: is a live process holding this folder, and at which URI does its engine listen? */
export function readDataDirOwner(dir: string): { pid: number; uri?: string } | null {
  const state = inspectLock(path.join(dir, LOCK_FILE));
  if (state.kind !== "held" || !isPidAlive(state.content.pid)) return null;
  return state.content.uri === undefined ? { pid: state.content.pid } : { pid: state.content.pid, uri: state.content.uri };
}

/**
 * Creates mongod.lock, taking over one whose owner is gone. With the socket held, a lock naming this very process
 * is stale (a crashed engine whose pid was reused by this one, common for pid 1 in containers): had this process
 * opened the folder already, it could not have claimed the socket.
 */
export async function takeLockFile(
  dir: string,
  file: string,
  content: LockContent,
  logger: PersistenceLogger,
  socketHeld: boolean,
): Promise<void> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    if (tryCreate(file, content)) return;
    const state = inspectLock(file);
    const stalePid = socketHeld && state.kind === "held" && state.content.pid === process.pid;
    if (state.kind === "held" && isPidAlive(state.content.pid) && !stalePid) {
      throw DataDirLockedError.heldByLockFile(dir, file, state.content.pid, state.content.uri);
    }
    if (state.kind === "unreadable" && state.ageMs < UNREADABLE_GRACE_MS) {
      await sleep(RETRY_DELAY_MS);
    } else if (state.kind !== "missing") {
      // Two processes taking over the same stale lock in the same few microseconds could both succeed. That
      // needs a crash followed by two racing starts; accepted rather than adding a second lock file.
      // (On Linux the socket already ruled that out.)
      const stale = state.kind === "held" ? state.content : { unreadableForMs: state.ageMs };
      logger.warn({ dir, lockFile: file, stale }, "taking over the lock of a data folder whose owner is gone");
      await removeIfPresent(file);
    }
  }
  throw new Error(`Could not take the lock ${file}: it keeps being recreated by another process. Retry later.`);
}
