import type { Binary, Document, Long, ObjectId, Timestamp } from "bson";

/**
 * A slow, obviously-correct model of MongoDB's BSON comparison (BSONObj::woCompare / BSONElement::woCompare),
 * used as the oracle for the property tests of keys.ts. Not shared with the engine on purpose.
 *
 * - classes: MinKey < null/missing < numbers < strings < objects < arrays < binData < ObjectId < booleans
 *   < dates < timestamps < regex < MaxKey;
 * - numbers compare by exact value across int/long/double (NaN below every number, -0 equal to 0);
 * - strings compare by their UTF-8 bytes (no collation);
 * - objects compare element by element: value type class first, then field name, then value; a prefix sorts first;
 * - binData compares length, then subtype, then bytes; timestamps as unsigned 64-bit (t, then i).
 */

const tagOf = (value: unknown): string | undefined =>
  value !== null && typeof value === "object" ? ((value as { _bsontype?: string })._bsontype ?? undefined) : undefined;

export function classRank(value: unknown): number {
  if (value === undefined || value === null) return 2;
  if (typeof value === "number" || typeof value === "bigint") return 3;
  if (typeof value === "string") return 4;
  if (typeof value === "boolean") return 9;
  if (value instanceof Date) return 10;
  if (value instanceof RegExp) return 12;
  if (Array.isArray(value)) return 6;
  switch (tagOf(value)) {
    case undefined:
      return 5;
    case "MinKey":
      return 1;
    case "Long":
    case "Int32":
    case "Double":
      return 3;
    case "Binary":
      return 7;
    case "ObjectId":
      return 8;
    case "Timestamp":
      return 11;
    case "BSONRegExp":
      return 12;
    case "MaxKey":
      return 13;
    default:
      throw new Error(`reference-order: unsupported value ${String(value)}`);
  }
}

type Num = { nan: true } | { nan: false; double: number } | { nan: false; big: bigint };

function toNum(value: unknown): Num {
  if (typeof value === "bigint") return { nan: false, big: value };
  if (tagOf(value) === "Long") return { nan: false, big: (value as Long).toBigInt() };
  const double = typeof value === "number" ? value : (value as { value: number }).value;
  return Number.isNaN(double) ? { nan: true } : { nan: false, double };
}

/** Exact comparison of a double with an integer. */
function compareDoubleToBig(x: number, y: bigint): number {
  if (x === Number.POSITIVE_INFINITY) return 1;
  if (x === Number.NEGATIVE_INFINITY) return -1;
  const floor = BigInt(Math.floor(x));
  if (floor < y) return -1;
  if (floor > y) return 1;
  return Number.isInteger(x) ? 0 : 1;
}

export function compareNumbersExactly(a: unknown, b: unknown): number {
  const x = toNum(a);
  const y = toNum(b);
  if (x.nan) return y.nan ? 0 : -1;
  if (y.nan) return 1;
  if ("double" in x && "double" in y) return x.double < y.double ? -1 : x.double > y.double ? 1 : 0;
  if ("big" in x && "big" in y) return x.big < y.big ? -1 : x.big > y.big ? 1 : 0;
  if ("double" in x && "big" in y) return compareDoubleToBig(x.double, y.big);
  if ("big" in x && "double" in y) return -compareDoubleToBig(y.double, x.big);
  throw new Error("unreachable");
}

export function compareUtf8(a: string, b: string): number {
  return Math.sign(Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8")));
}

function compareElements(entriesA: Array<[string, unknown]>, entriesB: Array<[string, unknown]>): number {
  for (let i = 0; ; i++) {
    if (i === entriesA.length) return i === entriesB.length ? 0 : -1;
    if (i === entriesB.length) return 1;
    const [nameA, valueA] = entriesA[i];
    const [nameB, valueB] = entriesB[i];
    const byType = classRank(valueA) - classRank(valueB);
    if (byType !== 0) return Math.sign(byType);
    const byName = compareUtf8(nameA, nameB);
    if (byName !== 0) return byName;
    const byValue = referenceCompare(valueA, valueB);
    if (byValue !== 0) return byValue;
  }
}

const bytesOf = (binary: Binary): Buffer => Buffer.from(binary.buffer.subarray(0, binary.position));

export function referenceCompare(a: unknown, b: unknown): number {
  const byClass = classRank(a) - classRank(b);
  if (byClass !== 0) return Math.sign(byClass);
  switch (classRank(a)) {
    case 1:
    case 2:
    case 13:
      return 0;
    case 3:
      return compareNumbersExactly(a, b);
    case 4:
      return compareUtf8(a as string, b as string);
    case 5:
      return compareElements(Object.entries(a as Document), Object.entries(b as Document));
    case 6:
      return compareElements(
        (a as unknown[]).map((v, i) => [String(i), v]),
        (b as unknown[]).map((v, i) => [String(i), v]),
      );
    case 7: {
      const [x, y] = [a as Binary, b as Binary];
      const [bx, by] = [bytesOf(x), bytesOf(y)];
      if (bx.length !== by.length) return bx.length < by.length ? -1 : 1;
      if (x.sub_type !== y.sub_type) return x.sub_type < y.sub_type ? -1 : 1;
      return Math.sign(Buffer.compare(bx, by));
    }
    case 8:
      return Math.sign(Buffer.compare(Buffer.from((a as ObjectId).id), Buffer.from((b as ObjectId).id)));
    case 9:
      return Number(a) - Number(b);
    case 10:
      return Math.sign((a as Date).getTime() - (b as Date).getTime());
    case 11: {
      const [x, y] = [(a as Timestamp).toBigInt(), (b as Timestamp).toBigInt()];
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 12: {
      const pattern = (r: unknown): [string, string] =>
        r instanceof RegExp ? [r.source, r.flags] : [(r as { pattern: string }).pattern, (r as { options: string }).options];
      const [pa, fa] = pattern(a);
      const [pb, fb] = pattern(b);
      return compareUtf8(pa, pb) || compareUtf8(fa, fb);
    }
    default:
      throw new Error("unreachable");
  }
}
