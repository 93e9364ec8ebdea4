import { InvalidArgumentError, type Command } from "commander";
import { MigrationSourceError } from "../migration/migration.errors";
import { formatReport, writeReportFile, type MigrationMode, type MigrationReport } from "../migration/migration.report";
import { createProgress, silentProgress, type Progress } from "../migration/migration.progress";
import { runMariadbMigration } from "../migration/mariadb/mariadb.importer";
import { MariadbSource } from "../migration/mariadb/mariadb.source";
import { parseMariadbUrl } from "../migration/mariadb/mariadb.url";
import { runMongoMigration } from "../migration/mongo/mongo.importer";
import { MongoV2Source } from "../migration/mongo/mongo.source";
import { parseMongoUrl } from "../migration/mongo/mongo.url";
import { SourceTimeZone } from "../migration/source-time-zone";
import type { Database } from "../db/connect";
import type { Services } from "../services";
import { withPlatform } from "./context";
import { createOutput } from "./output";

interface MigrateOptions {
  from: string;
  database?: string;
  dryRun?: boolean;
  strict?: boolean;
  sourceTimezone?: string;
  report?: string;
  batchSize?: number;
}

/** An opened source: the importer to run on it, and how to let it go. */
interface OpenedSource {
  run(services: Services, db: Database, mode: MigrationMode, progress: Progress): Promise<MigrationReport>;
  close(): Promise<void>;
}

function parseBatchSize(value: string): number {
  const size = Number(value);
  if (!Number.isInteger(size) || size < 1 || size > 50_000) throw new InvalidArgumentError("a whole number from 1 to 50000");
  return size;
}

export function registerMigrateCommands(program: Command): void {
  const migrate = program.command("migrate").description("take over the data of the old Chatello server");

  migrate
    .command("mariadb")
    .description("import a v1 MariaDB database (safe to run again: it brings only what changed), then verify it")
    .requiredOption("--from <url>", "the v1 database, e.g. mysql://user:password@host:3306/chatello_saas (only read)")
    .option("--dry-run", "read everything, write nothing, print what would be written")
    .option("--strict", "write nothing if the source has any problem (orphans, duplicate emails, malformed keys, zero dates, bad JSON…)")
    .option("--source-timezone <zone>", "the zone of DATETIME columns (IANA name or +hh:mm; default: the server's); TIMESTAMPs need none")
    .option("--report <file>", "also write the report as JSON to this file")
    .option("--batch-size <rows>", "rows per read and write batch (default 5000)", parseBatchSize)
    .action((options: MigrateOptions) => run(program, options, options.dryRun ? "dry-run" : "import", "mariadb"));

  migrate
    .command("mongo")
    .description("import a v2 MongoDB database, keeping its ObjectIds (safe to run again: it brings only what changed), then verify it")
    .requiredOption("--from <url>", "the v2 server, e.g. mongodb://user:password@host:27017 (only read)")
    .option("--database <name>", "the v2 database (default: the URL's, else chatello_saas)")
    .option("--dry-run", "read everything, write nothing, print what would be written")
    .option("--strict", "write nothing if the source has any problem (orphans, duplicate emails, malformed keys, invalid values…)")
    .option("--source-timezone <zone>", "the zone v2's API server logged usage in (usage_logs.created_at is its local time; default UTC)")
    .option("--report <file>", "also write the report as JSON to this file")
    .option("--batch-size <documents>", "documents per read and write batch (default 5000)", parseBatchSize)
    .action((options: MigrateOptions) => run(program, options, options.dryRun ? "dry-run" : "import", "mongo"));

  migrate
    .command("verify")
    .description(
      "compare a v1 MariaDB or v2 MongoDB database with what was imported: counts and checksums per table; exits 1 on any mismatch",
    )
    .requiredOption("--from <url>", "the source as given to the import: mysql://… (v1) or mongodb://… (v2); only read")
    .option("--database <name>", "v2 only: the database (default: the URL's, else chatello_saas)")
    .option("--source-timezone <zone>", "the zone given to the import (v1: DATETIME columns; v2: usage_logs.created_at)")
    .option("--report <file>", "also write the report as JSON to this file")
    .option("--batch-size <rows>", "rows per read batch (default 5000)", parseBatchSize)
    .action((options: MigrateOptions) => run(program, options, "verify", "either"));
}

/** Which importer a --from URL is for (verify serves both). */
function sourceKind(url: string): "mariadb" | "mongo" {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined)
    throw new MigrationSourceError(
      "--from is not a URL; expected something like mysql://user:password@host:3306/chatello_saas (v1) or mongodb://user:password@host:27017/chatello_saas (v2)",
    );
  if (scheme === "mongodb" || scheme === "mongodb+srv") return "mongo";
  if (scheme === "mysql" || scheme === "mariadb") return "mariadb";
  throw new MigrationSourceError(`--from must be a mysql:// or mariadb:// URL (v1) or a mongodb:// URL (v2), got ${scheme}://…`);
}

/** Opens the source before the target is touched: a bad URL, password or schema leaves the target as it was. */
async function openSource(kind: "mariadb" | "mongo", options: MigrateOptions, batchSize: number | undefined): Promise<OpenedSource> {
  if (options.sourceTimezone !== undefined) SourceTimeZone.parse(options.sourceTimezone);
  if (kind === "mariadb") {
    if (options.database !== undefined)
      throw new MigrationSourceError("--database is for a v2 MongoDB source; a v1 URL names its database");
    const source = await MariadbSource.open(parseMariadbUrl(options.from));
    return {
      run: (services, db, mode, progress) =>
        runMariadbMigration(source, services, db, {
          mode,
          strict: options.strict === true,
          sourceTimeZone: options.sourceTimezone,
          batchSize,
          progress,
        }),
      close: () => source.close(),
    };
  }
  const source = await MongoV2Source.open(parseMongoUrl(options.from, options.database));
  return {
    run: (services, db, mode, progress) =>
      runMongoMigration(source, services, db, {
        mode,
        strict: options.strict === true,
        sourceTimeZone: options.sourceTimezone,
        batchSize,
        progress,
      }),
    close: () => source.close(),
  };
}

async function run(program: Command, options: MigrateOptions, mode: MigrationMode, kind: "mariadb" | "mongo" | "either"): Promise<void> {
  const json = program.opts().json === true;
  const out = createOutput(json);
  const source = await openSource(kind === "either" ? sourceKind(options.from) : kind, options, options.batchSize);
  let report: MigrationReport;
  try {
    report = await withPlatform(({ services, db }) =>
      source.run(services, db, mode, json ? silentProgress : createProgress(process.stderr)),
    );
  } finally {
    await source.close();
  }
  if (options.report !== undefined) await writeReportFile(options.report, report);
  const failed = report.refused !== undefined || report.verified === false;
  out.result({ ok: !failed, ...report }, () => {
    for (const line of formatReport(report)) out.line(line);
    out.line("");
    out.line(summary(report));
  });
  if (failed) process.exitCode = 1;
}

function summary(report: MigrationReport): string {
  if (report.refused) return `Refused: ${report.refused}.`;
  const verdict =
    report.verified === null ? "" : report.verified ? " Verified: every table matches." : " VERIFICATION FAILED: see the mismatches above.";
  if (report.mode === "dry-run") return "Dry run: nothing was written.";
  if (report.mode === "verify") return verdict.trim();
  return `Import done.${verdict}`;
}
