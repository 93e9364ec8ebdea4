import { ObjectId, type Document } from "bson";
import { failedToParse } from "../errors";
import type { CommandContext } from "./context";

/** The engine claims MongoDB 7.0 (wire version 21), which the driver accepts and whose behaviour it copies. */
export const SERVER_VERSION = "7.0.0";
const MAX_WIRE_VERSION = 21;
const ELECTION_ID = new ObjectId("7fffffff0000000000000001");

/**
 * hello / isMaster. Never sends `topologyVersion` (the driver would switch to streaming monitoring) and never
 * advertises compression; `logicalSessionTimeoutMinutes` is what enables sessions and transactions in the driver.
 */
export function hello(ctx: CommandContext): Document {
  const legacy = !("hello" in ctx.command);
  const reply: Document = {
    helloOk: true,
    [legacy ? "ismaster" : "isWritablePrimary"]: true,
    maxBsonObjectSize: 16 * 1024 * 1024,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
  };
  if (ctx.server.replSetName) {
    Object.assign(reply, {
      setName: ctx.server.replSetName,
      setVersion: 1,
      hosts: [ctx.server.address],
      primary: ctx.server.address,
      me: ctx.server.address,
      secondary: false,
      electionId: ELECTION_ID,
    });
  }
  reply.ok = 1;
  return reply;
}

export function buildInfo(): Document {
  return {
    version: SERVER_VERSION,
    gitVersion: "chatello-embedded",
    versionArray: [7, 0, 0, 0],
    bits: 64,
    debug: false,
    maxBsonObjectSize: 16 * 1024 * 1024,
    storageEngines: ["chatello-embedded"],
    modules: [],
    ok: 1,
  };
}

export function getParameter(ctx: CommandContext): Document {
  const reply: Document = { ok: 1 };
  if ("featureCompatibilityVersion" in ctx.command || ctx.command.getParameter === "*")
    reply.featureCompatibilityVersion = { version: "7.0" };
  return reply;
}

export function serverStatus(ctx: CommandContext): Document {
  return {
    host: ctx.server.address,
    version: SERVER_VERSION,
    process: "chatello-embedded",
    pid: process.pid,
    uptime: Math.floor((Date.now() - ctx.server.startedAt.getTime()) / 1000),
    localTime: new Date(),
    connections: { current: ctx.server.connections(), available: 1000 },
    transactions: { currentOpen: ctx.sessions.openTransactions },
    metrics: {
      cursor: { open: { total: ctx.cursors.size } },
      queryExecutor: {
        scanned: ctx.catalog.stats.scanned,
        scannedObjects: ctx.catalog.stats.scannedObjects,
        collectionScans: { total: ctx.catalog.stats.collectionScans },
      },
    },
    ok: 1,
  };
}

export function dbStats(ctx: CommandContext): Document {
  const collections = ctx.catalog.collections(ctx.db);
  const objects = collections.reduce((sum, collection) => sum + collection.docs.size, 0);
  const indexes = collections.reduce((sum, collection) => sum + collection.indexes.size, 0);
  return { db: ctx.db, collections: collections.length, views: 0, objects, indexes, dataSize: 0, storageSize: 0, indexSize: 0, ok: 1 };
}

export function whatsmyuri(ctx: CommandContext): Document {
  return { you: ctx.remoteAddress, ok: 1 };
}

export function connectionStatus(): Document {
  return { authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 };
}

export function endSessions(ctx: CommandContext): Document {
  const lsids: unknown = ctx.command.endSessions ?? ctx.command.killSessions;
  if (!Array.isArray(lsids)) throw failedToParse("endSessions requires an array of session ids");
  ctx.sessions.end(lsids);
  return { ok: 1 };
}

export function commitTransaction(ctx: CommandContext): Document {
  ctx.journal.push(...ctx.sessions.commit(ctx.command));
  return { ok: 1 };
}

export function abortTransaction(ctx: CommandContext): Document {
  ctx.sessions.abort(ctx.command);
  return { ok: 1 };
}

export function configureFailPoint(ctx: CommandContext): Document {
  return ctx.failPoints.configure(ctx.command);
}

export const ping = (): Document => ({ ok: 1 });
export const getCmdLineOpts = (): Document => ({ argv: ["chatello-embedded"], parsed: {}, ok: 1 });
export const getLog = (): Document => ({ totalLinesWritten: 0, log: [], ok: 1 });
export const hostInfo = (): Document => ({
  system: { currentTime: new Date(), hostname: "localhost", numCores: 1 },
  os: {},
  extra: {},
  ok: 1,
});
