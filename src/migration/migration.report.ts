import { writeFile } from "node:fs/promises";

/** What an import, a dry run or a verification found, table by table; printed as a table and written as JSON. */

export type MigrationMode = "import" | "dry-run" | "verify";

/**
 * Problems in the source data. Each is reported with its source row; `--strict` refuses to write when any exists.
 * `skipped` rows are not imported, `imported` ones are (with the problem value left out, never guessed), `merged`
 * rows became part of another record.
 */
export type IssueKind =
  | "orphan"
  | "duplicate_email"
  | "duplicate_name"
  | "duplicate_transaction"
  | "key_format"
  | "zero_date"
  | "invalid_json"
  | "amount"
  | "null_required"
  | "unknown_provider"
  | "unknown_plan"
  | "invalid_value"
  | "conflict";

export interface MigrationIssue {
  table: string;
  /** v1: the row's integer id; v2: the document's ObjectId in hex. */
  sourceId: number | string;
  kind: IssueKind;
  action: "skipped" | "imported" | "merged";
  message: string;
  /** The source row, secrets masked. */
  row: Record<string, unknown>;
}

/** A record whose target document differs from its source row (or is missing, or has no source row). */
export interface Mismatch {
  sourceId: number | string | null;
  targetId: string;
  problem: "missing" | "different" | "extraneous";
  /** The fields that differ, for "different". */
  fields?: string[];
}

export interface TableVerification {
  sourceCount: number;
  targetCount: number;
  sourceChecksum: string;
  targetChecksum: string;
  mismatches: Mismatch[];
  /** Mismatches beyond the listed ones (the list is capped, the count is not). */
  unlisted: number;
}

export interface TableReport {
  table: string;
  collection: string;
  /** Rows read from the source in this run (after the checkpoint, for append-only tables). */
  sourceRows: number;
  skipped: number;
  merged: number;
  inserted: number;
  updated: number;
  unchanged: number;
  seconds: number;
  verification?: TableVerification;
}

export interface PlanDifference {
  plan: string;
  field: string;
  platform: unknown;
  source: unknown;
}

export interface MariadbSourceReport {
  kind: "mariadb";
  url: string;
  serverVersion: string;
  database: string;
  timeZone: SourceTimeZoneReport;
}

export interface MongoSourceReport {
  kind: "mongodb";
  /** Without its password. */
  url: string;
  serverVersion: string;
  database: string;
  timeZone: MongoTimeZoneReport;
}

/** How v2's naive datetimes were read: pymongo stores them as they are, as if they were UTC. */
export interface MongoTimeZoneReport {
  /** usage_logs.created_at holds the v2 API server's local time: read in this zone. */
  usageLogsCreatedAt: string;
  otherDates: "UTC (as v2 wrote them)";
}

/** A source collection that is not imported, with why. */
export interface NotImported {
  collection: string;
  documents: number;
  why: string;
}

export interface MigrationReport {
  mode: MigrationMode;
  source: MariadbSourceReport | MongoSourceReport;
  target: { database: string };
  startedAt: string;
  finishedAt: string;
  tables: TableReport[];
  /** Plans matched by name whose source values replaced (or, in a dry run, would replace) the platform's. */
  planDifferences: PlanDifference[];
  /** This month's usage counters rebuilt from the imported logs. */
  usageCounters: { month: string; licenses: number; changed: number };
  /** Source collections left out on purpose (v2 only), with their sizes. */
  notImported?: NotImported[];
  issues: { total: number; byKind: Partial<Record<IssueKind, number>>; listed: MigrationIssue[] };
  /** Every table verified equal (null when no verification ran). */
  verified: boolean | null;
  /** Why nothing was written (`--strict` with issues), if so. */
  refused?: string;
}

export interface SourceTimeZoneReport {
  /** @@global.time_zone and @@system_time_zone as the server reports them. */
  server: string;
  system: string;
  /** How TIMESTAMP columns were read (always UTC) and the zone DATETIME columns were taken to be in. */
  timestampColumns: "UTC (session time_zone +00:00)";
  datetimeColumns: string | null;
  datetimeZone: string;
}

const LISTED_ISSUES = 1000;

/** Collects issues; keeps every count, lists the first thousand (a million orphan logs would not be read anyway). */
export class IssueLog {
  private readonly listed: MigrationIssue[] = [];
  private readonly byKind: Partial<Record<IssueKind, number>> = {};
  private count = 0;

