import type { mongoose } from "@typegoose/typegoose";
import type { mongo } from "mongoose";
import type { Secrets } from "../../security/secrets";
import { legacyIdRange, legacyObjectId, legacySourceOf, SourceSystem } from "../legacy-ids";
import type { MappedRecord, SourceBatch, TableSource } from "../migration.pass";
import type { IssueKind, IssueLog, MigrationIssue, PlanDifference } from "../migration.report";
import { resolveTargetIds } from "../target-ids.resolve";
import type { MariadbSource, SourceRow } from "./mariadb.source";
import type { SourceTimeZone } from "../source-time-zone";
import { maskSecret, sourceId, sqlDate } from "./v1.values";
import { V1_TABLE_TAGS, type V1Table } from "./v1.schema";

/** What the v1 table mappings share during one run: the source, the target, and the ids mapped so far. */
export interface V1Context {
  source: MariadbSource;
  target: mongo.Db;
  secrets: Secrets;
  issues: IssueLog;
  zone: SourceTimeZone;
  /** v1 id → platform id, filled table by table (plans before customers before licenses before the rest). */
  plans: Map<number, mongoose.Types.ObjectId>;
  customers: Map<number, mongoose.Types.ObjectId>;
  licenses: Map<number, mongoose.Types.ObjectId>;
  /** Platform plan id (hex) → name: references to plans are compared by name, the same in every target. */
  planNames: Map<string, string>;
  planDifferences: PlanDifference[];
}

export const v1Id = (table: V1Table, id: number): mongoose.Types.ObjectId =>
  legacyObjectId(SourceSystem.mariadbV1, V1_TABLE_TAGS[table], id);

/** Secret columns never reach a report in clear. */
const SECRET_COLUMNS = new Set(["license_key", "api_key"]);

export function maskRow(row: SourceRow): Record<string, unknown> {
  const masked: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) masked[column] = SECRET_COLUMNS.has(column) ? maskSecret(value) : value;
  return masked;
}

/** The problems of one row, reported with the row itself. */
export class RowProblems {
  constructor(
    private readonly ctx: V1Context,
    private readonly table: V1Table,
    readonly row: SourceRow,
  ) {}

  get id(): number {
    return sourceId(this.row.id);
  }

  add(kind: IssueKind, action: MigrationIssue["action"], message: string): void {
    this.ctx.issues.add({ table: this.table, sourceId: this.id, kind, action, message, row: maskRow(this.row) });
  }

  /** A date column as a UTC Date; a zero or unreadable date is reported and left null, never guessed. */
  date(column: string): Date | null {
    const kind = this.ctx.source.dateKinds[this.table][column] ?? "timestamp";
    const converted = sqlDate((this.row[column] as string | null) ?? null, kind, this.ctx.zone);
    if (converted.ok) return converted.value;
    this.add("zero_date", "imported", `${column}: ${converted.problem}, imported as null`);
    return null;
  }

  text(column: string): string | null {
    const value = this.row[column];
    return value === null || value === undefined ? null : String(value);
  }
}

export interface MappedBatch {
  records: MappedRecord[];
  skipped: number[];
  merged: number;
}

export interface V1TableSpec {
  table: V1Table;
  collection: string;
  appendOnly: boolean;
  map(rows: SourceRow[]): Promise<MappedBatch>;
  canonical(document: Record<string, unknown>): Record<string, unknown>;
}

/** A v1 table read in id order with keyset pagination (an indexed range per batch, inside the run's snapshot). */
export function v1TableSource(ctx: V1Context, spec: V1TableSpec): TableSource {
  const { table } = spec;
  const tag = V1_TABLE_TAGS[table];
  return {
    table,
    collection: spec.collection,
    appendOnly: spec.appendOnly,
    owned: { _id: legacyIdRange(SourceSystem.mariadbV1, tag) },
    async countAfter(afterId) {
      const [row] = await ctx.source.query(`SELECT COUNT(*) AS n FROM \`${table}\` WHERE id > ?`, [afterId ?? 0]);
      return Number(row?.n ?? 0);
    },
    async readAfter(afterId, limit): Promise<SourceBatch | null> {
      const rows = await ctx.source.query(`SELECT ${ctx.source.columns(table)} FROM \`${table}\` WHERE id > ? ORDER BY id LIMIT ?`, [
        afterId ?? 0,
        limit,
      ]);
      const last = rows[rows.length - 1];
      if (!last) return null;
      const mapped = await spec.map(rows);
      return { lastId: sourceId(last.id), rows: rows.length, ...mapped };
    },
    async existing(ids) {
      if (ids.length === 0) return new Set();
      const rows = await ctx.source.query(`SELECT id FROM \`${table}\` WHERE id IN (?)`, [ids]);
      return new Set(rows.map((row) => sourceId(row.id)));
    },
    canonical: spec.canonical,
    ownId: (id) => v1Id(table, Number(id)),
    sourceIdOf(document) {
      const origin = legacySourceOf(document._id);
      return origin && origin.source === SourceSystem.mariadbV1 && origin.table === tag ? origin.id : undefined;
    },
  };
}

/** The platform id of each row (see resolveTargetIds): its deterministic id, or a platform document's of the same natural key. */
export async function resolveIds(
  ctx: V1Context,
  collection: string,
  naturalKey: string,
  wanted: Array<{ legacyId: mongoose.Types.ObjectId; key: string }>,
): Promise<mongoose.Types.ObjectId[]> {
  return resolveTargetIds(
    ctx.target,
    collection,
    naturalKey,
    wanted.map((entry) => ({ ownId: entry.legacyId, key: entry.key })),
    (document) => legacySourceOf(document._id) !== undefined,
  );
}

export { pick } from "../target-canonical";
