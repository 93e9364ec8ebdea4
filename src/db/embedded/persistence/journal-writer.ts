import * as fs from "node:fs";
import type { FileHandle } from "node:fs/promises";
import * as path from "node:path";
import { fsyncDir } from "./files";
import { recordLength } from "./record";

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}
type Item = { kind: "record"; parts: Buffer[] } | { kind: "switch"; file: string; opened: () => Promise<void> };
type Pending = Item & Waiter;

export interface JournalStats {
  /** fdatasync calls that made records durable. */
  flushes: number;
  /** Records written. flushes < records means group commit happened. */
  records: number;
  /** Seconds spent in those fdatasync calls, summed (for the mean fsync latency on /metrics). */
  flushSeconds: number;
}

/**
 * Appends records to the current journal file with group commit: one flush at a time writes every record
 * queued so far with a single writev and fdatasync, then acknowledges them all. A switch to a new journal file
 * is queued like a record, so everything appended before it is durable in the old file before anything is
 * written to the new one (recovery replays the files in order and must never find a gap).
 */
export class JournalWriter {
  readonly stats: JournalStats = { flushes: 0, records: 0, flushSeconds: 0 };
  private queue: Pending[] = [];
  private flushing = false;
  private idleWaiters: Array<() => void> = [];
  // After a failed write or fsync the file may end in a partial record and the kernel may have dropped dirty
  // pages, so appending more could put good records after a bad one. Every later call fails instead.
  private failure: Error | null = null;
  private closed = false;

  private constructor(private handle: FileHandle) {}

  /** Opens (creating if needed) a journal file for appending. */
  static async open(file: string): Promise<JournalWriter> {
    return new JournalWriter(await openForAppend(file));
  }

  /** Resolves once the record is on disk. */
  append(parts: Buffer[]): Promise<void> {
    return this.enqueue({ kind: "record", parts });
  }

  /**
   * Resolves once earlier records are durable and later ones will go to `file`. `opened` runs once the new file
   * exists (its directory entry fsynced) and before any record is written to it; if it fails, the journal fails.
   */
  switchTo(file: string, opened: () => Promise<void> = async () => undefined): Promise<void> {
    return this.enqueue({ kind: "switch", file, opened });
  }

  /** Waits for queued records (resolved or rejected), then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.flushing) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    await this.handle.close();
  }

  private enqueue(item: Item): Promise<void> {
    if (this.closed) return Promise.reject(new Error("the journal is closed"));
    if (this.failure) return Promise.reject(this.stickyError());
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ ...item, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        // Start on the next microtask so that appends made in the same synchronous burst share the first flush.
        queueMicrotask(() => void this.flushLoop());
      }
    });
  }

  private async flushLoop(): Promise<void> {
    while (this.queue.length > 0) {
      const items = this.queue;
      this.queue = [];
      await this.process(items);
    }
    // Same synchronous step as the emptiness check above, so an append cannot slip in between unserved.
    this.flushing = false;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** Never throws: a failure rejects the items of this round and every later one. */
  private async process(items: Pending[]): Promise<void> {
    if (this.failure) {
      for (const item of items) item.reject(this.stickyError());
      return;
    }
    let group: Pending[] = [];
    try {
      for (const item of items) {
        if (item.kind === "record") {
          group.push(item);
          continue;
        }
        await this.writeGroup(group);
        group = [];
        await this.openNext(item.file);
        await item.opened();
        item.resolve();
      }
      await this.writeGroup(group);
    } catch (err) {
      this.failure ??= err as Error;
      // Items already resolved ignore the extra reject.
      for (const item of items) item.reject(err as Error);
    }
  }

  private async writeGroup(group: Pending[]): Promise<void> {
    if (group.length === 0) return;
    const parts = group.flatMap((item) => (item.kind === "record" ? item.parts : []));
    const expected = recordLength(parts);
    const { bytesWritten } = await this.handle.writev(parts);
    if (bytesWritten !== expected) throw new Error(`short journal write: ${bytesWritten} of ${expected} bytes`);
    const syncStarted = process.hrtime.bigint();
    await this.handle.datasync();
    this.stats.flushSeconds += Number(process.hrtime.bigint() - syncStarted) / 1e9;
    this.stats.flushes++;
    this.stats.records += group.length;
    for (const item of group) item.resolve();
  }

  private async openNext(file: string): Promise<void> {
    const next = await openForAppend(file);
    await this.handle.close();
    this.handle = next;
  }

  private stickyError(): Error {
    const cause = this.failure as Error;
    return new Error(`the journal failed earlier and accepts no more writes until restart: ${cause.message}`, { cause });
  }
}

async function openForAppend(file: string): Promise<FileHandle> {
  const handle = await fs.promises.open(file, "a");
  // The file may be new: make its directory entry durable before acknowledging records written to it.
  await fsyncDir(path.dirname(file));
  return handle;
}
