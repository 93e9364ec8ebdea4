import path from "node:path";
import mongoose, { type Connection } from "mongoose";
import type { Logger } from "pino";
import type { Config } from "../config";
import {
  DEFAULT_ENGINE_IDLE_TIMEOUT_MS,
  DataDirLockedError,
  readDataDirOwner,
  startEmbeddedMongo,
  type EmbeddedMongo,
  type EngineFigures,
} from "./embedded";

export type DatabaseType = "embedded" | "mongodb";

export interface Database {
  readonly type: DatabaseType;
  /** Without credentials, so it can be logged and shown. */
  readonly uri: string;
  /** A dedicated connection (not mongoose's global one), so one process can hold several apps. */
  readonly connection: Connection;
  /** The embedded engine's own figures, when this process runs it (for /metrics). */
  readonly engineFigures?: () => EngineFigures;
  /** Disconnects mongoose, then stops the embedded engine (which flushes its journal). Idempotent. */
  close(): Promise<void>;
}

/** The database could not be reached or started; the message is one line meant for the operator. */
export class DatabaseStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DatabaseStartError";
  }
}

const SERVER_SELECTION_TIMEOUT_MS = 5000;
const EMBEDDED_DATA_SUBFOLDER = "db";

type DatabaseConfig = Pick<Config, "mongodbUri" | "mongodbDatabase" | "dataDir" | "embeddedDbPort">;
type ConnectOptionsForDriver = Partial<ReturnType<typeof embeddedDriverOptions>>;

export interface ConnectOptions {
  /**
   * For tools (the CLI): when a running platform owns DATA_DIR, connect to its engine (the address it recorded
   * in the lock file) instead of refusing. The platform itself never shares: one engine per data folder.
   */
  attachToRunningEngine?: boolean;
}

export async function connectDatabase(config: DatabaseConfig, logger: Logger, options: ConnectOptions = {}): Promise<Database> {
  if (config.mongodbUri !== undefined) {
    return connectToMongoDb(config.mongodbUri, config.mongodbDatabase, logger);
  }
  if (options.attachToRunningEngine) {
    const owner = readDataDirOwner(embeddedDataDir(config));
    if (owner?.uri) return attachToRunningEngine(owner.uri, config.mongodbDatabase, logger);
  }
  const engine = await startEngine(config, logger);
  return connectToEmbeddedEngine(engine, config.mongodbDatabase, logger);
}

/** The folder the embedded engine keeps its files in. */
export function embeddedDataDir(config: Pick<Config, "dataDir">): string {
  return path.join(config.dataDir, EMBEDDED_DATA_SUBFOLDER);
}

