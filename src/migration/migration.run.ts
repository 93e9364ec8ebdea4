import type { mongo } from "mongoose";
import type { Database } from "../db/connect";
import { SetupService } from "../modules/setup/setup.service";
import type { Services } from "../services";
import { mongoCheckpoints } from "./migration.checkpoint";
import { runTablePass, type Checkpoints, type TableSource } from "./migration.pass";
import { silentProgress, type Progress } from "./migration.progress";
import {
  IssueLog,
  type MigrationMode,
  type MigrationReport,
  type NotImported,
  type PlanDifference,
  type TableReport,
} from "./migration.report";
import { rebuildMonthCounters, type LicenseUsage } from "./usage-counters.rebuild";

/** What every importer's per-run context holds, whatever else its mappings share. */
export interface MigrationContext {
  issues: IssueLog;
  planDifferences: PlanDifference[];
}

/**
 * One source system as the run sees it (MariaDB v1, MongoDB v2): its tables, each already mapped, and this month's
 * usage through the same mapping. Import, dry run and verification all run through it.
 */
export interface MigrationSource<C extends MigrationContext> {
  /** Names the source in checkpoints and counter state, e.g. `mariadb://host:3306/db`. */
  key: string;
  report: MigrationReport["source"];
  /** A fresh context for one pass (its ids mapped so far, its issues). */
  context(target: mongo.Db, issues: IssueLog): C;
  /** Tables in dependency order: every reference is mapped before the table that holds it. */
  tables: ReadonlyArray<(ctx: C) => TableSource | Promise<TableSource>>;
  /** This month's usage of the imported licenses (read after a pass, whose context maps the licenses). */
  monthUsage(ctx: C, now: Date): Promise<LicenseUsage[]>;
  /** Prepares what `setup init` does not (indexes of collections the platform has no model for). */
  prepareTarget?(target: mongo.Db): Promise<void>;
  /** Source collections left out on purpose. */
  notImported?(): Promise<NotImported[]>;
}

export interface MigrationOptions {
  mode: MigrationMode;
  /** Refuse to write when the source has any problem (the report lists them). */
  strict?: boolean;
  batchSize?: number;
  progress?: Progress;
  /** The month whose usage counters are rebuilt (default: now). */
  now?: Date;
}

const DEFAULT_BATCH = 5000;

/**
 * Import (then verify), dry run, or verify alone, of a source into the platform's collections. Every write is keyed
 * by the record's id, so a run can be repeated or resumed; `--strict` and dry runs read everything first.
 */
export async function runMigration<C extends MigrationContext>(
  source: MigrationSource<C>,
  services: Services,
  db: Database,
  options: MigrationOptions,
): Promise<MigrationReport> {
  const startedAt = new Date();
  const target = db.connection.db;
  if (!target) throw new Error("the target database is not connected");
  const progress = options.progress ?? silentProgress;
  const now = options.now ?? new Date(services.clock());
  const issues = new IssueLog();
  const pass = async (mode: MigrationMode, ctx: C, checkpoints: Checkpoints, show: Progress): Promise<TableReport[]> => {
    const tables: TableReport[] = [];
    for (const make of source.tables) {
      tables.push(
        await runTablePass(await make(ctx), {
          mode,
          target,
          issues: ctx.issues,
          progress: show,
          checkpoints,
          batchSize: options.batchSize ?? DEFAULT_BATCH,
        }),
      );
    }
    return tables;
  };
  const counters = async (ctx: C, mode: MigrationMode): Promise<MigrationReport["usageCounters"]> =>
    rebuildMonthCounters(target, services.models, source.key, mode, now, await source.monthUsage(ctx, now));
  const notImported = source.notImported ? await source.notImported() : undefined;
  const report = (mode: MigrationMode, ctx: C, tables: TableReport[], usage: MigrationReport["usageCounters"]): MigrationReport => ({
    mode,
    source: source.report,
    target: { database: db.connection.name },
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    tables,
    planDifferences: ctx.planDifferences,
    usageCounters: usage,
    ...(notImported ? { notImported } : {}),
    issues: issues.summary(),
    verified: tables.every((table) => table.verification === undefined)
      ? null
      : tables.every((table) => table.verification && table.verification.sourceChecksum === table.verification.targetChecksum),
  });
  const checkpoints = mongoCheckpoints(target, source.key);
  const readOnly: Checkpoints = { read: checkpoints.read, write: () => Promise.resolve() };

  if (options.mode === "verify") {
    const ctx = source.context(target, issues);
    const tables = await pass("verify", ctx, readOnly, progress);
    return report("verify", ctx, tables, await counters(ctx, "verify"));
  }

  if (options.mode === "dry-run" || options.strict) {
    const ctx = source.context(target, issues);
    const tables = await pass("dry-run", ctx, readOnly, progress);
    const usage = await counters(ctx, "dry-run");
    if (options.mode === "dry-run") return report("dry-run", ctx, tables, usage);
    if (issues.total > 0)
      return { ...report("import", ctx, tables, usage), refused: `--strict and the source has ${issues.total} problems (listed above)` };
  }

  // `setup init` first: the platform's indexes (the unique ones make conflicts visible) and plans to match.
  await new SetupService(services).init();
  await source.prepareTarget?.(target);
  const importIssues = options.strict ? new IssueLog() : issues;
  const ctx = source.context(target, importIssues);
  const tables = await pass("import", ctx, checkpoints, progress);
  const usage = await counters(ctx, "import");
  // Imported licenses have no activations and may sit on a lifetime plan: the counters follow their records.
  await services.licenseCounters.reconcile();
  // Verification always follows an import, with the same mapping from a fresh start.
  const verifying: Progress = { ...progress, start: (table, total) => progress.start(`verify ${table}`, total) };
  const verified = await pass("verify", source.context(target, new IssueLog()), readOnly, verifying);
  tables.forEach((table, i) => (table.verification = verified[i]?.verification));
  return report("import", ctx, tables, usage);
}
