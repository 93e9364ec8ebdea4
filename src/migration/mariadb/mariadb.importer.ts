import type { mongoose } from "@typegoose/typegoose";
import type { Database } from "../../db/connect";
import type { Services } from "../../services";
import type { TableSource } from "../migration.pass";
import type { MigrationReport, SourceTimeZoneReport } from "../migration.report";
import { runMigration, type MigrationOptions, type MigrationSource } from "../migration.run";
import { MigrationSourceError } from "../migration.errors";
import type { MariadbSource } from "./mariadb.source";
import { SourceTimeZone } from "../source-time-zone";
import { v1MonthUsage } from "./v1-month-usage.read";
import { v1ActivityLogsSource } from "./v1-activity-logs.mapping";
import { v1ApiKeysSource } from "./v1-api-keys.mapping";
import { v1CustomersSource } from "./v1-customers.mapping";
import { v1LicensesSource } from "./v1-licenses.mapping";
import { v1PaymentsSource } from "./v1-payments.mapping";
import { v1PlansSource } from "./v1-plans.mapping";
import { v1UsageLogsSource } from "./v1-usage-logs.mapping";
import type { V1Context } from "./v1.context";
import { V1_TABLES } from "./v1.schema";

export interface MariadbMigrationOptions extends MigrationOptions {
  /** The zone DATETIME columns are in (default: the server's); TIMESTAMP columns are exact without it. */
  sourceTimeZone?: string;
}

/** Tables in dependency order: every reference is mapped before the table that holds it. */
const TABLES: Array<(ctx: V1Context) => TableSource | Promise<TableSource>> = [
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
  const { zone, report: timeZone } = resolveZone(source, options.sourceTimeZone);
  const v1: MigrationSource<V1Context> = {
    key: `mariadb://${source.target.host}:${source.target.port}/${source.target.database}`,
    report: {
      kind: "mariadb",
      url: source.target.shown,
      serverVersion: source.serverVersion,
      database: source.target.database,
      timeZone,
    },
    context: (target, issues) => ({
      source,
      target,
      secrets: services.secrets,
      issues,
      zone,
      plans: new Map<number, mongoose.Types.ObjectId>(),
      customers: new Map<number, mongoose.Types.ObjectId>(),
      licenses: new Map<number, mongoose.Types.ObjectId>(),
      planNames: new Map<string, string>(),
      planDifferences: [],
    }),
    tables: TABLES,
    monthUsage: v1MonthUsage,
  };
  return runMigration(v1, services, db, options);
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
