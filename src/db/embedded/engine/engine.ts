import type { Document } from "bson";
import type { JournalOp, RecoveredState, SnapshotCollection } from "../persistence/types";
import { Catalog, splitNamespace } from "./catalog";
import { idKeyOf } from "./collection";
import { CursorRegistry } from "./cursors";
import { CommandError, toCommandError } from "./errors";
import { FailPoints, type InjectedFailure } from "./fail-points";
import { deadlineFor } from "./operation.deadline";
import { CommittedScope } from "./scope";
import { DeadlineScope } from "./scope.deadline";
import { bsonTypeOf, isPlainObject } from "./values";
import { SessionRegistry } from "./sessions";
import { COMMANDS, TRANSACTION_COMMANDS } from "./commands/table";
import type { CommandContext, ServerInfo } from "./commands/context";

export interface EngineOptions {
  cursorTimeoutMs?: number;
  transactionLifetimeMs?: number;
  /**
   * Time limit for a command that sets no maxTimeMS (mongod has none). Commands run synchronously on the
   * process's only thread, so an unbounded scan would stall every other client and the platform's HTTP handling;
   * 30 s is far above any query the platform makes and still bounds the damage of a pathological one.
   */
  defaultMaxTimeMs?: number;
}

export const DEFAULT_MAX_TIME_MS = 30_000;

export interface ConnectionInfo {
  connectionId: number;
  remoteAddress: string;
}

/** The result of running one command synchronously: the reply and the changes to make durable before sending it. */
export interface Execution {
  reply: Document;
  journal: JournalOp[];
  failure?: InjectedFailure;
}

/**
 * The engine: a catalog of collections, sessions, cursors and fail points, and the command table.
 * `execute` runs a command to completion synchronously (no `await` between reading and writing), so every
 * command is atomic with respect to every other; durability (journal fsync) happens after, in the caller.
 */
export class Engine {
  readonly catalog = new Catalog();
  readonly cursors: CursorRegistry;
  readonly sessions: SessionRegistry;
  readonly failPoints = new FailPoints();

  private readonly defaultMaxTimeMs: number;

  constructor(
    private readonly server: ServerInfo,
    options: EngineOptions = {},
  ) {
    this.cursors = new CursorRegistry(options.cursorTimeoutMs);
    this.sessions = new SessionRegistry(this.catalog, options.transactionLifetimeMs);
    this.defaultMaxTimeMs = options.defaultMaxTimeMs ?? DEFAULT_MAX_TIME_MS;
  }

  execute(db: string, command: Document, connection: ConnectionInfo): Execution {
    const name = Object.keys(command)[0] ?? "";
    const failure = this.failPoints.check(name);
    if (failure?.reply) {
      this.sessions.abortAfterError(command);
      return { reply: failure.reply, journal: [], failure };
    }
    const committed = new CommittedScope(this.catalog);
    try {
      // The clock starts here, as mongod's starts when the operation begins.
      const deadline = deadlineFor(command, this.defaultMaxTimeMs);
      const handler = COMMANDS[name];
      if (!handler) throw new CommandError("CommandNotFound", `no such command: '${name}'`);
      rejectDecimal128(command);
      // commit/abort carry the transaction fields too, but act on the session themselves.
      const transaction = name === "commitTransaction" || name === "abortTransaction" ? undefined : this.sessions.scopeFor(command);
      if (transaction && !TRANSACTION_COMMANDS.has(name)) {
        throw new CommandError("OperationNotSupportedInTransaction", `Cannot run '${name}' in a multi-document transaction.`);
      }
      const ctx: CommandContext = {
        db,
        command,
        scope: new DeadlineScope(transaction ?? committed, deadline),
        deadline,
        journal: committed.journal,
        catalog: this.catalog,
        cursors: this.cursors,
        sessions: this.sessions,
        failPoints: this.failPoints,
        server: this.server,
        connectionId: connection.connectionId,
        remoteAddress: connection.remoteAddress,
      };
      return { reply: handler(ctx), journal: committed.journal, failure };
    } catch (error) {
      const commandError = toCommandError(error);
      if (name !== "commitTransaction" && name !== "abortTransaction") this.sessions.abortAfterError(command);
      // Whatever was applied before the error (earlier documents of a batch) must still be made durable.
      return { reply: commandError.toReply(), journal: committed.journal, failure };
    }
  }

