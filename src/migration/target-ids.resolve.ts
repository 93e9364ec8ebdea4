import type { mongoose } from "@typegoose/typegoose";
import type { mongo } from "mongoose";
import { IMPORTED_FROM_FIELD } from "./migration.pass";

type Doc = { _id: mongoose.Types.ObjectId } & Record<string, unknown>;

/**
 * The platform id of each source record: its own id when a document already has it (an earlier import), else the
 * id of a document the platform made itself with the same natural key (email, key digest, provider), else its own
 * id (a new document). `isImported` tells another record's imported document, which is that record's, not the
 * platform's own.
 */
export async function resolveTargetIds(
  target: mongo.Db,
  collection: string,
  naturalKey: string,
  wanted: Array<{ ownId: mongoose.Types.ObjectId; key: string }>,
  isImported: (document: Doc) => boolean,
): Promise<mongoose.Types.ObjectId[]> {
  const documents = target.collection<Doc>(collection);
  const existing = new Set(
    (await documents.find({ _id: { $in: wanted.map((entry) => entry.ownId) } }, { projection: { _id: 1 } }).toArray()).map((doc) =>
      doc._id.toHexString(),
    ),
  );
  const byKey = new Map<string, mongoose.Types.ObjectId>();
  const keys = wanted.filter((entry) => !existing.has(entry.ownId.toHexString())).map((entry) => entry.key);
  if (keys.length > 0) {
    const projection = { _id: 1, [naturalKey]: 1, [IMPORTED_FROM_FIELD]: 1 };
    for (const doc of await documents.find({ [naturalKey]: { $in: keys } }, { projection }).toArray())
      if (!isImported(doc)) byKey.set(String(doc[naturalKey]), doc._id);
  }
  return wanted.map((entry) => (existing.has(entry.ownId.toHexString()) ? entry.ownId : (byKey.get(entry.key) ?? entry.ownId)));
}
