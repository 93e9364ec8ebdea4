import * as admin from "./admin";
import type { CommandHandler } from "./context";
import * as ddl from "./ddl";
import * as read from "./read";
import * as write from "./write";

/** Every command the engine answers, by the name the client sends as the command document's first key. */
export const COMMANDS: Record<string, CommandHandler> = {
  hello: admin.hello,
  isMaster: admin.hello,
  ismaster: admin.hello,
  ping: admin.ping,
  buildInfo: admin.buildInfo,
  buildinfo: admin.buildInfo,
  getParameter: admin.getParameter,
  serverStatus: admin.serverStatus,
  dbStats: admin.dbStats,
  whatsmyuri: admin.whatsmyuri,
  connectionStatus: admin.connectionStatus,
  getCmdLineOpts: admin.getCmdLineOpts,
  getLog: admin.getLog,
  hostInfo: admin.hostInfo,
  endSessions: admin.endSessions,
  killSessions: admin.endSessions,
  commitTransaction: admin.commitTransaction,
  abortTransaction: admin.abortTransaction,
  configureFailPoint: admin.configureFailPoint,

  create: ddl.create,
  drop: ddl.drop,
  dropDatabase: ddl.dropDatabase,
  listCollections: ddl.listCollections,
  listDatabases: ddl.listDatabases,
  renameCollection: ddl.renameCollection,
  createIndexes: ddl.createIndexes,
  listIndexes: ddl.listIndexes,
  dropIndexes: ddl.dropIndexes,
  deleteIndexes: ddl.dropIndexes,

  insert: write.insert,
  update: write.update,
  delete: write.remove,
  findAndModify: write.findAndModify,
  findandmodify: write.findAndModify,

  find: read.find,
  getMore: read.getMore,
  killCursors: read.killCursors,
  count: read.count,
  distinct: read.distinct,
  aggregate: read.aggregate,
};

/** Commands allowed inside a multi-document transaction (as on mongod 7). */
export const TRANSACTION_COMMANDS = new Set([
  "find",
  "getMore",
  "killCursors",
  "insert",
  "update",
  "delete",
  "findAndModify",
  "findandmodify",
  "aggregate",
  "distinct",
  "count",
  "commitTransaction",
  "abortTransaction",
]);
