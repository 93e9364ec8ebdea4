import { mongoose } from "@typegoose/typegoose";
import type { mongo } from "mongoose";
import type { Secrets } from "../../security/secrets";
import { legacySourceOf } from "../legacy-ids";
import { IMPORTED_FROM_FIELD, type MappedRecord, type SourceBatch, type SourceId, type TableSource } from "../migration.pass";
import type { IssueKind, IssueLog, MigrationIssue, PlanDifference } from "../migration.report";
import type { SourceTimeZone } from "../source-time-zone";
import { resolveTargetIds } from "../target-ids.resolve";
import type { MongoV2Source } from "./mongo.source";
import { V2_IMPORT_MARK, type V2Collection } from "./v2.schema";
import { dateValue, flag, integer, objectIdHex, shown, text, UTC, type Read } from "./v2.values";

/** What the v2 collection mappings share during one run: the source, the target, and the ids mapped so far. */
export interface V2Context {
  source: MongoV2Source;
  target: mongo.Db;
  secrets: Secrets;
  issues: IssueLog;
  /** The zone of usage_logs.created_at (the v2 API server's local time). */
  logZone: SourceTimeZone;
  /** v2 id (hex) → platform id, filled collection by collection (plans, customers, licenses before the rest). */
  plans: Map<string, mongoose.Types.ObjectId>;
  customers: Map<string, mongoose.Types.ObjectId>;
  licenses: Map<string, mongoose.Types.ObjectId>;
  /** Platform plan id (hex) → name: references to plans are compared by name, the same in every target. */
  planNames: Map<string, string>;
  planDifferences: PlanDifference[];
}

export type SourceDocument = mongo.Document & { _id: mongoose.Types.ObjectId };

/** Secret fields never reach a report in clear. */
const SECRET_FIELDS = new Set(["license_key", "api_key"]);

/** A source document as a report shows it: ids as hex, dates as ISO text (JSON does both), secrets masked. */
export function maskDocument(document: mongo.Document): Record<string, unknown> {
  const masked: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(document))
    masked[field] = SECRET_FIELDS.has(field) ? (typeof value === "string" ? maskSecret(value) : null) : value;
  return masked;
}

function maskSecret(value: string): string {
  return value.length <= 4 ? "…" : `…${value.slice(-4)}`;
}

/** The problems of one document, reported with the document itself; and its fields read with reporting. */
export class DocumentProblems {
  constructor(
    private readonly ctx: V2Context,
    private readonly collection: V2Collection,
    readonly document: SourceDocument,
  ) {}

  get id(): string {
    return this.document._id.toHexString();
  }

  add(kind: IssueKind, action: MigrationIssue["action"], message: string): void {
    this.ctx.issues.add({ table: this.collection, sourceId: this.id, kind, action, message, row: maskDocument(this.document) });
  }

  /**
   * A field through a conversion: a converted value of the wrong type is reported and kept; one that cannot be
   * converted is reported and becomes `fallback` (null unless the caller has a better one, which it names).
   */
  read<T>(field: string, read: Read<T>, fallback: { value: T; says: string }): T;
  read<T>(field: string, read: Read<T | null>): T | null;
  read<T>(field: string, read: Read<T | null>, fallback?: { value: T; says: string }): T | null {
    if (read.ok) {
      if (read.note !== undefined) this.add("invalid_value", "imported", `${field}: ${read.note}; imported as ${shown(read.value)}`);
      return read.value;
    }
    this.add("invalid_value", "imported", `${field}: ${read.problem}; ${fallback ? fallback.says : "imported as null"}`);
    return fallback ? fallback.value : null;
  }

  date(field: string, zone: SourceTimeZone = UTC): Date | null {
    return this.read(field, dateValue(this.document[field], zone));
  }

  text(field: string): string | null {
    return this.read(field, text(this.document[field]));
  }

  int(field: string): number | null {
    return this.read(field, integer(this.document[field]));
  }

  flag(field: string): boolean | null {
    return this.read(field, flag(this.document[field]));
  }

  /**
   * A reference to an imported document: its platform id, or null with what is wrong (`absent`: the field is
   * missing or null). A reference written as hex text is reported only when it is used.
   */
  reference(
    field: string,
    map: Map<string, mongoose.Types.ObjectId>,
  ): { id: mongoose.Types.ObjectId | null; absent: boolean; what: string } {
    const value = this.document[field];
    if (value === null || value === undefined) return { id: null, absent: true, what: `it has no ${field}` };
    const read = objectIdHex(value);
    if (!read.ok || read.value === null) return { id: null, absent: false, what: `${field} ${shown(value)} is not an ObjectId` };
    const id = map.get(read.value) ?? null;
    if (id && read.note !== undefined) this.add("invalid_value", "imported", `${field}: ${read.note}; read as the ObjectId`);
    return { id, absent: false, what: `${field} ${read.value} is not imported` };
  }
}

export interface MappedBatch {
  records: MappedRecord[];
  skipped: SourceId[];
  merged: number;
}

export interface V2CollectionSpec {
  collection: V2Collection;
  /** The platform collection it is imported into. */
  into: string;
  appendOnly: boolean;
  /**
   * A collection only this import writes (historical_analytics) owns every document in it; elsewhere the platform
   * makes documents of its own, and an imported one carries IMPORTED_FROM_FIELD.
   */
  ownsCollection?: boolean;
  map(documents: SourceDocument[]): Promise<MappedBatch>;
  canonical(document: Record<string, unknown>): Record<string, unknown>;
}

