import type { mongoose } from "@typegoose/typegoose";
import type { Database } from "../../db/connect";
import type { Services } from "../../services";
import type { TableSource } from "../migration.pass";
import type { MigrationReport, NotImported } from "../migration.report";
import { runMigration, type MigrationOptions, type MigrationSource } from "../migration.run";
import { SourceTimeZone } from "../source-time-zone";
import type { MongoV2Source } from "./mongo.source";
import { v2ActivityLogsSource } from "./v2-activity-logs.mapping";
import { v2ApiKeysSource } from "./v2-api-keys.mapping";
import { v2CustomersSource } from "./v2-customers.mapping";
import { prepareHistoricalAnalytics, v2HistoricalAnalyticsSource } from "./v2-historical-analytics.mapping";
import { v2LicensesSource } from "./v2-licenses.mapping";
import { v2MonthUsage } from "./v2-month-usage.read";
import { v2PaymentsSource } from "./v2-payments.mapping";
import { v2PlansSource } from "./v2-plans.mapping";
import { v2UsageLogsSource } from "./v2-usage-logs.mapping";
import type { V2Context } from "./v2.context";
import { V2_COLLECTIONS, V2_NOT_IMPORTED } from "./v2.schema";

export interface MongoMigrationOptions extends MigrationOptions {
  /** The zone v2's API server wrote usage_logs.created_at in (naive local time); default UTC. */
  sourceTimeZone?: string;
}

/** Collections in dependency order: every reference is mapped before the collection that holds it. */
const COLLECTIONS: Array<(ctx: V2Context) => TableSource | Promise<TableSource>> = [
  v2PlansSource,
  v2CustomersSource,
  v2LicensesSource,
  v2PaymentsSource,
  v2ApiKeysSource,
  v2UsageLogsSource,
  v2ActivityLogsSource,
  v2HistoricalAnalyticsSource,
];

/**
 * Import (then verify), dry run, or verify alone, of a v2 MongoDB database into the platform's collections. Every
 * document keeps its ObjectId (plans matched to the platform's by name and merged duplicates excepted), so writes
 * are keyed by it and a run can be repeated or resumed.
 */
export async function runMongoMigration(
  source: MongoV2Source,
  services: Services,
  db: Database,
  options: MongoMigrationOptions,
): Promise<MigrationReport> {
  const logZone = SourceTimeZone.parse(options.sourceTimeZone ?? "UTC");
  const v2: MigrationSource<V2Context> = {
    key: `mongodb://${source.target.hosts}/${source.target.database}`,
    report: {
      kind: "mongodb",
      url: source.target.shown,
      serverVersion: source.serverVersion,
      database: source.target.database,
      timeZone: {
        usageLogsCreatedAt:
          options.sourceTimeZone === undefined
            ? "UTC (the default: name the v2 API server's zone with --source-timezone if it was not UTC)"
            : `${logZone.name} (--source-timezone)`,
        otherDates: "UTC (as v2 wrote them)",
      },
    },
    context: (target, issues) => ({
      source,
      target,
      secrets: services.secrets,
      issues,
      logZone,
      plans: new Map<string, mongoose.Types.ObjectId>(),
      customers: new Map<string, mongoose.Types.ObjectId>(),
      licenses: new Map<string, mongoose.Types.ObjectId>(),
      planNames: new Map<string, string>(),
      planDifferences: [],
    }),
    tables: COLLECTIONS,
    monthUsage: v2MonthUsage,
    prepareTarget: prepareHistoricalAnalytics,
    notImported: () => Promise.resolve(notImported(source)),
  };
  return runMigration(v2, services, db, options);
}

/** Every other collection of the v2 database, with its size and why it stays behind. */
function notImported(source: MongoV2Source): NotImported[] {
  const imported = new Set<string>(V2_COLLECTIONS);
  return [...source.collections]
    .filter(([name]) => !imported.has(name))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([collection, documents]) => ({
      collection,
      documents,
      why: V2_NOT_IMPORTED[collection] ?? "not a collection of the v2 schema",
    }));
}
