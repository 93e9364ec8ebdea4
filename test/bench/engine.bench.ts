/**
 * Benchmark of the embedded engine (issue: "ops/s for findOne by a unique key (hydrated and lean) and updateOne
 * $inc through mongoose at concurrency 1 and 16, and the engine alone (no TCP) ... aim for >= 20,000 indexed
 * finds/s [engine alone]"). Prints a table; asserts nothing. Runs in about 35 s.
 *
 *   npm run bench:engine              (see test/bench/tsconfig.json for the build)
 *   BENCH_WINDOW_MS=1000 npm run bench:engine   (shorter windows)
 */
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Document } from "bson";
import mongoose, { Schema } from "mongoose";
import { startEmbeddedMongo } from "../../src/db/embedded";
import { formatTable, measureAsync, measureSync, type Measurement } from "./measure";

const DOCUMENTS = 10_000;
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 3000);
const WARMUP_MS = Math.min(1000, WINDOW_MS / 3);
const DB = "bench";
const CONN = { connectionId: 1, remoteAddress: "bench" };

const emailOf = (i: number): string => `user${(i * 7919) % DOCUMENTS}@example.com`;

interface User {
  email: string;
  name: string;
  credits: number;
}

function check(reply: Document, what: string): void {
  if (reply.ok !== 1 || reply.writeErrors) throw new Error(`${what} failed: ${JSON.stringify(reply)}`);
}

async function main(): Promise<void> {
  const started = Date.now();
  const cpus = os.cpus();
  console.log(
    `machine: ${cpus.length} x ${cpus[0]?.model ?? "unknown cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.arch()}`,
  );
  console.log(
    `node ${process.version}, ${DOCUMENTS.toLocaleString("en-US")} documents, ${WINDOW_MS} ms windows after ${WARMUP_MS} ms warm-up\n`,
  );

  const mongo = await startEmbeddedMongo();
  const { engine } = mongo;
  const execute = (command: Document): Document => engine.execute(DB, { ...command, $db: DB }, CONN).reply;

  const documents = Array.from({ length: DOCUMENTS }, (_, i) => ({ email: emailOf(i), name: `User ${i}`, credits: 0 }));
  for (let i = 0; i < DOCUMENTS; i += 1000) check(execute({ insert: "users", documents: documents.slice(i, i + 1000) }), "seed insert");
  check(execute({ createIndexes: "users", indexes: [{ key: { email: 1 }, name: "email_1", unique: true }] }), "createIndexes");

  const engineFind = (i: number): void =>
    check(execute({ find: "users", filter: { email: emailOf(i) }, limit: 1, singleBatch: true }), "find");
  const engineInc = (i: number): void =>
    check(execute({ update: "users", updates: [{ q: { email: emailOf(i) }, u: { $inc: { credits: 1 } } }] }), "update");

  const connection = await mongoose.createConnection(mongo.uri, { dbName: DB, autoIndex: false }).asPromise();
  const Users = connection.model<User>(
    "User",
    new Schema<User>({ email: { type: String, unique: true }, name: String, credits: Number }),
    "users",
  );

  const hydrated = async (i: number): Promise<unknown> => Users.findOne({ email: emailOf(i) }).exec();
  const lean = async (i: number): Promise<unknown> =>
    Users.findOne({ email: emailOf(i) })
      .lean()
      .exec();
  const increment = async (i: number): Promise<unknown> => Users.updateOne({ email: emailOf(i) }, { $inc: { credits: 1 } }).exec();

  const rows: Measurement[] = [];
  const syncCase = (label: string, op: (i: number) => void): void => {
    measureSync(label, WARMUP_MS, op);
    rows.push(measureSync(label, WINDOW_MS, op));
  };
  const asyncCase = async (label: string, concurrency: number, op: (i: number) => Promise<unknown>): Promise<void> => {
    await measureAsync(label, concurrency, WARMUP_MS, op);
    rows.push(await measureAsync(label, concurrency, WINDOW_MS, op));
  };

  syncCase("engine find by unique key", engineFind);
  syncCase("engine update $inc", engineInc);
  for (const concurrency of [1, 16]) {
    await asyncCase("mongoose findOne (hydrated)", concurrency, hydrated);
    await asyncCase("mongoose findOne (lean)", concurrency, lean);
    await asyncCase("mongoose updateOne $inc", concurrency, increment);
  }

  const sample = (await Users.findOne({ email: emailOf(1) })
    .lean()
    .exec()) as User | null;
  await connection.close();
  await mongo.stop();

  // The same write with durability on: every acknowledged update is journalled and fsynced (group commit).
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "chatello-bench-"));
  try {
    const durable = await startEmbeddedMongo({ dataDir });
    const durableConnection = await mongoose.createConnection(durable.uri, { dbName: DB, autoIndex: false }).asPromise();
    const DurableUsers = durableConnection.model<User>("User", Users.schema, "users");
    for (let i = 0; i < DOCUMENTS; i += 1000) await DurableUsers.insertMany(documents.slice(i, i + 1000), { lean: true });
    await DurableUsers.createIndexes();
    const durableIncrement = async (i: number): Promise<unknown> =>
      DurableUsers.updateOne({ email: emailOf(i) }, { $inc: { credits: 1 } }).exec();
    for (const concurrency of [1, 16]) await asyncCase("mongoose updateOne $inc, journalled", concurrency, durableIncrement);
    await durableConnection.close();
    await durable.stop();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }

  console.log(formatTable(rows));
  console.log(
    `\nengine alone target: >= 20,000 indexed finds/s; "engine" rows run engine.execute in-process (no TCP, no BSON), one at a time.`,
  );
  console.log(`sanity: ${emailOf(1)} has credits = ${sample?.credits ?? "missing"}; total ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