async function attachToRunningEngine(uri: string, dbName: string, logger: Logger): Promise<Database> {
  let connection: Connection;
  try {
    // The running engine's idle timeout is not known here; it is the default unless its operator changed it.
    connection = await openConnection(uri, dbName, embeddedDriverOptions(DEFAULT_ENGINE_IDLE_TIMEOUT_MS));
  } catch (error) {
    throw new DatabaseStartError(`cannot reach the running platform's embedded engine at ${uri}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  watchConnection(connection, uri, logger);
  logger.debug({ database: uri }, "attached to the embedded engine of the running platform");
  return { type: "embedded", uri, connection, close: once(() => connection.close()) };
}

async function connectToMongoDb(uri: string, dbName: string, logger: Logger): Promise<Database> {
  const shownUri = redactMongoUri(uri);
  let connection: Connection;
  try {
    connection = await openConnection(uri, dbName);
  } catch (error) {
    throw new DatabaseStartError(`cannot connect to MongoDB at ${shownUri}: ${(error as Error).message}`, { cause: error });
  }
  watchConnection(connection, shownUri, logger);
  return { type: "mongodb", uri: shownUri, connection, close: once(() => connection.close()) };
}

/** Connects mongoose to an engine that is already running; the Database then owns the engine. */
export async function connectToEmbeddedEngine(engine: EmbeddedMongo, dbName: string, logger: Logger): Promise<Database> {
  let connection: Connection;
  try {
    connection = await openConnection(engine.uri, dbName, embeddedDriverOptions(engine.idleTimeoutMs));
  } catch (error) {
    await engine.stop();
    throw new DatabaseStartError(`cannot connect to the embedded engine at ${engine.uri}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  watchConnection(connection, engine.uri, logger);
  const close = async (): Promise<void> => {
    try {
      await connection.close();
    } finally {
      await engine.stop();
    }
  };
  return { type: "embedded", uri: engine.uri, connection, engineFigures: () => engine.figures(), close: once(close) };
}

async function startEngine(config: DatabaseConfig, logger: Logger): Promise<EmbeddedMongo> {
  try {
    return await startEmbeddedMongo({
      dataDir: embeddedDataDir(config),
      port: config.embeddedDbPort,
      logger: logger.child({ component: "embedded-mongo" }),
    });
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      const engineAt = error.ownerUri === undefined ? "" : ` (engine at ${error.ownerUri})`;
      const owner = error.ownerPid === undefined ? "another process" : `process ${error.ownerPid}`;
      throw new DatabaseStartError(
        `the data folder ${config.dataDir} is in use by ${owner}${engineAt}: stop it, or set DATA_DIR to another folder (deleting mongod.lock does not release it)`,
        { cause: error },
      );
    }
    throw new DatabaseStartError(`the embedded database could not start: ${(error as Error).message}`, { cause: error });
  }
}

/** The driver's minimum heartbeat interval. */
const MIN_HEARTBEAT_MS = 500;
const DEFAULT_HEARTBEAT_MS = 10_000;

/**
 * Driver options for the embedded engine, which (unlike mongod) closes connections idle for `idleTimeoutMs`:
 * pooled connections are retired by the driver after half that, so the pool never hands out a socket the engine is
 * about to close, and the monitoring connection talks more often than the timeout, so it is never idle.
 */
export function embeddedDriverOptions(idleTimeoutMs: number): { maxIdleTimeMS: number; heartbeatFrequencyMS: number } {
  return {
    maxIdleTimeMS: Math.max(1, Math.floor(idleTimeoutMs / 2)),
    heartbeatFrequencyMS: Math.max(MIN_HEARTBEAT_MS, Math.min(DEFAULT_HEARTBEAT_MS, Math.floor(idleTimeoutMs / 3))),
  };
}

async function openConnection(uri: string, dbName: string, driverOptions: ConnectOptionsForDriver = {}): Promise<Connection> {
  const connection = mongoose.createConnection(uri, {
    dbName,
    serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
    // Without buffering, a query made while the database is down fails at once instead of queueing.
    bufferCommands: false,
    // Command started/succeeded/failed events, which /metrics times database operations by.
    monitorCommands: true,
    ...driverOptions,
  });
  try {
    return await connection.asPromise();
  } catch (error) {
    // The connect error is the one worth reporting; a failure to tidy up after it adds nothing.
    await connection.close().catch(() => undefined);
    throw error;
  }
}

function watchConnection(connection: Connection, shownUri: string, logger: Logger): void {
  // Only close() passes through "disconnecting"; a lost server goes straight to "disconnected".
  let closing = false;
  connection.once("disconnecting", () => {
    closing = true;
  });
  connection.on("disconnected", () => {
    if (!closing) logger.warn({ database: shownUri }, "database connection lost");
  });
  connection.on("reconnected", () => logger.info({ database: shownUri }, "database connection restored"));
}

/** Removes user:password and credential-bearing options from a MongoDB connection string. */
export function redactMongoUri(uri: string): string {
  return uri
    .replace(/^(mongodb(?:\+srv)?:\/\/)[^/?#]*@/, "$1")
    .replace(/([?&](?:[^=&#]*(?:password|secret|token)[^=&#]*|authMechanismProperties)=)[^&#]*/gi, "$1[redacted]");
}

function once(action: () => Promise<void>): () => Promise<void> {
  let result: Promise<void> | undefined;
  return () => (result ??= action());
}
