import { MariadbSource } from "../../src/migration/mariadb/mariadb.source";
import { parseMariadbUrl } from "../../src/migration/mariadb/mariadb.url";
import { runMariadbMigration, type MariadbMigrationOptions } from "../../src/migration/mariadb/mariadb.importer";
import type { MigrationReport } from "../../src/migration/migration.report";
import type { TestPlatform } from "../support/platform";

/** Runs the importer in this process against a test platform (the CLI test runs the same through the real CLI). */
export async function migrate(
  url: string,
  platform: Pick<TestPlatform, "services" | "db">,
  options: MariadbMigrationOptions,
): Promise<MigrationReport> {
  const source = await MariadbSource.open(parseMariadbUrl(url));
  try {
    return await runMariadbMigration(source, platform.services, platform.db, options);
  } finally {
    await source.close();
  }
}

/** Per table: [inserted, updated, unchanged, skipped, merged]. */
export function counts(report: MigrationReport): Record<string, number[]> {
  return Object.fromEntries(report.tables.map((t) => [t.table, [t.inserted, t.updated, t.unchanged, t.skipped, t.merged]]));
}

export function checksums(report: MigrationReport): Record<string, string | undefined> {
  return Object.fromEntries(report.tables.map((t) => [t.table, t.verification?.targetChecksum]));
}

/** Issues as "table#id kind action", sorted, for exact comparison. */
export function issueList(report: MigrationReport): string[] {
  return report.issues.listed.map((issue) => `${issue.table}#${issue.sourceId} ${issue.kind} ${issue.action}`).sort();
}
