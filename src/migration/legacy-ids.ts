import { mongoose } from "@typegoose/typegoose";

/**
 * Deterministic ObjectIds for imported records, so that running an import again updates what the last run wrote
 * instead of adding a copy. The id is not a hash: it spells out where the record came from, which is also what
 * lets verification and reports name the source row of any document.
 *
 *   bytes 0–3   a fixed timestamp, 2000-01-01T00:00:00Z: older than any id the platform generates, so imported
 *               records sort before native ones and can never collide with them
 *   byte  4     the source system (1 = MariaDB v1, 2 = MongoDB v2)
 *   byte  5     the source table
 *   bytes 6–11  the source row's integer id, big-endian (so ids sort like the source ids, table by table)
 */
const MIGRATION_EPOCH_SECONDS = 946_684_800;
const MAX_SOURCE_ID = 2 ** 48 - 1;

export const SourceSystem = { mariadbV1: 1, mongoV2: 2 } as const;
export type SourceSystem = (typeof SourceSystem)[keyof typeof SourceSystem];

export class LegacyIdError extends Error {}

export function legacyObjectId(source: SourceSystem, table: number, id: number): mongoose.Types.ObjectId {
  if (!Number.isSafeInteger(id) || id < 0 || id > MAX_SOURCE_ID) throw new LegacyIdError(`source id ${id} does not fit 48 bits`);
  const bytes = Buffer.alloc(12);
  bytes.writeUInt32BE(MIGRATION_EPOCH_SECONDS, 0);
  bytes.writeUInt8(source, 4);
  bytes.writeUInt8(table, 5);
  bytes.writeUIntBE(id, 6, 6);
  return new mongoose.Types.ObjectId(bytes);
}

/** Every id one source table can map to, as an inclusive `_id` range (for counting what an import wrote). */
export function legacyIdRange(source: SourceSystem, table: number): { $gte: mongoose.Types.ObjectId; $lte: mongoose.Types.ObjectId } {
  return { $gte: legacyObjectId(source, table, 0), $lte: legacyObjectId(source, table, MAX_SOURCE_ID) };
}

/** The source row an imported id stands for, or undefined for an id the platform generated itself. */
export function legacySourceOf(id: mongoose.Types.ObjectId): { source: number; table: number; id: number } | undefined {
  const bytes = Buffer.from(id.id);
  if (bytes.readUInt32BE(0) !== MIGRATION_EPOCH_SECONDS) return undefined;
  return { source: bytes.readUInt8(4), table: bytes.readUInt8(5), id: bytes.readUIntBE(6, 6) };
}