const FIRST_ID = "000000000000000000000000";

/**
 * ObjectIds are made by each v2 process from its own clock, a random value and a counter: two API workers can write
 * logs whose ids are not in the order they were written, and a hand-made or clock-skewed id can lie in the future.
 * A resumed run therefore reads again from a margin before the earlier of its checkpoint and the time the run began:
 * a few lookups of documents already there, and nothing written late (or after a future-dated id) is lost.
 */
const RESUME_MARGIN_SECONDS = 600;

/**
 * A v2 collection read in `_id` order with keyset pagination (an indexed range per batch). Documents keep their
 * ObjectIds. A document whose `_id` is not an ObjectId (a hand-made one) cannot keep it: it is reported and skipped.
 */
export function v2CollectionSource(ctx: V2Context, spec: V2CollectionSpec): TableSource {
  const { collection } = spec;
  const present = ctx.source.has(collection);
  const documents = ctx.source.collection(collection);
  const after = (afterId: SourceId | null): Record<string, unknown> => ({
    _id: { $gt: new mongoose.Types.ObjectId(afterId === null ? FIRST_ID : String(afterId)) },
  });
  let oddIdsReported = false;

  const mark = (batch: MappedBatch): MappedBatch => {
    if (spec.ownsCollection) return batch;
    for (const record of batch.records)
      if (record.targetId.toHexString() === record.sourceId) record.fields[IMPORTED_FROM_FIELD] = V2_IMPORT_MARK;
    return batch;
  };

  return {
    table: collection,
    collection: spec.into,
    appendOnly: spec.appendOnly,
    owned: spec.ownsCollection ? {} : { [IMPORTED_FROM_FIELD]: V2_IMPORT_MARK },
    async countAfter(afterId) {
      if (!present) return 0;
      // The first batch also carries the documents whose _id is not an ObjectId (reported and skipped).
      const odd = oddIdsReported ? 0 : await documents.countDocuments({ _id: { $not: { $type: "objectId" } } });
      return (await documents.countDocuments(after(afterId))) + odd;
    },
    async readAfter(afterId, limit): Promise<SourceBatch | null> {
      if (!present) return null;
      const odd = oddIdsReported ? [] : await oddIds(ctx, collection);
      oddIdsReported = true;
      const read = (await documents.find(after(afterId), { sort: { _id: 1 }, limit }).toArray()) as SourceDocument[];
      const last = read[read.length - 1];
      if (!last && odd.length === 0) return null;
      const mapped = mark(await spec.map(read));
      return {
        lastId: last ? last._id.toHexString() : (afterId ?? FIRST_ID),
        rows: read.length + odd.length,
        ...mapped,
        skipped: [...odd, ...mapped.skipped],
      };
    },
    async existing(ids) {
      const valid = ids.map(String).filter((id) => /^[0-9a-f]{24}$/.test(id));
      if (!present || valid.length === 0) return new Set();
      const found = await documents
        .find({ _id: { $in: valid.map((id) => new mongoose.Types.ObjectId(id)) } }, { projection: { _id: 1 } })
        .toArray();
      return new Set(found.map((document) => (document._id as mongoose.Types.ObjectId).toHexString()));
    },
    canonical: spec.canonical,
    ownId: (id) => new mongoose.Types.ObjectId(String(id)),
    sourceIdOf(document) {
      return spec.ownsCollection || document[IMPORTED_FROM_FIELD] === V2_IMPORT_MARK ? document._id.toHexString() : undefined;
    },
    resumeAfter(checkpoint) {
      const checkpointAt = new mongoose.Types.ObjectId(String(checkpoint)).getTimestamp().getTime();
      const seconds = Math.floor(Math.min(checkpointAt, ctx.source.openedAt.getTime()) / 1000) - RESUME_MARGIN_SECONDS;
      return mongoose.Types.ObjectId.createFromTime(Math.max(seconds, 0)).toHexString();
    },
  };
}

/** Documents whose `_id` is not an ObjectId: reported (each run reads them again) and skipped. */
async function oddIds(ctx: V2Context, collection: V2Collection): Promise<string[]> {
  const odd = await ctx.source
    .collection(collection)
    .find({ _id: { $not: { $type: "objectId" } } })
    .toArray();
  for (const document of odd)
    ctx.issues.add({
      table: collection,
      sourceId: String(document._id),
      kind: "invalid_value",
      action: "skipped",
      message: `_id ${shown(document._id)} is not an ObjectId, which the platform's documents need`,
      row: maskDocument(document),
    });
  return odd.map((document) => String(document._id));
}

/**
 * The platform id of each document: its own when a document already has it (an earlier import), else the id of a
 * document the platform made itself with the same natural key (email, key digest, provider), else its own.
 */
export async function resolveIds(
  ctx: V2Context,
  collection: string,
  naturalKey: string,
  wanted: Array<{ id: string; key: string }>,
): Promise<mongoose.Types.ObjectId[]> {
  return resolveTargetIds(
    ctx.target,
    collection,
    naturalKey,
    wanted.map((entry) => ({ ownId: new mongoose.Types.ObjectId(entry.id), key: entry.key })),
    // A document another import brought (v1's deterministic ids, or v2's mark) belongs to that record.
    (document) => document[IMPORTED_FROM_FIELD] !== undefined || legacySourceOf(document._id) !== undefined,
  );
}

export { pick } from "../target-canonical";
