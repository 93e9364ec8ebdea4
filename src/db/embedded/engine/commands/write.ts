import type { Document } from "bson";
import { checkDocumentSize } from "../document.limits";
import { CommandError, failedToParse, toCommandError } from "../errors";
import { isRegexValue } from "../regex.filter";
import { compileProjection } from "../sort-project";
import { applyUpdate, buildUpsertDocument, isOperatorUpdate } from "../updater";
import { idFirst, isPlainObject, newObjectId } from "../values";
import { checkHint, docOption, namespace, type CommandContext } from "./context";

/** Runs each item of a batch write; a failed item becomes a `writeErrors` entry, and an ordered batch stops there. */
function runBatch<T>(ctx: CommandContext, items: T[], each: (item: T, index: number) => void): Document[] {
  const ordered = ctx.command.ordered !== false;
  const writeErrors: Document[] = [];
  for (let i = 0; i < items.length; i++) {
    try {
      each(items[i], i);
    } catch (error) {
      const commandError = toCommandError(error);
      // A labelled error (WriteConflict in a transaction) must reach the driver as a command error: labels in
      // writeErrors are not read, and TransientTransactionError is what makes the driver retry the transaction.
      if (commandError.errorLabels.length > 0) throw commandError;
      // An interruption fails the whole batch, as on mongod: the remaining statements would be past the limit too.
      if (commandError.codeName === "MaxTimeMSExpired") throw commandError;
      writeErrors.push(commandError.toWriteError(i));
      if (ordered || ctx.scope.inTransaction) break;
    }
  }
  // Any failed statement aborts the transaction, as on mongod.
  if (writeErrors.length > 0 && ctx.scope.inTransaction) ctx.sessions.abortAfterError(ctx.command);
  return writeErrors;
}

function listField(ctx: CommandContext, field: string): Document[] {
  const value: unknown = ctx.command[field];
  if (!Array.isArray(value)) throw failedToParse(`BSON field '${Object.keys(ctx.command)[0]}.${field}' is missing but a required field`);
  for (const item of value) if (!isPlainObject(item)) throw new CommandError("TypeMismatch", `each entry of '${field}' must be an object`);
  return value as Document[];
}

export function insert(ctx: CommandContext): Document {
  const ns = namespace(ctx, "insert");
  const documents = listField(ctx, "documents");
  let n = 0;
  const writeErrors = runBatch(ctx, documents, (raw) => {
    const doc = "_id" in raw ? idFirst(raw) : { _id: newObjectId(), ...raw };
    if (Array.isArray(doc._id)) throw new CommandError("BadValue", "can't use an array for _id");
    if (isRegexValue(doc._id)) throw new CommandError("BadValue", "can't use a regex for _id");
    checkDocumentSize(doc, "insert");
    ctx.scope.insert(ns, doc);
    n++;
  });
  return withWriteErrors({ n, ok: 1 }, writeErrors);
}

export function update(ctx: CommandContext): Document {
  const ns = namespace(ctx, "update");
  const updates = listField(ctx, "updates");
  let n = 0;
  let nModified = 0;
  const upserted: Document[] = [];
  const writeErrors = runBatch(ctx, updates, (statement, index) => {
    const query = isPlainObject(statement.q) ? statement.q : {};
    const change: Document | Document[] = statement.u;
    if (!isPlainObject(change) && !Array.isArray(change)) throw failedToParse("Update argument must be either an object or an array");
    const multi = statement.multi === true;
    if (multi && isPlainObject(change) && !isOperatorUpdate(change) && Object.keys(change).length > 0) {
      throw failedToParse("multi update is not supported for replacement-style update");
    }
    const sort = isPlainObject(statement.sort) ? statement.sort : undefined;
    checkHint(ctx, ns, statement.hint);
    const matches = ctx.scope.query(ns, { filter: query, sort, stopAfter: multi ? undefined : 1 });
    const targets = multi ? matches : matches.slice(0, 1);
    for (const [idKey, before] of targets) {
      const result = applyUpdate(before, change, { inserting: false, arrayFilters: statement.arrayFilters, query });
      n++;
      if (!result.modified) continue;
      checkDocumentSize(result.doc, "update");
      ctx.scope.replace(ns, idKey, result.doc);
      nModified++;
    }
    if (targets.length === 0 && statement.upsert === true) {
      const doc = buildUpsertDocument(query, change, statement.arrayFilters);
      checkDocumentSize(doc, "upsert");
      ctx.scope.insert(ns, doc);
      upserted.push({ index, _id: doc._id });
      n++;
    }
  });
  const reply: Document = { n, nModified, ok: 1 };
  if (upserted.length > 0) reply.upserted = upserted;
  return withWriteErrors(reply, writeErrors);
}

