import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Connection } from "mongoose";
import type { BackupConfig } from "../config";
import { createBackup } from "./backup.create";
import { messageOf } from "./backup.errors";
import { BackupLease, type BackupOutcome } from "./backup.lease";
import { pruneBackups, scheduledBackupName } from "./backup.retention";

export interface SchedulerLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface BackupSchedulerOptions {
  connection: Connection;
  config: BackupConfig & { dir: string };
  logger: SchedulerLogger;
  /** Milliseconds since the epoch (tests move it). */
  clock?: () => number;
  /** Who holds the lease, for the state document and the log. */
  owner?: string;
  leaseMs?: number;
}

/** What /api/health shows (public: no paths, no error text; those are in the log). */
export type BackupHealth =
  | { scheduled: false }
  | {
      scheduled: true;
      every: string;
      keep: number;
      last_success: { at: string; file: string; documents: number; bytes: number } | null;
      last_failure: { at: string } | null;
      next_at: string;
    };

/** When the next slot of `everyMs` (counted from the epoch) starts: the next scheduled backup. */
export function nextSlotStart(now: number, everyMs: number): Date {
  return new Date(now - (now % everyMs) + everyMs);
}

export type TickResult = "backed-up" | "skipped" | "failed";

/** An instance that dies mid-backup frees its slot for another after this long without renewing its lease. */
const DEFAULT_LEASE_MS = 2 * 60_000;
/** The timer wakes at least this often: it copes with clock changes and with slots longer than setTimeout's range. */
const MAX_SLEEP_MS = 60 * 60_000;

/**
 * Scheduled backups. Time is cut into slots of BACKUP_EVERY counted from the epoch (24h: each UTC day). Every instance
 * wakes at the start of each slot, and once when it starts (so a slot missed while all were down is caught up); the
 * one that takes the slot's lease writes `chatello-backup-<UTC time>.ejson.gz` into BACKUP_DIR and deletes the
 * oldest files beyond BACKUP_KEEP. A failed backup is logged and recorded (health shows it) and is not retried in its
 * slot; it never stops the platform. A backup cut short by a shutdown gives its slot back for another instance.
 */
export class BackupScheduler {
  private readonly lease: BackupLease;
  private readonly clock: () => number;
  private readonly leaseMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<TickResult> | undefined;
  private readonly abort = new AbortController();
  private stopped = false;
  /** What this instance last knew, for health when the state document cannot be read. */
  private lastKnown: { lastSuccess?: BackupOutcome; lastFailure?: BackupOutcome } = {};
  /** Backups this instance ran, for /metrics (an interrupted one counts as neither). */
  private readonly outcomes = { succeeded: 0, failed: 0 };

  constructor(private readonly options: BackupSchedulerOptions) {
    const db = options.connection.db;
    if (db === undefined) throw new Error("the database connection is not open");
    this.lease = new BackupLease(db, options.owner ?? `${os.hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`);
    this.clock = options.clock ?? Date.now;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  }

  start(): void {
    if (this.stopped || this.timer !== undefined) return;
    const { dir, every, keep } = this.options.config;
    this.options.logger.info({ dir, every, keep }, `scheduled backups: every ${every} into ${dir}, keeping the newest ${keep}`);
    this.wakeIn(0);
  }

  /** Stops the timer and any backup in progress (its partial file is removed), and waits for it. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort.abort(new Error("the platform is stopping"));
    await this.running;
  }

  /** Backs up the current slot if no instance has yet; never throws. */
  async tick(): Promise<TickResult> {
    const now = this.clock();
    const slotStart = new Date(now - (now % this.options.config.everyMs));
    let taken: boolean;
    try {
      taken = await this.lease.take(slotStart, new Date(now), this.leaseMs);
    } catch (error) {
      this.recordFailure(error, undefined);
      return "failed";
    }
    if (!taken) return "skipped";
    return this.backUp(slotStart);
  }

