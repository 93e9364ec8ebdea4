import type { Document } from "bson";
import type { JournalOp } from "../../persistence/types";
import type { Catalog } from "../catalog";
import { CommandError } from "../errors";
import type { CursorRegistry } from "../cursors";
import type { FailPoints } from "../fail-points";
import type { Deadline } from "../operation.deadline";
import type { Scope } from "../scope";
import type { SessionRegistry } from "../sessions";

/** Everything a command handler may touch. Handlers are synchronous: that is what makes each command atomic. */
export interface CommandContext {
  db: string;
  command: Document;
  /** Where reads and document writes go: the committed store, or the session's transaction. */
  scope: Scope;
  /** The command's time limit (maxTimeMS, or the engine's default); the scope's scans check it. */
  deadline: Deadline;
  /** DDL changes (collections, indexes) are journalled here; document writes are journalled by the scope. */
  journal: JournalOp[];
  catalog: Catalog;
  cursors: CursorRegistry;
  sessions: SessionRegistry;
  failPoints: FailPoints;
  server: ServerInfo;
  connectionId: number;
  remoteAddress: string;
}

export interface ServerInfo {
  /** "host:port" as clients should reach this engine. */
  readonly address: string;
  readonly replSetName: string | null;
  readonly startedAt: Date;
  readonly connections: () => number;
}

export type CommandHandler = (ctx: CommandContext) => Document;

/** The collection name a CRUD command addresses (`{ insert: "users" }` → "users"). */
export function targetName(ctx: CommandContext, field: string): string {
  const value: unknown = ctx.command[field];
  if (typeof value !== "string" || value.length === 0) {
    throw new CommandError("InvalidNamespace", `collection name has invalid type ${typeof value}`);
  }
  return value;
}

export function namespace(ctx: CommandContext, field: string): string {
  return `${ctx.db}.${targetName(ctx, field)}`;
}

/** Reads an optional non-negative integer option such as `limit`, `skip` or `batchSize`. */
export function intOption(ctx: CommandContext, field: string): number | undefined {
  const value: unknown = ctx.command[field];
  if (value === undefined || value === null) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || !Number.isInteger(number)) throw new CommandError("TypeMismatch", `Field '${field}' must be an integer`);
  return number;
}

export function docOption(ctx: CommandContext, field: string): Document | undefined {
  const value: unknown = ctx.command[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw new CommandError("TypeMismatch", `Field '${field}' must be an object`);
  return value as Document;
}

/** A `hint` must name an existing index (by name or key pattern), as mongod insists; `$natural` is always fine. */
export function checkHint(ctx: CommandContext, ns: string, hint: unknown): void {
  if (hint === undefined || hint === null) return;
  const collection = ctx.catalog.getNs(ns);
  if (!collection) return;
  if (typeof hint === "object" && !Array.isArray(hint) && "$natural" in (hint as Document)) return;
  const indexes = [...collection.indexes.values()];
  const found =
    typeof hint === "string"
      ? indexes.some((index) => index.name === hint)
      : indexes.some((index) => JSON.stringify(index.spec.key) === JSON.stringify(hint));
  if (!found) throw new CommandError("BadValue", "hint provided does not correspond to an existing index");
}
