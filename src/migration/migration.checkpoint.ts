import type { mongo } from "mongoose";
import type { Checkpoints, SourceId } from "./migration.pass";

export const CHECKPOINT_COLLECTION = "migration_checkpoints";

interface CheckpointDocument {
  _id: string;
  last_id: SourceId;
  updated_at: Date;
}

/**
 * Where an append-only table's import got to, per source (`mariadb://host:port/db`, `mongodb://host:port/db`), kept in the target next to
 * the data it describes. It is written after a batch's documents, so it can only ever lag behind them.
 */
export function mongoCheckpoints(target: mongo.Db, sourceKey: string): Checkpoints {
  const collection = target.collection<CheckpointDocument>(CHECKPOINT_COLLECTION);
  const id = (table: string): string => `${sourceKey}/${table}`;
  return {
    async read(table) {
      return (await collection.findOne({ _id: id(table) }))?.last_id ?? null;
    },
    async write(table, lastId) {
      await collection.updateOne({ _id: id(table) }, { $set: { last_id: lastId, updated_at: new Date() } }, { upsert: true });
    },
  };
}
