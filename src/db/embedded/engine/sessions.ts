import type { Document } from "bson";
import type { Catalog } from "./catalog";
import { CommandError } from "./errors";
import { TransactionScope } from "./transaction-scope";
import { bsonTypeOf, isPlainObject } from "./values";

type TransactionState = "none" | "inProgress" | "committed" | "aborted";

interface Session {
  txnNumber: number;
  state: TransactionState;
  scope: TransactionScope | undefined;
  startedAt: number;
  lastUsed: number;
}

const NO_SUCH_TRANSACTION_LABELS = ["TransientTransactionError"];

/**
 * Logical sessions and their transactions, keyed by the `lsid` the driver sends with every command.
 * Follows mongod's state machine: `startTransaction` opens transaction N, later statements must name N,
 * `commitTransaction` is idempotent after success, and an aborted or unknown transaction answers 251.
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly catalog: Catalog,
    private readonly transactionLifetimeMs = 60_000,
    private readonly sessionTimeoutMs = 30 * 60_000,
  ) {}

  /** The transaction scope a command runs in, or undefined for commands outside a transaction. */
  scopeFor(command: Document): TransactionScope | undefined {
    if (command.autocommit !== false) return undefined;
    const session = this.session(command);
    const txnNumber = Number(command.txnNumber);
    if (!Number.isFinite(txnNumber)) throw new CommandError("InvalidOptions", "txnNumber is required when autocommit is false");
    if (command.startTransaction === true) {
      if (txnNumber < session.txnNumber || (txnNumber === session.txnNumber && session.state !== "none")) {
        throw new CommandError(
          "TransactionTooOld",
          `Cannot start transaction ${txnNumber} on session because a newer transaction ${session.txnNumber} has already started`,
        );
      }
      session.txnNumber = txnNumber;
      session.state = "inProgress";
      session.scope = new TransactionScope(this.catalog);
      session.startedAt = Date.now();
      return session.scope;
    }
    if (txnNumber !== session.txnNumber || session.state !== "inProgress" || !session.scope) {
      throw new CommandError("NoSuchTransaction", `Transaction with { txnNumber: ${txnNumber} } has been aborted.`, {
        labels: NO_SUCH_TRANSACTION_LABELS,
      });
    }
    return session.scope;
  }

  /** Commits the session's transaction; returns its journal ops (empty for a repeated commit). */
  commit(command: Document): ReturnType<TransactionScope["commit"]> {
    const session = this.session(command);
    const txnNumber = Number(command.txnNumber);
    if (txnNumber === session.txnNumber && session.state === "committed") return [];
    if (txnNumber !== session.txnNumber || session.state !== "inProgress" || !session.scope) {
      throw new CommandError("NoSuchTransaction", `Transaction with { txnNumber: ${txnNumber} } has been aborted.`, {
        labels: NO_SUCH_TRANSACTION_LABELS,
      });
    }
    try {
      const journal = session.scope.commit();
      session.state = "committed";
      return journal;
    } catch (error) {
      session.state = "aborted";
      throw error;
    } finally {
      session.scope = undefined;
    }
  }

  abort(command: Document): void {
    const session = this.session(command);
    const txnNumber = Number(command.txnNumber);
    if (txnNumber === session.txnNumber && session.state === "committed") {
      throw new CommandError("TransactionCommitted", `Transaction with { txnNumber: ${txnNumber} } has been committed.`);
    }
    if (txnNumber !== session.txnNumber || session.state !== "inProgress") {
      throw new CommandError("NoSuchTransaction", `Transaction with { txnNumber: ${txnNumber} } has been aborted.`, {
        labels: NO_SUCH_TRANSACTION_LABELS,
      });
    }
    this.abortSession(session);
  }

  /** A statement that failed inside a transaction aborts it, as on mongod. */
  abortAfterError(command: Document): void {
    if (command.autocommit !== false) return;
    const session = this.sessions.get(sessionKey(command.lsid));
    if (session && session.state === "inProgress" && Number(command.txnNumber) === session.txnNumber) this.abortSession(session);
  }

  end(lsids: unknown[]): void {
    for (const lsid of lsids) {
      const key = sessionKey(lsid);
      const session = this.sessions.get(key);
      if (session) this.abortSession(session);
      this.sessions.delete(key);
    }
  }

  /** Aborts transactions past their lifetime and forgets idle sessions (mongod: 60 s and 30 min). */
  reap(now = Date.now()): void {
    for (const [key, session] of this.sessions) {
      if (session.state === "inProgress" && now - session.startedAt > this.transactionLifetimeMs) this.abortSession(session);
      if (now - session.lastUsed > this.sessionTimeoutMs) this.sessions.delete(key);
    }
  }

  get openTransactions(): number {
    let open = 0;
    for (const session of this.sessions.values()) if (session.state === "inProgress") open++;
    return open;
  }

  private abortSession(session: Session): void {
    if (session.state === "inProgress") session.state = "aborted";
    session.scope = undefined;
  }

  private session(command: Document): Session {
    if (!isPlainObject(command.lsid)) throw new CommandError("InvalidOptions", "Transactions require a session (lsid)");
    const key = sessionKey(command.lsid);
    let session = this.sessions.get(key);
    if (!session) {
      session = { txnNumber: -1, state: "none", scope: undefined, startedAt: 0, lastUsed: Date.now() };
      this.sessions.set(key, session);
    }
    session.lastUsed = Date.now();
    return session;
  }
}

function sessionKey(lsid: unknown): string {
  if (!isPlainObject(lsid)) return "";
  const id = lsid.id;
  if (bsonTypeOf(id) === "Binary" || bsonTypeOf(id) === "UUID") return Buffer.from((id as { buffer: Uint8Array }).buffer).toString("hex");
  return String(id);
}