  /** Rebuilds the state found in a data folder: snapshot collections, then journal batches in order. */
  restore(state: RecoveredState): void {
    const scratch: JournalOp[] = [];
    for (const snapshot of state.collections) {
      const { db, name } = splitNamespace(snapshot.ns);
      const collection = this.catalog.create(db, name, snapshot.options, scratch);
      for (const spec of snapshot.indexes) collection.addIndex(spec);
      for (const doc of snapshot.docs) collection.write(idKeyOf(doc), doc);
    }
    for (const batch of state.batches) for (const op of batch) this.replay(op, scratch);
  }

  private replay(op: JournalOp, scratch: JournalOp[]): void {
    switch (op.op) {
      case "put": {
        const { db, name } = splitNamespace(op.ns);
        this.catalog.ensure(db, name, scratch).write(idKeyOf(op.doc), op.doc);
        return;
      }
      case "del":
        this.catalog.getNs(op.ns)?.write(idKeyOf({ _id: op.id }), null);
        return;
      case "createCollection": {
        const { db, name } = splitNamespace(op.ns);
        if (!this.catalog.get(db, name)) this.catalog.create(db, name, op.options, scratch);
        return;
      }
      case "dropCollection": {
        const { db, name } = splitNamespace(op.ns);
        this.catalog.drop(db, name, scratch);
        return;
      }
      case "createIndex": {
        const { db, name } = splitNamespace(op.ns);
        const collection = this.catalog.ensure(db, name, scratch);
        if (!collection.indexes.has(String(op.spec.name))) collection.addIndex(op.spec);
        return;
      }
      case "dropIndex":
        this.catalog.getNs(op.ns)?.dropIndex(op.name);
        return;
      case "dropDatabase":
        this.catalog.dropDatabase(op.db, scratch);
        return;
    }
  }

  /** The whole state as snapshot entries. Documents are immutable, so this copies references only. */
  capture(): SnapshotCollection[] {
    return this.catalog.allCollections().map((collection) => ({
      ns: collection.ns,
      options: collection.options,
      indexes: collection.indexSpecs().filter((spec) => spec.name !== "_id_"),
      docs: [...collection.docs.values()],
    }));
  }

  /** Deletes documents whose TTL index date is older than `expireAfterSeconds`; returns the journal ops. */
  expireDocuments(now = Date.now()): JournalOp[] {
    const scope = new CommittedScope(this.catalog);
    for (const collection of this.catalog.allCollections()) {
      for (const index of collection.indexes.values()) {
        if (index.expireAfterSeconds === undefined || index.fields.length !== 1) continue;
        const cutoff = new Date(now - index.expireAfterSeconds * 1000);
        const field = index.fields[0].name;
        const expired = scope.query(collection.ns, { filter: { [field]: { $lte: cutoff } } });
        for (const [idKey] of expired) scope.remove(collection.ns, idKey);
      }
    }
    return scope.journal;
  }

  /** Periodic housekeeping: idle cursors, expired sessions and transactions. */
  reap(now = Date.now()): void {
    this.cursors.reap(now);
    this.sessions.reap(now);
  }
}

/**
 * Decimal128 cannot be compared or summed exactly by the query layer, so it is refused at the door rather than
 * stored and later answered wrongly (the platform keeps money as integers).
 */
function rejectDecimal128(value: unknown, depth = 0): void {
  if (value === null || typeof value !== "object" || depth > 100) return;
  if (bsonTypeOf(value) === "Decimal128") {
    throw new CommandError(
      "BadValue",
      "Decimal128 values are not supported by the embedded engine; store amounts as integers (e.g. cents)",
    );
  }
  if (Array.isArray(value)) for (const element of value) rejectDecimal128(element, depth + 1);
  else if (isPlainObject(value)) for (const key in value) rejectDecimal128(value[key], depth + 1);
}