  add(issue: MigrationIssue): void {
    this.count += 1;
    this.byKind[issue.kind] = (this.byKind[issue.kind] ?? 0) + 1;
    if (this.listed.length < LISTED_ISSUES) this.listed.push(issue);
  }

  get total(): number {
    return this.count;
  }

  summary(): MigrationReport["issues"] {
    return { total: this.count, byKind: { ...this.byKind }, listed: [...this.listed] };
  }
}

export async function writeReportFile(path: string, report: MigrationReport): Promise<void> {
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`, "utf8");
}

function sourceLines(source: MigrationReport["source"]): string[] {
  if (source.kind === "mongodb")
    return [
      `Source: ${source.url}, database ${source.database} (MongoDB ${source.serverVersion}).`,
      `usage_logs.created_at read as ${source.timeZone.usageLogsCreatedAt}; other dates as UTC.`,
    ];
  const tz = source.timeZone;
  return [
    `Source: ${source.url} (MariaDB ${source.serverVersion}); server time zone ${tz.server} (system ${tz.system}).`,
    `TIMESTAMP columns read as UTC; DATETIME columns ${tz.datetimeColumns === null ? "none" : `(${tz.datetimeColumns}) read as ${tz.datetimeZone}`}.`,
  ];
}

/** The report as the operator reads it: one row per table, then the problems. */
export function formatReport(report: MigrationReport): string[] {
  const verifying = report.tables.some((table) => table.verification);
  const header = ["table", "source", "skipped", "merged", "inserted", "updated", "unchanged"];
  if (verifying) header.push("verified src", "verified tgt", "checksum", "mismatches");
  const rows = report.tables.map((table) => {
    const cells = [table.table, table.sourceRows, table.skipped, table.merged, table.inserted, table.updated, table.unchanged].map(String);
    const v = table.verification;
    if (verifying) {
      if (!v) cells.push("", "", "", "");
      else
        cells.push(
          String(v.sourceCount),
          String(v.targetCount),
          v.sourceChecksum === v.targetChecksum
            ? `${v.sourceChecksum.slice(0, 12)} =`
            : `${v.sourceChecksum.slice(0, 12)} ≠ ${v.targetChecksum.slice(0, 12)}`,
          String(v.mismatches.length + v.unlisted),
        );
    }
    return cells;
  });
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]): string =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  ");
  const lines = [line(header), widths.map((width) => "-".repeat(width)).join("  "), ...rows.map(line)];
  lines.push("", ...sourceLines(report.source));
  for (const skipped of report.notImported ?? [])
    lines.push(`Not imported: ${skipped.collection} (${skipped.documents} documents): ${skipped.why}.`);
  for (const diff of report.planDifferences)
    lines.push(
      `Plan ${diff.plan}: ${diff.field} ${JSON.stringify(diff.platform)} on the platform, ${JSON.stringify(diff.source)} in the source.`,
    );
  if (report.usageCounters.licenses > 0)
    lines.push(
      `Usage counters for ${report.usageCounters.month}: ${report.usageCounters.licenses} licenses with usage, ${report.usageCounters.changed} counters changed.`,
    );
  if (report.issues.total > 0) {
    const kinds = Object.entries(report.issues.byKind).map(([kind, count]) => `${kind} ${count}`);
    lines.push("", `Source problems: ${report.issues.total} (${kinds.join(", ")}):`);
    for (const issue of report.issues.listed.slice(0, 50))
      lines.push(`  ${issue.table} #${issue.sourceId} ${issue.kind} (${issue.action}): ${issue.message}  ${JSON.stringify(issue.row)}`);
    if (report.issues.total > 50) lines.push(`  … ${report.issues.total - 50} more in the JSON report (--report FILE).`);
  }
  for (const table of report.tables) {
    const v = table.verification;
    if (!v || v.mismatches.length + v.unlisted === 0) continue;
    lines.push("", `Mismatches in ${table.table}:`);
    for (const mismatch of v.mismatches.slice(0, 50))
      lines.push(
        `  source id ${mismatch.sourceId ?? "-"} (${mismatch.targetId}): ${mismatch.problem}${mismatch.fields ? ` ${mismatch.fields.join(", ")}` : ""}`,
      );
    const more = v.mismatches.length - 50 + v.unlisted;
    if (more > 0) lines.push(`  … ${more} more.`);
  }
  if (report.refused) lines.push("", `Nothing written: ${report.refused}`);
  return lines;
}
