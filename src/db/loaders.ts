import { mongoose } from "@typegoose/typegoose";
import DataLoader from "dataloader";
import type { Model } from "mongoose";

/**
 * DataLoader factories: one query per batch, string keys (ObjectId hex), results in key order.
 * Loaders are created per request (see graphql/context.ts), never shared, so no data leaks between callers.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- works for any collection; T types the result
type AnyModel = Model<any>;

export function byIdLoader<T extends { _id: mongoose.Types.ObjectId }>(model: AnyModel): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = (await model
      .find({ _id: { $in: ids.map(toObjectId) } })
      .lean()
      .exec()) as unknown as T[];
    const byId = new Map(rows.map((row) => [row._id.toHexString(), row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** All documents whose `field` equals each key, newest first. */
export function groupLoader<T extends { _id: mongoose.Types.ObjectId }>(
  model: AnyModel,
  field: string,
  limitPerKey = 1000,
): DataLoader<string, T[]> {
  return new DataLoader<string, T[]>(async (keys) => {
    const rows = (await model
      .find({ [field]: { $in: keys.map(toObjectId) } })
      .sort({ _id: -1 })
      .lean()
      .exec()) as unknown as Array<T & Record<string, unknown>>;
    const groups = new Map<string, T[]>(keys.map((key) => [key, []]));
    for (const row of rows) {
      const group = groups.get(String(row[field]));
      if (group && group.length < limitPerKey) group.push(row);
    }
    return keys.map((key) => groups.get(key) ?? []);
  });
}

export function toObjectId(id: string): mongoose.Types.ObjectId {
  return new mongoose.Types.ObjectId(id);
}
