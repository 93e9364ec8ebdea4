import { randomUUID } from "node:crypto";
import os from "node:os";
import type { Clock } from "../../clock";
import { DAY_MS } from "./analytics.dates";
import type { DailySnapshotService, SnapshotRun } from "./daily-snapshot.service";

export interface SnapshotLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Snapshots are taken this long after midnight UTC, so that events of the last seconds of the day are in. */
export const SNAPSHOT_DELAY_MS = 5 * 60_000;
/** The timer wakes at least this often, so that a clock change or a long suspend does not skip a day. */
const MAX_SLEEP_MS = 60 * 60_000;

/**
 * Writes the daily snapshots on every instance's timer: once at start (yesterday and any other missed day of the last
 * month), then each day at 00:05 UTC. Several instances may run it at once; the unique date lets exactly one
 * snapshot per day stand (daily-snapshot.service.ts). A failure is logged and retried at the next wake-up.
 */
export class SnapshotScheduler {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  readonly owner: string;

  constructor(
    private readonly snapshots: DailySnapshotService,
    private readonly clock: Clock,
    private readonly logger: SnapshotLogger,
    owner?: string,
  ) {
    this.owner = owner ?? `${os.hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  }

  start(): void {
    if (this.stopped || this.timer !== undefined) return;
    this.wakeIn(0, true);
  }

  /**
   * Stops the timer. A run in progress is not waited for: it may be queued behind a database that is not reachable
   * (closing would then wait for the driver's timeout), and cutting it short loses nothing, since every write is a
   * whole day's idempotent upsert that the next start writes if it is missing.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Writes every missed snapshot now; never throws (undefined after a failure, which is logged). */
  async tick(atStart = false): Promise<SnapshotRun | undefined> {
    try {
      const run = await this.snapshots.writeMissing(this.owner);
      for (const date of run.written) this.logger.info({ date, owner: this.owner }, `daily snapshot ${date} written`);
      if (atStart)
        this.logger.info(
          { written: run.written.length, existing: run.existing.length, owner: this.owner },
          `daily snapshots checked at start: ${run.written.length} written, ${run.existing.length} already there`,
        );
      return run;
    } catch (error) {
      this.logger.error({ err: error }, "writing the daily snapshots failed; trying again at the next wake-up");
      return undefined;
    }
  }

  private wakeIn(delayMs: number, atStart = false): void {
    this.timer = setTimeout(() => {
      void this.tick(atStart).finally(() => {
        if (!this.stopped) this.wakeIn(this.untilNextRun());
      });
    }, delayMs);
    this.timer.unref();
  }

  private untilNextRun(): number {
    return Math.min(MAX_SLEEP_MS, untilNextSnapshot(this.clock()));
  }
}

/** Milliseconds from `now` to the next 00:05 UTC (a whole day when it is 00:05 exactly). */
export function untilNextSnapshot(now: number): number {
  const sinceMidnight = ((now % DAY_MS) + DAY_MS) % DAY_MS;
  return sinceMidnight < SNAPSHOT_DELAY_MS ? SNAPSHOT_DELAY_MS - sinceMidnight : DAY_MS - sinceMidnight + SNAPSHOT_DELAY_MS;
}
