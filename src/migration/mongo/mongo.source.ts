import { mongoose } from "@typegoose/typegoose";
import type { mongo } from "mongoose";
import { MigrationSourceError } from "../migration.errors";
import type { MongoTarget } from "./mongo.url";
import { V2_COLLECTIONS, V2_REQUIRED, V2_SIGNATURE_FIELDS, type V2Collection } from "./v2.schema";

const CONNECT_TIMEOUT_MS = 10_000;

/**
 * The v2 database, opened for reading only (nothing here writes). Unlike v1's MariaDB, it is not read inside one
 * snapshot: a snapshot read on MongoDB lasts minutes at most, and a large import takes longer. Each collection is
 * read in `_id` order; what v2 writes meanwhile comes over on the next run, which brings only the difference.
 */
export class MongoV2Source {
  private constructor(
    private readonly client: mongo.MongoClient,
    readonly db: mongo.Db,
    readonly target: MongoTarget,
    readonly serverVersion: string,
    /** Every collection of the database, with its size (estimated: this is for the report). */
    readonly collections: Map<string, number>,
    /** When the run began, by the earlier of this machine's clock and the server's (ObjectIds carry such a time). */
    readonly openedAt: Date,
  ) {}

  static async open(target: MongoTarget): Promise<MongoV2Source> {
    let client: mongo.MongoClient;
    try {
      client = new mongoose.mongo.MongoClient(target.url, {
        serverSelectionTimeoutMS: CONNECT_TIMEOUT_MS,
        connectTimeoutMS: CONNECT_TIMEOUT_MS,
        appName: "chatello-migrate",
        // Reads only: a secondary of a replica set will do, and takes the load off v2's primary.
        readPreference: "secondaryPreferred",
      });
    } catch (error) {
      throw new MigrationSourceError(`--from is not a MongoDB URL the driver accepts: ${(error as Error).message}`);
    }
    try {
      await client.connect();
      const db = client.db(target.database);
      const info = await db.admin().command({ buildInfo: 1 });
      const hello = await db.admin().command({ hello: 1 });
      const serverTime = hello.localTime instanceof Date ? hello.localTime.getTime() : Date.now();
      const collections = new Map<string, number>();
      for (const entry of await db.listCollections({}, { nameOnly: true }).toArray()) {
        if (entry.type !== undefined && entry.type !== "collection") continue;
        if (entry.name.startsWith("system.")) continue;
        collections.set(entry.name, await db.collection(entry.name).estimatedDocumentCount());
      }
      await checkSchema(db, target, collections);
      const version = typeof info.version === "string" ? info.version : "unknown";
      return new MongoV2Source(client, db, target, version, collections, new Date(Math.min(Date.now(), serverTime)));
    } catch (error) {
      await client.close().catch(() => undefined);
      if (error instanceof MigrationSourceError) throw error;
      throw connectError(error, target);
    }
  }

  collection(name: V2Collection): mongo.Collection<mongo.Document> {
    return this.db.collection(name);
  }

  has(name: string): boolean {
    return this.collections.has(name);
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => undefined);
  }
}

/** Refuses a database that is not v2's, naming what is missing (or what it is instead). */
async function checkSchema(db: mongo.Db, target: MongoTarget, collections: Map<string, number>): Promise<void> {
  const where = `the database "${target.database}" at ${target.hosts}`;
  const present = V2_COLLECTIONS.filter((name) => collections.has(name));
  if (present.length === 0)
    throw new MigrationSourceError(
      `${where} is not a Chatello v2 database: it has none of its collections (${V2_REQUIRED.join(", ")}); is the database name right (--database)?`,
    );
  const missing = V2_REQUIRED.filter((name) => !collections.has(name));
  if (missing.length > 0)
    throw new MigrationSourceError(`${where} is not the Chatello v2 schema: missing collections ${missing.join(", ")}`);
  for (const [name, fields] of Object.entries(V2_SIGNATURE_FIELDS) as Array<[V2Collection, { v2: string; platform?: string }]>) {
    const sample = await db
      .collection(name)
      .findOne({}, { projection: { [fields.v2]: 1, ...(fields.platform ? { [fields.platform]: 1 } : {}) } });
    if (!sample || fields.v2 in sample) continue;
    if (fields.platform && fields.platform in sample)
      throw new MigrationSourceError(
        `${where} is a Chatello platform database (its ${name} have ${fields.platform}), not a v2 one: nothing to import`,
      );
    if ((await db.collection(name).findOne({ [fields.v2]: { $exists: true } }, { projection: { _id: 1 } })) === null)
      throw new MigrationSourceError(`${where} is not the Chatello v2 schema: no document in ${name} has a ${fields.v2} field`);
  }
}

function connectError(error: unknown, target: MongoTarget): MigrationSourceError {
  const where = target.hosts;
  const err = error as { code?: unknown; codeName?: string; message?: string; cause?: unknown; name?: string };
  const message = `${err.message ?? ""} ${String((err.cause as { message?: string } | undefined)?.message ?? "")}`;
  const user = target.user === null ? "(none)" : `"${target.user}"`;
  if (err.code === 18 || /Authentication failed/i.test(message))
    return new MigrationSourceError(`MongoDB at ${where} refused the login of user ${user}: wrong user or password (or authSource)`);
  if (err.code === 13 || err.codeName === "Unauthorized")
    return new MigrationSourceError(`MongoDB at ${where}: user ${user} may not read the database "${target.database}"`);
  if (err.code === 59 && /sasl/i.test(message))
    return new MigrationSourceError(
      `MongoDB at ${where} does not accept logins (it has no users): leave the user and password out of --from`,
    );
  if (/ECONNREFUSED/.test(message))
    return new MigrationSourceError(`cannot reach MongoDB at ${where}: connection refused (is the server running, and is the port right?)`);
  if (/ENOTFOUND|EAI_AGAIN|querySrv/.test(message)) return new MigrationSourceError(`cannot reach MongoDB at ${where}: unknown host`);
  if (err.name === "MongoParseError" || err.name === "MongoInvalidArgumentError" || err.name === "MongoAPIError")
    return new MigrationSourceError(`--from is not a MongoDB URL the driver accepts: ${err.message ?? ""}`);
  if (err.name === "MongoServerSelectionError")
    return new MigrationSourceError(`cannot reach MongoDB at ${where}: no answer within ${CONNECT_TIMEOUT_MS / 1000} s`);
  return new MigrationSourceError(`cannot read MongoDB at ${where}: ${err.message ?? String(error)}`);
}
