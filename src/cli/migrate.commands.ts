import { InvalidArgumentError, type Command } from "commander";
import { formatReport, writeReportFile, type MigrationReport } from "../migration/migration.report";
import { createProgress, silentProgress } from "../migration/migration.progress";
import { runMariadbMigration, type MariadbMigrationOptions } from "../migration/mariadb/mariadb.importer";
import { MariadbSource } from "../migration/mariadb/mariadb.source";
import { parseMariadbUrl } from "../migration/mariadb/mariadb.url";
import { withPlatform } from "./context";
import { createOutput } from "./output";

interface MigrateOptions {
  from: string;
  dryRun?: boolean;
  strict?: boolean;
  sourceTimezone?: string;
  report?: string;
  batchSize?: number;
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
    .action((options: MigrateOptions) => run(program, options, options.dryRun ? "dry-run" : "import"));

  migrate
    .command("verify")
    .description("compare a v1 MariaDB database with what was imported: counts and checksums per table; exits 1 on any mismatch")
    .requiredOption("--from <url>", "the v1 database, e.g. mysql://user:password@host:3306/chatello_saas (only read)")
    .option("--source-timezone <zone>", "the zone of DATETIME columns, as given to the import")
    .option("--report <file>", "also write the report as JSON to this file")
    .option("--batch-size <rows>", "rows per read batch (default 5000)", parseBatchSize)
    .action((options: MigrateOptions) => run(program, options, "verify"));
}

async function run(program: Command, options: MigrateOptions, mode: MariadbMigrationOptions["mode"]): Promise<void> {
  const json = program.opts().json === true;
  const out = createOutput(json);
  // The source is checked before the target is touched: a bad URL or password leaves the target as it was.
  const source = await MariadbSource.open(parseMariadbUrl(options.from));
  let report: MigrationReport;
  try {
    report = await withPlatform(({ services, db }) =>
      runMariadbMigration(source, services, db, {
        mode,
        strict: options.strict === true,
        sourceTimeZone: options.sourceTimezone,
        batchSize: options.batchSize,
        progress: json ? silentProgress : createProgress(process.stderr),
      }),
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
