import { mongoose } from "@typegoose/typegoose";
import type { Model } from "mongoose";
import { badInput } from "../errors";

export const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 20;

export interface PageRequest {
  first?: number | null;
  after?: string | null;
}

export interface Page<T> {
  nodes: T[];
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: () => Promise<number>;
}

/** Opaque cursors: the base64url of the last node's `_id` (pages are newest first, by `_id`). */
export function encodeCursor(id: mongoose.Types.ObjectId): string {
  return Buffer.from(id.toHexString(), "utf8").toString("base64url");
}

function decodeCursor(cursor: string): mongoose.Types.ObjectId {
  const hex = Buffer.from(cursor, "base64url").toString("utf8");
  if (!mongoose.Types.ObjectId.isValid(hex) || hex.length !== 24) throw badInput("Invalid cursor (use a pageInfo.endCursor you received)");
  return new mongoose.Types.ObjectId(hex);
}

/**
 * Keyset pagination, newest first: one indexed query per page (filter + `_id < cursor`, limit first + 1), so a
 * page costs the same wherever it is. `totalCount` is computed only when asked for.
 */
export async function paginate<T extends { _id: mongoose.Types.ObjectId }>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any model: filters are built per collection by the services
  model: Model<any>,
  filter: Record<string, unknown>,
  page: PageRequest,
): Promise<Page<T>> {
  const first = page.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) throw badInput(`first must be between 1 and ${MAX_PAGE_SIZE}`);
  const query = page.after ? { $and: [filter, { _id: { $lt: decodeCursor(page.after) } }] } : filter;
  const rows = (await model
    .find(query)
    .sort({ _id: -1 })
    .limit(first + 1)
    .lean()
    .exec()) as unknown as T[];
  const nodes = rows.slice(0, first);
  const last = nodes[nodes.length - 1];
  return {
    nodes,
    hasNextPage: rows.length > first,
    endCursor: last ? encodeCursor(last._id) : null,
    totalCount: () => model.countDocuments(filter).exec(),
  };
}

/** A case-insensitive "contains" filter for user-typed search text (regex metacharacters escaped). */
export function containsText(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i");
}