  /** How many scheduled backups this instance has written, and how many failed, since it started. */
  runs(): Readonly<{ succeeded: number; failed: number }> {
    return { ...this.outcomes };
  }

  async health(): Promise<BackupHealth> {
    const { every, everyMs, keep } = this.options.config;
    const state = await this.lease.read().catch(() => undefined);
    const lastSuccess = state?.lastSuccess ?? this.lastKnown.lastSuccess;
    const lastFailure = state?.lastFailure ?? this.lastKnown.lastFailure;
    const now = this.clock();
    return {
      scheduled: true,
      every,
      keep,
      last_success: lastSuccess
        ? {
            at: lastSuccess.at.toISOString(),
            file: lastSuccess.file ?? "",
            documents: lastSuccess.documents ?? 0,
            bytes: lastSuccess.bytes ?? 0,
          }
        : null,
      last_failure: lastFailure ? { at: lastFailure.at.toISOString() } : null,
      next_at: nextSlotStart(now, everyMs).toISOString(),
    };
  }

  private async backUp(slotStart: Date): Promise<TickResult> {
    const { dir, keep } = this.options.config;
    const file = path.join(dir, scheduledBackupName(new Date(this.clock())));
    const lost = new AbortController();
    const renewal = setInterval(() => {
      this.lease.renew(slotStart, new Date(this.clock()), this.leaseMs).then(
        (held) => {
          if (!held) lost.abort(new Error("the backup lease expired and another instance took the slot"));
        },
        // A renewal that fails to reach the database is not a lost lease; the next one may get through.
        () => undefined,
      );
    }, this.leaseMs / 3);
    renewal.unref();
    const startedAt = this.clock();
    try {
      await mkdir(dir, { recursive: true });
      const result = await createBackup(this.options.connection, file, {
        signal: AbortSignal.any([this.abort.signal, lost.signal]),
        now: () => new Date(this.clock()),
      });
      const removed = await pruneBackups(dir, keep, this.clock());
      const success: BackupOutcome = {
        at: new Date(this.clock()),
        owner: this.lease.owner,
        file: path.basename(file),
        bytes: result.bytes,
        documents: result.documents,
      };
      this.lastKnown.lastSuccess = success;
      await this.lease.finish(slotStart, { success });
      this.outcomes.succeeded++;
      this.options.logger.info(
        { file, bytes: result.bytes, documents: result.documents, durationMs: this.clock() - startedAt, removed },
        "scheduled backup written",
      );
      return "backed-up";
    } catch (error) {
      if (this.abort.signal.aborted) {
        this.options.logger.info({ file }, "scheduled backup interrupted: the platform is stopping");
        await this.lease.release(slotStart).catch(() => undefined);
        return "failed";
      }
      this.recordFailure(error, file);
      await this.lease
        .finish(slotStart, { failure: this.lastKnown.lastFailure as BackupOutcome })
        .catch((finishError: unknown) => this.options.logger.error({ err: finishError }, "recording the failed backup failed"));
      return "failed";
    } finally {
      clearInterval(renewal);
    }
  }

  private recordFailure(error: unknown, file: string | undefined): void {
    const message = messageOf(error);
    this.outcomes.failed++;
    this.lastKnown.lastFailure = { at: new Date(this.clock()), owner: this.lease.owner, error: message, ...(file ? { file } : {}) };
    this.options.logger.error({ err: error, file }, `scheduled backup failed: ${message}`);
  }

  private wakeIn(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.running = this.tick();
      void this.running.finally(() => {
        this.running = undefined;
        if (!this.stopped) this.wakeIn(this.untilNextSlot());
      });
    }, delayMs);
    this.timer.unref();
  }

  private untilNextSlot(): number {
    const now = this.clock();
    const { everyMs } = this.options.config;
    return Math.min(MAX_SLEEP_MS, everyMs - (now % everyMs));
  }
}
