import type { mongoose } from "@typegoose/typegoose";
import type { Database } from "../../db/connect";
import { SetupService } from "../../modules/setup/setup.service";
import type { Services } from "../../services";
import { mongoCheckpoints } from "../migration.checkpoint";
import { runTablePass, type Checkpoints, type TableSource } from "../migration.pass";
import { silentProgress, type Progress } from "../migration.progress";
import { IssueLog, type MigrationMode, type MigrationReport, type SourceTimeZoneReport, type TableReport } from "../migration.report";
import { MigrationSourceError } from "./mariadb.errors";
import type { MariadbSource } from "./mariadb.source";
import { SourceTimeZone } from "./source-time-zone";
import { rebuildMonthCounters } from "./usage-counters.rebuild";
import { v1ActivityLogsSource } from "./v1-activity-logs.mapping";
import { v1ApiKeysSource } from "./v1-api-keys.mapping";
import { v1CustomersSource } from "./v1-customers.mapping";
import { v1LicensesSource } from "./v1-licenses.mapping";
import { v1PaymentsSource } from "./v1-payments.mapping";
import { v1PlansSource } from "./v1-plans.mapping";
import { v1UsageLogsSource } from "./v1-usage-logs.mapping";
import type { V1Context } from "./v1.context";
import { V1_TABLES } from "./v1.schema";

export interface MariadbMigrationOptions {
  mode: MigrationMode;
  /** Refuse to write when the source has any problem (the report lists them). */
  strict?: boolean;
  /** The zone DATETIME columns are in (default: the server's); TIMESTAMP columns are exact without it. */
  sourceTimeZone?: string;
  batchSize?: number;
  progress?: Progress;
  /** The month whose usage counters are rebuilt (default: now). */
  now?: Date;
}

const DEFAULT_BATCH = 5000;

/** Tables in dependency order: every reference is mapped before the table that holds it. */
const SOURCES: Array<(ctx: V1Context) => TableSource | Promise<TableSource>> = [
  v1PlansSource,
  v1CustomersSource,
  v1LicensesSource,
  v1PaymentsSource,
  v1ApiKeysSource,
  v1UsageLogsSource,
  v1ActivityLogsSource,
];

/**
 * Import (then verify), dry run, or verify alone, of a v1 MariaDB database into the platform's collections.
 * The source is read inside one snapshot (MariadbSource); every write is keyed by a deterministic id.
 */
export async function runMariadbMigration(
  source: MariadbSource,
  services: Services,
  db: Database,
  options: MariadbMigrationOptions,
): Promise<MigrationReport> {
  const startedAt = new Date();
  const target = db.connection.db;
  if (!target) throw new Error("the target database is not connected");
  const { zone, report: timeZone } = resolveZone(source, options.sourceTimeZone);
  const sourceKey = `mariadb://${source.target.host}:${source.target.port}/${source.target.database}`;
  const progress = options.progress ?? silentProgress;
  const now = options.now ?? new Date(services.clock());
  const issues = new IssueLog();
  const context = (log: IssueLog): V1Context => ({
    source,
    target,
    secrets: services.secrets,
    issues: log,
    zone,
    plans: new Map<number, mongoose.Types.ObjectId>(),
    customers: new Map<number, mongoose.Types.ObjectId>(),
    licenses: new Map<number, mongoose.Types.ObjectId>(),
    planNames: new Map<string, string>(),
    planDifferences: [],
  });
  const pass = async (mode: MigrationMode, ctx: V1Context, checkpoints: Checkpoints, show: Progress): Promise<TableReport[]> => {
    const tables: TableReport[] = [];
    for (const make of SOURCES) {
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
  const report = (
    mode: MigrationMode,
    ctx: V1Context,
    tables: TableReport[],
    counters: MigrationReport["usageCounters"],
  ): MigrationReport => ({
    mode,
    source: { url: source.target.shown, serverVersion: source.serverVersion, database: source.target.database, timeZone },
    target: { database: db.connection.name },
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    tables,
    planDifferences: ctx.planDifferences,
    usageCounters: counters,
    issues: issues.summary(),
    verified: tables.every((table) => table.verification === undefined)
      ? null
      : tables.every((table) => table.verification && table.verification.sourceChecksum === table.verification.targetChecksum),
  });
  const checkpoints = mongoCheckpoints(target, sourceKey);
  const readOnly: Checkpoints = { read: checkpoints.read, write: () => Promise.resolve() };

  if (options.mode === "verify") {
    const ctx = context(issues);
    const tables = await pass("verify", ctx, readOnly, progress);
    return report("verify", ctx, tables, await rebuildMonthCounters(ctx, services.models, sourceKey, "verify", now));
  }

  if (options.mode === "dry-run" || options.strict) {
    const ctx = context(issues);
    const tables = await pass("dry-run", ctx, readOnly, progress);
    const counters = await rebuildMonthCounters(ctx, services.models, sourceKey, "dry-run", now);
    if (options.mode === "dry-run") return report("dry-run", ctx, tables, counters);
    if (issues.total > 0)
      return { ...report("import", ctx, tables, counters), refused: `--strict and the source has ${issues.total} problems (listed above)` };
  }

  // `setup init` first: the platform's indexes (the unique ones make conflicts visible) and plans to match.
  await new SetupService(services).init();
  const importIssues = options.strict ? new IssueLog() : issues;
  const ctx = context(importIssues);
  const tables = await pass("import", ctx, checkpoints, progress);
  const counters = await rebuildMonthCounters(ctx, services.models, sourceKey, "import", now);
  // Imported licenses have no activations and may sit on a lifetime plan: the counters follow their records.
  await services.licenseCounters.reconcile();
  // Verification always follows an import, with the same mapping from a fresh start.
  const verifying: Progress = { ...progress, start: (table, total) => progress.start(`verify ${table}`, total) };
  const verified = await pass("verify", context(new IssueLog()), readOnly, verifying);
  tables.forEach((table, i) => (table.verification = verified[i]?.verification));
  return report("import", ctx, tables, counters);
}

/** The zone for DATETIME columns: the option, else the server's own; needed only when such columns exist. */
function resolveZone(source: MariadbSource, option: string | undefined): { zone: SourceTimeZone; report: SourceTimeZoneReport } {
  const datetimeColumns = V1_TABLES.flatMap((table) =>
    Object.entries(source.dateKinds[table])
      .filter(([, kind]) => kind === "datetime")
      .map(([column]) => `${table}.${column}`),
  );
  const serverName = source.serverTimeZone.global === "SYSTEM" ? source.serverTimeZone.system : source.serverTimeZone.global;
  let zone: SourceTimeZone | undefined;
  if (option !== undefined) zone = SourceTimeZone.parse(option);
  else zone = SourceTimeZone.tryParse(serverName);
  if (!zone && datetimeColumns.length > 0)
    throw new MigrationSourceError(
      `the source has DATETIME columns (${datetimeColumns.join(", ")}) and its time zone "${serverName}" is not one this tool can read: name it with --source-timezone (e.g. Europe/Rome)`,
    );
  const used = zone ?? SourceTimeZone.parse("UTC");
  return {
    zone: used,
    report: {
      server: source.serverTimeZone.global,
      system: source.serverTimeZone.system,
      timestampColumns: "UTC (session time_zone +00:00)",
      datetimeColumns: datetimeColumns.length === 0 ? null : datetimeColumns.join(", "),
      datetimeZone: `${used.name}${option === undefined ? " (the server's)" : " (--source-timezone)"}`,
    },
  };
}
