import { createHash } from "node:crypto";
import { mongoose } from "@typegoose/typegoose";

/**
 * The canonical form of a record, hashed on both sides of a migration: the same fields, in a fixed order, with one
 * spelling per value (dates as ISO-8601 UTC, ObjectIds as hex, missing as null), so that a source row mapped in
 * memory and the document read back from MongoDB hash equal exactly when they hold the same data.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalise(value));
}

function normalise(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return { $date: Number.isNaN(value.getTime()) ? "invalid" : value.toISOString() };
  if (value instanceof mongoose.Types.ObjectId) return { $oid: value.toHexString() };
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value === "object") {
    const source = value as Record<string, unknown>;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(source).sort()) sorted[key] = normalise(source[key]);
    return sorted;
  }
  // -0 and 0 are one number to MongoDB; JSON would print both as 0 anyway.
  return value;
}

export function recordHash(canonical: Record<string, unknown>): string {
  return createHash("sha256").update(canonicalJson(canonical), "utf8").digest("hex");
}

/**
 * One checksum over a whole table: every record's hash, in source-id order, with its id. Both sides feed it the
 * same sequence of ids, so equal checksums mean equal tables, record for record.
 */
export class TableChecksum {
  private readonly hash = createHash("sha256");
  private count = 0;

  add(sourceId: number | string, recordDigest: string): void {
    this.hash.update(`${sourceId}:${recordDigest}\n`, "utf8");
    this.count += 1;
  }

  get records(): number {
    return this.count;
  }

  digest(): string {
    return this.hash.copy().digest("hex");
  }
}
