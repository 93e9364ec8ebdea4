#!/usr/bin/env node
// Runs the embedded engine on its own, so mongosh, pymongo or a second platform instance can reach it:
//   npm run db:embedded -- --port 27017 --data ./data/db
import path from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import pino from "pino";
import { startEmbeddedMongo, type EmbeddedMongo } from "./index";

interface CliOptions {
  port: number;
  host: string;
  data: string;
  memory?: boolean;
  standalone?: boolean;
  logLevel: string;
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

function parsePort(value: string): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) throw new InvalidArgumentError("must be an integer between 0 and 65535.");
  return port;
}

function buildProgram(): Command {
  return new Command()
    .name("db:embedded")
    .description("Run the embedded MongoDB-compatible engine as a standalone server.")
    .option("--port <port>", "TCP port (0 picks a free one)", parsePort, 27017)
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--data <dir>", "folder for the journal and snapshots (the platform uses DATA_DIR/db)", "./data/db")
    .option("--memory", "keep everything in memory: nothing is saved")
    .option("--standalone", "run as a standalone server instead of the single-node replica set rs0 (no transactions)")
    .addOption(new Option("--log-level <level>", "engine log level (to stderr)").choices(LOG_LEVELS).default("warn"));
}

async function run(options: CliOptions): Promise<void> {
  const dataDir = options.memory === true ? undefined : path.resolve(options.data);
  const engine = await startOrExit(options, dataDir);
  process.stdout.write(
    [
      `Embedded MongoDB-compatible engine listening at ${engine.uri}`,
      dataDir === undefined ? "In memory: nothing is saved." : `Data folder: ${dataDir}`,
      `Connect with: mongosh "${engine.uri}"   or, in Python: pymongo.MongoClient("${engine.uri}")`,
      "Press Ctrl+C to stop.",
      "",
    ].join("\n"),
  );
  stopOnSignals(engine, dataDir);
}

async function startOrExit(options: CliOptions, dataDir: string | undefined): Promise<EmbeddedMongo> {
  try {
    return await startEmbeddedMongo({
      host: options.host,
      port: options.port,
      dataDir,
      replSetName: options.standalone === true ? null : "rs0",
      logger: pino({ level: options.logLevel }, pino.destination(2)),
    });
  } catch (error) {
    // The persistence errors (DataDirLockedError and the like) are worded for the operator as one line: which
    // folder, file or owner, and what to do. Rewording them here lost the part about mongod.lock.
    process.stderr.write(`Cannot start: ${(error as Error).message}\n`);
    process.exit(1);
  }
}

function stopOnSignals(engine: EmbeddedMongo, dataDir: string | undefined): void {
  let stopping = false;
  const onSignal = (): void => {
    if (stopping) {
      process.stderr.write("Second signal: exiting without waiting for the journal flush.\n");
      process.exit(1);
    }
    stopping = true;
    process.stdout.write("Stopping…\n");
    engine.stop().then(
      () => {
        process.stdout.write(dataDir === undefined ? "Stopped.\n" : `Stopped: journal flushed to ${dataDir}.\n`);
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`Stopping failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

buildProgram()
  .action((options: CliOptions) => run(options))
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.stderr.write(`Cannot start: ${(error as Error).message}\n`);
    process.exit(1);
  });
