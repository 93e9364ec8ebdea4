import type { Document } from "bson";
import { Engine } from "./engine/engine";
import { DataDirectory, type JournalOp } from "./persistence";
import { WireServer, type TransportStats } from "./server/transport";
import { DEFAULT_TRANSPORT_LIMITS } from "./server/transport.limits";

export { DataDirLockedError, DataDirMissingFileError, readDataDirOwner } from "./persistence";

/** How long a connection may stay idle before the engine closes it, unless `idleTimeoutMs` says otherwise. */
export const DEFAULT_ENGINE_IDLE_TIMEOUT_MS = DEFAULT_TRANSPORT_LIMITS.idleTimeoutMs;

/**
 * The embedded MongoDB-wire-compatible engine: the real `mongodb` driver (and mongoose) talk to it over TCP.
 * It answers as a single-node replica set by default, so sessions and transactions behave as in production.
 */
export interface EngineLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface EmbeddedMongoOptions {
  host?: string;
  port?: number;
  /** Folder for the journal and snapshots; omit for an in-memory engine (tests). */
  dataDir?: string;
  /** Replica-set name announced in hello (default "rs0"); null announces a standalone server. */
  replSetName?: string | null;
  logger?: EngineLogger;
  /** How often expired TTL documents are deleted (mongod: 60 s). */
  ttlMonitorIntervalMs?: number;
  /** Idle cursors are closed after this long (mongod: 10 minutes). */
  cursorTimeoutMs?: number;
  /** Largest accepted wire message (mongod: 48 MB). */
  maxMessageBytes?: number;
  /**
   * Time limit of a command that sets no maxTimeMS (default 30 s; mongod has none). Every command runs to completion
   * on the process's one thread, so without a limit a single pathological scan would stall every other client.
   */
  defaultMaxTimeMs?: number;
  /** A connection that completes no message for this long is closed (default 10 minutes; see transport.limits.ts). */
  idleTimeoutMs?: number;
  /** A message must arrive whole within this long of its first byte (default 30 s). */
  frameTimeoutMs?: number;
  /** Bytes of half-received messages all connections together may hold (default 256 MiB). */
  maxPartialFrameBytes?: number;
}

export interface EmbeddedMongo {
  readonly uri: string;
  readonly host: string;
  readonly port: number;
  /** Direct access for in-process tools and benchmarks (no TCP); not part of the MongoDB surface. */
  readonly engine: Engine;
  /** After this long without a complete message the engine closes a connection: clients' pools must idle out sooner. */
  readonly idleTimeoutMs: number;
  /** The transport's counters (half-received bytes held, connections closed by the limits). */
  transportStats(): Readonly<TransportStats>;
  /** What an operator watches (read-only, cheap: no document is read). */
  figures(): EngineFigures;
  /** Stops listening, closes connections, waits for the journal, snapshots and releases the data folder. */
  stop(): Promise<void>;
}

export interface EngineFigures {
  collections: Array<{ db: string; name: string; documents: number }>;
  /** Absent for an in-memory engine (no data folder). */
  persistence?: {
    journalFsyncs: number;
    journalFsyncSeconds: number;
    journalBytesSinceSnapshot: number;
    lastSnapshotAt: Date | null;
  };
}

const silentLogger: EngineLogger = { info() {}, warn() {}, error() {}, debug() {} };

export async function startEmbeddedMongo(options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  const logger = options.logger ?? silentLogger;
  const host = options.host ?? "127.0.0.1";
  const replSetName = options.replSetName === undefined ? "rs0" : options.replSetName;
  const dataDir = options.dataDir ? await DataDirectory.open(options.dataDir, { logger }) : undefined;

  let address = "";
  let server: WireServer | undefined;
  const engine = new Engine(
    {
      get address() {
        return address;
      },
      replSetName,
      startedAt: new Date(),
      connections: () => server?.connectionCount ?? 0,
    },
    { cursorTimeoutMs: options.cursorTimeoutMs, defaultMaxTimeMs: options.defaultMaxTimeMs },
  );
  if (dataDir) {
    engine.restore(dataDir.recovered);
    logger.info(
      { dataDir: options.dataDir, collections: engine.catalog.allCollections().length },
      "embedded engine recovered its data folder",
    );
  }

  /**
   * Makes a command's changes durable before its reply leaves (group commit happens inside append). Must be
   * called in the same synchronous step as the change itself, so the journal order is the order of execution.
   */
  const persist = (journal: JournalOp[]): Promise<Document | undefined> => {
    if (!dataDir || journal.length === 0) return Promise.resolve(undefined);
    const appended = dataDir.append(journal);
    if (dataDir.wantsCompaction) {
      dataDir.compact(() => engine.capture()).catch((error: unknown) => logger.error({ err: error }, "embedded engine snapshot failed"));
    }
    return appended.then(
      () => undefined,
      (error: unknown) => {
        logger.error({ err: error }, "embedded engine could not write its journal");
        return { ok: 0, code: 1, codeName: "InternalError", errmsg: `journal write failed: ${(error as Error).message}` };
      },
    );
  };

  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_TRANSPORT_LIMITS.idleTimeoutMs;
  server = new WireServer({
    host,
    port: options.port ?? 0,
    maxMessageBytes: options.maxMessageBytes ?? 48_000_000,
    limits: {
      idleTimeoutMs,
      frameTimeoutMs: options.frameTimeoutMs ?? DEFAULT_TRANSPORT_LIMITS.frameTimeoutMs,
      maxPartialFrameBytes: options.maxPartialFrameBytes ?? DEFAULT_TRANSPORT_LIMITS.maxPartialFrameBytes,
    },
    logger,
    handler: async (db, command, ctx) => {
      const execution = engine.execute(db, command, ctx);
      const durable = persist(execution.journal);
      if (execution.failure?.blockMs) await delay(execution.failure.blockMs);
      return (await durable) ?? execution.reply;
    },
  });
  const bound = await server.listen();
  address = `${bound.host === "0.0.0.0" || bound.host === "::" ? "127.0.0.1" : bound.host}:${bound.port}`;
  const uri = `mongodb://${address}/${replSetName ? `?replicaSet=${replSetName}` : "?directConnection=true"}`;
  if (dataDir) await dataDir.recordAddress(uri);

  const timers = [
    setInterval(() => {
      const journal = engine.expireDocuments();
      void persist(journal);
    }, options.ttlMonitorIntervalMs ?? 60_000),
    setInterval(() => engine.reap(), 30_000),
  ];
  for (const timer of timers) timer.unref();

  let stopping: Promise<void> | undefined;
  return {
    uri,
    host: bound.host,
    port: bound.port,
    engine,
    idleTimeoutMs,
    transportStats: () => ({ ...(server as WireServer).stats }),
    figures: () => ({
      collections: engine.catalog.allCollections().map((collection) => ({
        db: collection.db,
        name: collection.name,
        documents: collection.docs.size,
      })),
      persistence: dataDir && {
        journalFsyncs: dataDir.stats.flushes,
        journalFsyncSeconds: dataDir.stats.flushSeconds,
        journalBytesSinceSnapshot: dataDir.journalSize,
        lastSnapshotAt: dataDir.lastSnapshotAt,
      },
    }),
    stop() {
      stopping ??= (async () => {
        for (const timer of timers) clearInterval(timer);
        await server?.close();
        if (dataDir) await dataDir.close({ capture: () => engine.capture() });
      })();
      return stopping;
    },
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
