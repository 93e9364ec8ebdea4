import type { Document } from "bson";
import type { IndexStore } from "./index-store";
import { encodeValue, invertKey, KEY_MAX, typeBracket } from "./keys";
import { bsonTypeOf, forEachFieldCondition, isPlainObject } from "./values";

/**
 * Chooses how to find the candidate documents of a filter: an index scan over the keys the filter pins down
 * (equality, `$in`, one range), an ordered walk of an index that matches the sort, or a full scan.
 * Candidates are always re-checked against the whole filter, so a plan only has to return a superset.
 */
export type Plan =
  { kind: "collscan" } | { kind: "ixscan"; index: IndexStore; ranges: Array<[string, string]>; ordered: boolean; reverse: boolean };

interface FieldBounds {
  values?: unknown[]; // equality or $in
  low?: unknown;
  high?: unknown;
}

const MAX_POINTS = 5000;

export function planQuery(indexes: Iterable<IndexStore>, filter: Document | undefined, sort: Document | undefined): Plan {
  const bounds = extractBounds(filter ?? {});
  const sortFields = sort ? Object.keys(sort) : [];
  let best: { plan: Plan; score: number } | undefined;
  for (const index of indexes) {
    const candidate = planForIndex(index, bounds, sort, sortFields);
    if (candidate && (!best || candidate.score > best.score)) best = candidate;
  }
  return best?.plan ?? { kind: "collscan" };
}

function planForIndex(
  index: IndexStore,
  bounds: Map<string, FieldBounds>,
  sort: Document | undefined,
  sortFields: string[],
): { plan: Plan; score: number } | undefined {
  if (index.partial) return undefined;
  let prefixes = [""];
  let pinned = 0;
  for (const field of index.fields) {
    const bound = bounds.get(field.name);
    if (!bound) break;
    if (bound.values) {
      // A sparse index has no entry for documents that lack the field, so it cannot answer "equals null".
      if (index.sparse && bound.values.some((value) => value === null)) return undefined;
      const parts = [...new Set(bound.values.map((value) => encodeValue(value)))].map((key) => (field.descending ? invertKey(key) : key));
      if (prefixes.length * parts.length > MAX_POINTS) break;
      prefixes = prefixes.flatMap((prefix) => parts.map((part) => prefix + part));
      pinned++;
      continue;
    }
    let low = bound.low !== undefined ? encodeValue(bound.low) : typeBracket(bound.high).low;
    // On a multikey index each bound may be met by a different array element, so only one bound can be used.
    const useHigh = bound.high !== undefined && !(index.multikey && bound.low !== undefined);
    let high = useHigh ? encodeValue(bound.high) : typeBracket(bound.low ?? bound.high).high;
    // A type-class end is already past every key of the type (and below the next type's keys): nothing to append.
    let highSuffix = useHigh ? KEY_MAX : "";
    if (field.descending) {
      [low, high] = [invertKey(high), invertKey(low)];
      highSuffix = KEY_MAX;
    }
    const ranges = prefixes.map((prefix): [string, string] => [prefix + low, prefix + high + highSuffix]);
    const order = orderFor(index, pinned, sort, sortFields, prefixes.length);
    return {
      plan: { kind: "ixscan", index, ranges, ...order },
      score: pinned * 2 + 1 + (index.unique ? 0.5 : 0) + (order.ordered ? 0.25 : 0),
    };
  }
  if (pinned === 0) {
    // No condition on the index's first field: still worth walking when it yields the sort order.
    if (!index.coversAllDocuments || sortFields.length === 0) return undefined;
    const order = orderFor(index, 0, sort, sortFields, 1);
    if (!order.ordered) return undefined;
    return { plan: { kind: "ixscan", index, ranges: [["", KEY_MAX]], ...order }, score: 0.1 };
  }
  const exact = pinned === index.fields.length;
  const ranges = prefixes.map((prefix): [string, string] => [prefix, exact ? prefix : prefix + KEY_MAX]);
  const order = orderFor(index, pinned, sort, sortFields, prefixes.length);
  const score = pinned * 2 + (exact && index.unique ? 1 : 0) + (order.ordered ? 0.25 : 0);
  return { plan: { kind: "ixscan", index, ranges, ...order }, score };
}

/** Whether walking the index from field `from` on yields the requested sort (forwards or backwards). */
function orderFor(
  index: IndexStore,
  from: number,
  sort: Document | undefined,
  sortFields: string[],
  rangeCount: number,
): { ordered: boolean; reverse: boolean } {
  if (!sort || sortFields.length === 0) return { ordered: rangeCount === 1, reverse: false };
  if (rangeCount !== 1 || index.multikey) return { ordered: false, reverse: false };
  const rest = index.fields.slice(from);
  if (sortFields.length > rest.length) return { ordered: false, reverse: false };
  let direction: boolean | undefined;
  for (let i = 0; i < sortFields.length; i++) {
    if (rest[i].name !== sortFields[i]) return { ordered: false, reverse: false };
    const wantsDescending = Number(sort[sortFields[i]]) < 0;
    const reversed = wantsDescending !== rest[i].descending;
    if (direction === undefined) direction = reversed;
    else if (direction !== reversed) return { ordered: false, reverse: false };
  }
  return { ordered: true, reverse: direction ?? false };
}

/** Equality, `$in` and range conditions per field, from the top level and `$and` of a filter. */
function extractBounds(filter: Document): Map<string, FieldBounds> {
  const bounds = new Map<string, FieldBounds>();
  forEachFieldCondition(filter, (field, condition) => {
    const bound = boundsOf(condition);
    if (bound && !bounds.has(field)) bounds.set(field, bound);
  });
  return bounds;
}

function isIndexableValue(value: unknown): boolean {
  return !(value instanceof RegExp) && !Array.isArray(value) && bsonTypeOf(value) !== "BSONRegExp" && value !== undefined;
}

function boundsOf(value: unknown): FieldBounds | undefined {
  if (!isPlainObject(value)) return isIndexableValue(value) ? { values: [value] } : undefined;
  const ops = Object.keys(value);
  if (ops.length === 0 || !ops[0].startsWith("$")) return isIndexableValue(value) ? { values: [value] } : undefined;
  if ("$eq" in value && isIndexableValue(value.$eq) && !isPlainObject(value.$eq)) return { values: [value.$eq] };
  if ("$in" in value && Array.isArray(value.$in) && value.$in.every((v: unknown) => isIndexableValue(v) && !isPlainObject(v))) {
    return { values: value.$in };
  }
  const bound: FieldBounds = {};
  for (const op of ["$gt", "$gte"]) if (op in value && isIndexableValue(value[op]) && !isPlainObject(value[op])) bound.low = value[op];
  for (const op of ["$lt", "$lte"]) if (op in value && isIndexableValue(value[op]) && !isPlainObject(value[op])) bound.high = value[op];
  if (bound.low !== undefined && bound.high !== undefined && encodeValue(bound.low).charAt(0) !== encodeValue(bound.high).charAt(0))
    return undefined;
  if (bound.low === null || bound.high === null) return undefined;
  return bound.low !== undefined || bound.high !== undefined ? bound : undefined;
}
