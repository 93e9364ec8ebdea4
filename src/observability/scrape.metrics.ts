import type { FastifyBaseLogger } from "fastify";
import { Counter, Gauge, type Registry } from "prom-client";
import type { BackupScheduler } from "../backup/backup.scheduler";
import type { Database } from "../db/connect";
import type { Services } from "../services";
import { METRICS_PREFIX } from "./metrics.registry";
import { QUOTA_THRESHOLDS, readQuotaUse, type QuotaUse } from "./quota-use.metrics";

/**
 * The families whose values are read when Prometheus scrapes (prom-client calls each `collect` then), rather than
 * recorded as things happen: quota use (a database read), the embedded engine's figures and the backup state.
 */
export function addScrapeTimeMetrics(
  registry: Registry,
  deps: { services: Services; db: Database; backups?: BackupScheduler; logger: FastifyBaseLogger },
): void {
  addQuotaUse(registry, deps.services, deps.logger);
  if (deps.db.engineFigures) addEngineFigures(registry, deps.db.engineFigures);
  if (deps.backups) addBackups(registry, deps.backups);
}

function addQuotaUse(registry: Registry, services: Services, logger: FastifyBaseLogger): void {
  // Kept from the last read that worked: a database hiccup must not fail the whole scrape (process metrics included).
  let last: QuotaUse | undefined;
  new Gauge({
    name: `${METRICS_PREFIX}licenses_over_quota_threshold`,
    help: "Licenses whose use this month is at least `threshold` (0.8, 1) of their plan's limit (monthly_requests, monthly_budget).",
    labelNames: ["limit", "threshold"],
    registers: [registry],
    async collect() {
      try {
        last = await readQuotaUse(services.models, services.clock);
      } catch (error) {
        logger.warn({ err: error }, "metrics: reading quota use failed; serving the last values");
      }
      if (!last) return;
      for (const limit of ["monthly_requests", "monthly_budget"] as const) {
        for (const threshold of QUOTA_THRESHOLDS) this.set({ limit, threshold: String(threshold) }, last[limit][threshold]);
      }
    },
  });
}

function addEngineFigures(registry: Registry, figures: NonNullable<Database["engineFigures"]>): void {
  const registers = [registry];
  new Gauge({
    name: `${METRICS_PREFIX}embedded_collection_documents`,
    help: "Documents per collection in the embedded engine this instance runs.",
    labelNames: ["database", "collection"],
    registers,
    collect() {
      this.reset();
      for (const { db, name, documents } of figures().collections) this.set({ database: db, collection: name }, documents);
    },
  });
  // An in-memory engine (no data folder) has no journal and no snapshots.
  if (!figures().persistence) return;
  const persistence = () => figures().persistence as NonNullable<ReturnType<typeof figures>["persistence"]>;
  new Counter({
    name: `${METRICS_PREFIX}embedded_journal_fsyncs_total`,
    help: "fdatasync calls of the embedded engine's journal (one per group commit).",
    registers,
    collect() {
      this.reset();
      this.inc(persistence().journalFsyncs);
    },
  });
  new Counter({
    name: `${METRICS_PREFIX}embedded_journal_fsync_seconds_total`,
    help: "Seconds spent in the journal's fdatasync calls; divided by the fsyncs, the mean fsync latency.",
    registers,
    collect() {
      this.reset();
      this.inc(persistence().journalFsyncSeconds);
    },
  });
  new Gauge({
    name: `${METRICS_PREFIX}embedded_journal_bytes`,
    help: "Bytes in the journal since the last snapshot (a snapshot is taken past 64 MiB, and at shutdown).",
    registers,
    collect() {
      this.set(persistence().journalBytesSinceSnapshot);
    },
  });
  new Gauge({
    name: `${METRICS_PREFIX}embedded_snapshot_last_success_timestamp_seconds`,
    help: "When the embedded engine last wrote a snapshot (Unix seconds; 0: none yet, the journal holds everything).",
    registers,
    collect() {
      this.set((persistence().lastSnapshotAt?.getTime() ?? 0) / 1000);
    },
  });
}

function addBackups(registry: Registry, backups: BackupScheduler): void {
  const registers = [registry];
  new Counter({
    name: `${METRICS_PREFIX}backup_runs_total`,
    help: "Scheduled backups this instance ran since it started, by outcome (succeeded, failed).",
    labelNames: ["outcome"],
    registers,
    collect() {
      const runs = backups.runs();
      this.reset();
      this.inc({ outcome: "succeeded" }, runs.succeeded);
      this.inc({ outcome: "failed" }, runs.failed);
    },
  });
  // Read from the shared backup state, so every instance reports the last backup whichever instance wrote it.
  new Gauge({
    name: `${METRICS_PREFIX}backup_last_success_timestamp_seconds`,
    help: "When the last scheduled backup (by any instance) was written (Unix seconds; 0: none yet).",
    registers,
    async collect() {
      const health = await backups.health();
      const at = health.scheduled ? health.last_success?.at : undefined;
      this.set(at === undefined ? 0 : Date.parse(at) / 1000);
    },
  });
}
