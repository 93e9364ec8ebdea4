// The conformance suite's target: a real MongoDB when MONGODB_URI is set, otherwise an in-memory embedded engine
// started on port 0 (one per test file). Tests talk to it through the public driver and mongoose APIs only.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { MongoClient, MongoServerError, type CommandStartedEvent, type CommandSucceededEvent, type Document } from "mongodb";
import mongoose from "mongoose";
import { startEmbeddedMongo, type EmbeddedMongo, type EmbeddedMongoOptions } from "../../src/db/embedded";

export const REPO_ROOT = path.resolve(__dirname, "../..");

/** Set when the suite runs against a real MongoDB; the embedded target is used otherwise. */
export const EXTERNAL_URI: string | undefined = process.env.MONGODB_URI || undefined;
export const IS_EMBEDDED = EXTERNAL_URI === undefined;

export interface Target {
  uri: string;
  client: MongoClient;
  connection: mongoose.Connection;
  dbName: string;
  /** The client's and the mongoose connection's appName (lets fail points target this file only on a shared mongod). */
  appName: string;
  isEmbedded: boolean;
  isReplicaSet(): Promise<boolean>;
  supportsFailPoints(): Promise<boolean>;
  embedded?: EmbeddedMongo;
  /** Commands the driver client (not mongoose) sent, and the successful replies, from command monitoring. */
  started: CommandStartedEvent[];
  succeeded: CommandSucceededEvent[];
  db(): ReturnType<MongoClient["db"]>;
  stop(): Promise<void>;
}

export interface TargetOptions {
  /** Embedded-only engine options (ignored with MONGODB_URI). */
  engine?: Omit<EmbeddedMongoOptions, "port" | "host">;
}

let counter = 0;

export async function startTarget(name: string, options: TargetOptions = {}): Promise<Target> {
  const embedded = IS_EMBEDDED ? await startEmbeddedMongo({ port: 0, ttlMonitorIntervalMs: 200, ...options.engine }) : undefined;
  const uri = embedded?.uri ?? (EXTERNAL_URI as string);
  const dbName = `conf_${name}_${process.pid}_${Date.now().toString(36)}_${counter++}`.slice(0, 60);
  const appName = `conformance-${name}-${process.pid}`;
  const client = new MongoClient(uri, { monitorCommands: true, appName, serverSelectionTimeoutMS: 10_000 });
  const started: CommandStartedEvent[] = [];
  const succeeded: CommandSucceededEvent[] = [];
  client.on("commandStarted", (event) => started.push(event));
  client.on("commandSucceeded", (event) => succeeded.push(event));
  await client.connect();
  const connection = await mongoose.createConnection(uri, { dbName, appName, serverSelectionTimeoutMS: 10_000 }).asPromise();

  let stopped = false;
  return {
    uri,
    client,
    connection,
    dbName,
    appName,
    isEmbedded: IS_EMBEDDED,
    embedded,
    started,
    succeeded,
    db: () => client.db(dbName),
    isReplicaSet: async () => typeof (await client.db("admin").command({ hello: 1 })).setName === "string",
    supportsFailPoints: () => probeFailPoints(client),
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await client.db(dbName).dropDatabase();
      } finally {
        await connection.close();
        await client.close();
        await embedded?.stop();
      }
    },
  };
}

async function probeFailPoints(client: MongoClient): Promise<boolean> {
  try {
    await client.db("admin").command({ configureFailPoint: "failCommand", mode: "off" });
    return true;
  } catch (error) {
    if (error instanceof MongoServerError) return false;
    throw error;
  }
}

export interface Capabilities {
  replicaSet: boolean;
  failPoints: boolean;
  version: string;
}

let capabilities: Capabilities | undefined;

/**
 * What the target supports, known synchronously so that tests can be declared as skipped with a reason.
 * The embedded engine supports everything; a real mongod is probed once per test file in a child process.
 */
export function targetCapabilities(): Capabilities {
  if (capabilities) return capabilities;
  if (IS_EMBEDDED) return (capabilities = { replicaSet: true, failPoints: true, version: "embedded" });
  const script = `
    const { MongoClient } = require("mongodb");
    (async () => {
      const client = await new MongoClient(process.env.MONGODB_URI, { serverSelectionTimeoutMS: 10000 }).connect();
      const hello = await client.db("admin").command({ hello: 1 });
      const info = await client.db("admin").command({ buildInfo: 1 });
      let failPoints = true;
      try { await client.db("admin").command({ configureFailPoint: "failCommand", mode: "off" }); } catch { failPoints = false; }
      process.stdout.write(JSON.stringify({ replicaSet: typeof hello.setName === "string", failPoints, version: info.version }));
      await client.close();
    })().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });`;
  const probe = spawnSync(process.execPath, ["-e", script], { cwd: REPO_ROOT, encoding: "utf8", timeout: 30_000 });
  if (probe.status !== 0) throw new Error(`cannot probe MONGODB_URI: ${probe.stderr || probe.error?.message}`);
  return (capabilities = JSON.parse(probe.stdout) as Capabilities);
}

type TestFn = () => PromiseLike<unknown>;

/**
 * `test` when the condition holds, otherwise `test.skip` with the reason in the test's name. On the embedded
 * target every condition used by the suite holds, so nothing is ever skipped there.
 */
export function testIf(condition: boolean, reason: string): (name: string, fn: TestFn, timeout?: number) => void {
  if (condition) return (name, fn, timeout) => test(name, fn, timeout);
  return (name, fn, timeout) => test.skip(`${name} [skipped: ${reason}]`, fn, timeout);
}

export const testWithReplicaSet = (): ReturnType<typeof testIf> =>
  testIf(targetCapabilities().replicaSet, "the MONGODB_URI server is not a replica set (transactions need one)");

export const testWithFailPoints = (): ReturnType<typeof testIf> =>
  testIf(
    targetCapabilities().replicaSet && targetCapabilities().failPoints,
    "the MONGODB_URI server refuses configureFailPoint (start mongod with --setParameter enableTestCommands=1) or is not a replica set",
  );

export const testEmbeddedOnly = (reason: string): ReturnType<typeof testIf> => testIf(IS_EMBEDDED, reason);

/** Resolves with the server error a promise rejects with; fails the test if it resolves or throws something else. */
export async function serverError(promise: Promise<unknown>): Promise<MongoServerError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MongoServerError) return error;
    throw error;
  }
  throw new Error("expected the operation to fail with a server error, but it succeeded");
}

/** Polls `check` until it returns true or `timeoutMs` passes; returns whether it became true. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Commands of a given name the driver client sent since `from` (an index into `target.started`). */
export function sentCommands(target: Target, name: string, from = 0): Document[] {
  return target.started
    .slice(from)
    .filter((event) => event.commandName === name)
    .map((event) => event.command);
}
