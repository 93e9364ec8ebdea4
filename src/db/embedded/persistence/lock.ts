import * as fs from "node:fs";
import type { Server } from "node:net";
import * as path from "node:path";
import { DataDirLockedError } from "./errors";
import { fsyncDir, LOCK_FILE, TMP_SUFFIX } from "./files";
import { inspectLock, isPidAlive, type LockContent, removeLockIfOurs, takeLockFile, tryCreate } from "./lock-file";
import { askOwner, claimOwnerSocket, closeOwnerSocket, ownerSocketName, ownerSocketSupported } from "./owner-socket";
import type { PersistenceLogger } from "./types";

// How often the owner checks that mongod.lock still exists (tools find the engine's URI there). One stat call.
const DEFAULT_RECHECK_MS = 1000;

/**
 * Claims the folder's owner socket (Linux). Null when the platform has none or it cannot be created: then
 * mongod.lock is the only lock, as before the socket existed.
 */
async function claimSocket(dir: string, file: string, logger: PersistenceLogger, describe: () => LockContent): Promise<Server | null> {
  if (!ownerSocketSupported()) return null;
  const name = ownerSocketName(dir);
  const claim = await claimOwnerSocket(name, describe);
  if (claim.kind === "owned") return claim.server;
  if (claim.kind === "unavailable") {
    logger.warn({ dir, err: claim.error }, "cannot create the data folder's lock socket; relying on mongod.lock alone");
    return null;
  }
  // The owner's own answer first: its lock file may have been deleted or may not carry the URI yet.
  const answer = await askOwner(name);
  const state = answer === null ? inspectLock(file) : null;
  const fromFile = state?.kind === "held" && isPidAlive(state.content.pid) ? state.content : null;
  const owner = answer ?? fromFile;
  throw DataDirLockedError.heldBySocket(dir, name, owner?.pid, owner?.uri);
}

/**
 * `mongod.lock`: JSON `{ pid, uri?, startedAt }`, present while a process owns the data folder, so that tools can
 * find the running engine. On Linux the lock socket (owner-socket.ts) is what keeps a second owner out; the file
 * is still honoured for owners that hold no socket (engines older than it). Elsewhere the file is the lock.
 */
export class DataDirLock {
  private recheck: NodeJS.Timeout | null = null;
  private checking: Promise<void> = Promise.resolve();
  private released = false;

  private constructor(
    private readonly file: string,
    private content: LockContent,
    private readonly socket: Server | null,
    private readonly logger: PersistenceLogger,
  ) {}

  static async acquire(dir: string, logger: PersistenceLogger, recheckMs = DEFAULT_RECHECK_MS): Promise<DataDirLock> {
    const file = path.join(dir, LOCK_FILE);
    const content: LockContent = { pid: process.pid, startedAt: new Date().toISOString() };
    let lock: DataDirLock | undefined;
    const socket = await claimSocket(dir, file, logger, () => lock?.content ?? content);
    try {
      await takeLockFile(dir, file, content, logger, socket !== null);
    } catch (err) {
      if (socket) await closeOwnerSocket(socket);
      throw err;
    }
    lock = new DataDirLock(file, content, socket, logger);
    lock.recheck = setInterval(() => lock?.restoreIfDeleted(), recheckMs);
    lock.recheck.unref();
    return lock;
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
    if (this.released) return;
    this.released = true;
    if (this.recheck) clearInterval(this.recheck);
    await this.checking;
    await removeLockIfOurs(this.file, this.content);
    // Only after the file is gone: a successor that gets the socket must not find our lock file and refuse.
    if (this.socket) await closeOwnerSocket(this.socket);
  }

  /** Tools read the URI from mongod.lock, so a lock deleted by hand is written again while the owner runs. */
  private restoreIfDeleted(): void {
    this.checking = this.checking.then(async () => {
      if (this.released || fs.existsSync(this.file)) return;
      try {
        // wx: if another process created the file meanwhile, it is left alone (and reported).
        if (tryCreate(this.file, this.content)) {
          this.logger.warn({ lockFile: this.file }, "mongod.lock was deleted while the engine runs; wrote it again");
          await fsyncDir(path.dirname(this.file));
        } else {
          const state = inspectLock(this.file);
          if (state.kind === "held" && state.content.pid !== this.content.pid) {
            const other = state.content;
            this.logger.warn(
              { lockFile: this.file, other },
              "mongod.lock was deleted while the engine runs and another process wrote its own",
            );
          }
        }
      } catch (err) {
        this.logger.warn({ lockFile: this.file, err }, "could not write mongod.lock again after it was deleted");
      }
    });
  }
}
