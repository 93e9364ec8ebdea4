import type { Connection } from "mongoose";
import type { Clock } from "../clock";
import type { BackupConfig } from "../config";
import { BackupLease } from "./backup.lease";
import { listBackups } from "./backup.retention";
import { nextSlotStart } from "./backup.scheduler";
import type { BackupStatus } from "./backup-status.types";

const HOUR_MS = 3_600_000;

/**
 * What an owner sees of scheduled backups: the configuration, the last outcomes every instance records in the
 * database (the scheduler's state document), the next slot, and the files in BACKUP_DIR. Read-only.
 */
export class BackupStatusService {
  constructor(
    private readonly connection: Connection,
    private readonly config: BackupConfig,
    private readonly clock: Clock,
  ) {}

  async status(): Promise<BackupStatus> {
    const { dir, every, everyMs, keep } = this.config;
    if (dir === undefined) return { ...OFF, files: [] };
    const db = this.connection.db;
    const state = db ? await new BackupLease(db, "status").read() : null;
    const files = await listBackups(dir);
    return {
      enabled: true,
      directory: dir,
      every,
      everyHours: everyMs / HOUR_MS,
      keep,
      lastAt: state?.lastSuccess?.at ?? null,
      lastFile: state?.lastSuccess?.file ?? null,
      lastBytes: state?.lastSuccess?.bytes ?? null,
      lastDocuments: state?.lastSuccess?.documents ?? null,
      lastFailureAt: state?.lastFailure?.at ?? null,
      lastFailureMessage: state?.lastFailure?.error ?? null,
      nextAt: nextSlotStart(this.clock(), everyMs),
      files,
    };
  }
}

const OFF: Omit<BackupStatus, "files"> = {
  enabled: false,
  directory: null,
  every: null,
  everyHours: null,
  keep: null,
  lastAt: null,
  lastFile: null,
  lastBytes: null,
  lastDocuments: null,
  lastFailureAt: null,
  lastFailureMessage: null,
  nextAt: null,
};