export function remove(ctx: CommandContext): Document {
  const ns = namespace(ctx, "delete");
  const deletes = listField(ctx, "deletes");
  let n = 0;
  const writeErrors = runBatch(ctx, deletes, (statement) => {
    const limit = Number(statement.limit ?? 0);
    if (limit !== 0 && limit !== 1) throw failedToParse("The limit field in delete objects must be 0 or 1");
    const query = isPlainObject(statement.q) ? statement.q : {};
    checkHint(ctx, ns, statement.hint);
    const matches = ctx.scope.query(ns, { filter: query, stopAfter: limit === 1 ? 1 : undefined });
    for (const [idKey] of limit === 1 ? matches.slice(0, 1) : matches) {
      ctx.scope.remove(ns, idKey);
      n++;
    }
  });
  return withWriteErrors({ n, ok: 1 }, writeErrors);
}

export function findAndModify(ctx: CommandContext): Document {
  const ns = namespace(ctx, "findAndModify");
  const query = docOption(ctx, "query") ?? {};
  const sort = docOption(ctx, "sort");
  const project = compileProjection(docOption(ctx, "fields"));
  const remove = ctx.command.remove === true;
  const change: Document | Document[] | undefined = ctx.command.update;
  if (remove === (change !== undefined)) throw failedToParse("Either an update or remove=true must be specified");
  if (remove && ctx.command.upsert === true) throw failedToParse("Cannot specify both upsert=true and remove=true");
  const returnNew = ctx.command.new === true;
  checkHint(ctx, ns, ctx.command.hint);
  const shown = (doc: Document | null): Document | null => (doc && project ? project(doc) : doc);

  try {
    const [target] = ctx.scope.query(ns, { filter: query, sort, stopAfter: 1 });
    if (remove) {
      if (!target) return { lastErrorObject: { n: 0 }, value: null, ok: 1 };
      ctx.scope.remove(ns, target[0]);
      return { lastErrorObject: { n: 1 }, value: shown(target[1]), ok: 1 };
    }
    if (!isPlainObject(change) && !Array.isArray(change)) throw failedToParse("Update argument must be either an object or an array");
    if (target) {
      const [idKey, before] = target;
      const result = applyUpdate(before, change, { inserting: false, arrayFilters: ctx.command.arrayFilters, query });
      if (result.modified) {
        checkDocumentSize(result.doc, "update");
        ctx.scope.replace(ns, idKey, result.doc);
      }
      return { lastErrorObject: { n: 1, updatedExisting: true }, value: shown(returnNew ? result.doc : before), ok: 1 };
    }
    if (ctx.command.upsert !== true) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
    const doc = buildUpsertDocument(query, change, ctx.command.arrayFilters);
    checkDocumentSize(doc, "upsert");
    ctx.scope.insert(ns, doc);
    return { lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id }, value: shown(returnNew ? doc : null), ok: 1 };
  } catch (error) {
    ctx.sessions.abortAfterError(ctx.command);
    throw error;
  }
}

function withWriteErrors(reply: Document, writeErrors: Document[]): Document {
  if (writeErrors.length > 0) reply.writeErrors = writeErrors;
  return reply;
}
