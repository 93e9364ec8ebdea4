import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { Binary, BSONRegExp, Code, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp, UUID, type Document } from "bson";
import mongoose, { type Connection } from "mongoose";
import { startEmbeddedMongo, type EmbeddedMongo } from "../../src/db/embedded";

/** An in-memory embedded engine reached over TCP, with as many independent connections as a test wants. */
export interface TestEngine {
  engine: EmbeddedMongo;
  connect(dbName: string): Promise<Connection>;
  stop(): Promise<void>;
}

export async function startTestEngine(): Promise<TestEngine> {
  const engine = await startEmbeddedMongo();
  const connections: Connection[] = [];
  return {
    engine,
    async connect(dbName) {
      const connection = await mongoose.createConnection(engine.uri, { dbName, bufferCommands: false }).asPromise();
      connections.push(connection);
      return connection;
    },
    async stop() {
      await Promise.all(connections.map((connection) => connection.close()));
      await engine.stop();
    },
  };
}

export async function makeTempDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "chatello-backup-"));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A collection whose documents may have any `_id` (the driver's default typing expects ObjectIds). */
export function collectionOf(connection: Connection, name: string): mongoose.mongo.Collection<Document & { _id: unknown }> {
  return database(connection).collection<Document & { _id: unknown }>(name);
}

export function database(connection: Connection): mongoose.mongo.Db {
  if (connection.db === undefined) throw new Error("not connected");
  return connection.db;
}

/**
 * One document with every BSON type the embedded engine keeps as it is (int64 beyond 2^53 included). The engine
 * turns int64 values within 2^53 and whole-number doubles into int32 (its wire codec promotes numbers), so those two
 * are covered by the file-level test instead.
 */
export function everyTypeDocument(): Document {
  return {
    _id: new ObjectId(),
    int32: new Int32(-7),
    double: new Double(1.5),
    negativeZero: new Double(-0),
    notANumber: new Double(NaN),
    infinity: new Double(-Infinity),
    bigInt64: Long.fromString("9007199254740993"),
    negativeInt64: Long.fromString("-9223372036854775808"),
    date: new Date(Date.UTC(2025, 7, 21, 10, 0, 0, 123)),
    beforeEpoch: new Date(-1),
    binary: new Binary(Buffer.from([0, 1, 2, 254, 255])),
    uuid: new UUID("0f8fad5b-d9cb-469f-a165-70867728950e"),
    md5: new Binary(Buffer.alloc(16, 7), 5),
    userBinary: new Binary(Buffer.from("custom"), 0x80),
    regex: new BSONRegExp("^a.b\\s+c$", "imsx"),
    timestamp: new Timestamp({ t: 1724234400, i: 7 }),
    minKey: new MinKey(),
    maxKey: new MaxKey(),
    code: new Code("function () { return 1; }"),
    yes: true,
    no: false,
    nothing: null,
    text: 'naïve 🚀 \u0000 \n "quoted" \u2028',
    nested: { deeper: { list: [new Int32(1), "two", { three: new Date(0) }, [new ObjectId(), new Double(2.25)]] } },
    emptyObject: {},
    emptyArray: [],
  };
}

/** Rewrites a backup's decompressed lines (to damage it on purpose) and compresses it again. */
export async function rewriteBackup(from: string, to: string, change: (lines: string[]) => string[]): Promise<void> {
  const lines = gunzipSync(await readFile(from))
    .toString("utf8")
    .split("\n");
  const last = lines.pop();
  if (last !== "") throw new Error("a backup ends with a newline");
  await writeFile(to, gzipSync(`${change(lines).join("\n")}\n`));
}

/** A backup file written by hand, line by line, by the rules in backup.format.ts. */
export async function writeBackupLines(file: string, lines: string[]): Promise<void> {
  await writeFile(file, gzipSync(`${lines.join("\n")}\n`));
}
