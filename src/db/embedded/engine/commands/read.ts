import type { Document } from "bson";
import { Aggregator } from "mingo/aggregator";
import { CommandError, failedToParse, toCommandError } from "../errors";
import { encodeValue } from "../keys";
import { fullContext, queryOptions } from "../mingo-context";
import { ProcessingMode } from "mingo";
import { preparePipeline } from "../regex.filter";
import type { Deadline } from "../operation.deadline";
import { compileProjection } from "../sort-project";
import { cloneValue, collectPathValues, idFirst, isPlainObject } from "../values";
import { checkHint, docOption, intOption, namespace, targetName, type CommandContext } from "./context";

export function find(ctx: CommandContext): Document {
  const ns = namespace(ctx, "find");
  const filter = docOption(ctx, "filter");
  const sort = docOption(ctx, "sort");
  const skip = intOption(ctx, "skip") ?? 0;
  const rawLimit = intOption(ctx, "limit") ?? 0;
  if (skip < 0) throw new CommandError("BadValue", "BSON field 'skip' value must be >= 0, actual value '" + skip + "'");
  const limit = Math.abs(rawLimit);
  const batchSize = intOption(ctx, "batchSize");
  if (batchSize !== undefined && batchSize < 0) throw new CommandError("BadValue", "BSON field 'batchSize' value must be >= 0");
  const project = compileProjection(docOption(ctx, "projection"));
  checkHint(ctx, ns, ctx.command.hint);
  const entries = ctx.scope.query(ns, {
    filter,
    sort: sort && Object.keys(sort).length > 0 ? sort : undefined,
    stopAfter: limit > 0 ? skip + limit : undefined,
  });
  let docs = entries.slice(skip, limit > 0 ? skip + limit : undefined).map((entry) => entry[1]);
  if (project) docs = docs.map(project);
  const singleBatch = ctx.command.singleBatch === true || rawLimit < 0;
  return ctx.cursors.open(ns, docs, batchSize, singleBatch);
}

export function getMore(ctx: CommandContext): Document {
  const collection = targetName(ctx, "collection");
  return ctx.cursors.getMore(ctx.command.getMore, collection, ctx.db, intOption(ctx, "batchSize") || undefined);
}

export function killCursors(ctx: CommandContext): Document {
  const ids: unknown = ctx.command.cursors;
  if (!Array.isArray(ids)) throw failedToParse("BSON field 'killCursors.cursors' is missing but a required field");
  return ctx.cursors.kill(ids);
}

export function count(ctx: CommandContext): Document {
  const ns = namespace(ctx, "count");
  const skip = intOption(ctx, "skip") ?? 0;
  const limit = Math.abs(intOption(ctx, "limit") ?? 0);
  const query = docOption(ctx, "query");
  checkHint(ctx, ns, ctx.command.hint);
  let n: number;
  if (!query || Object.keys(query).length === 0) {
    n = ctx.scope.inTransaction ? ctx.scope.all(ns).length : (ctx.catalog.getNs(ns)?.docs.size ?? 0);
  } else n = ctx.scope.query(ns, { filter: query }).length;
  n = Math.max(0, n - skip);
  return { n: limit > 0 ? Math.min(n, limit) : n, ok: 1 };
}

export function distinct(ctx: CommandContext): Document {
  const ns = namespace(ctx, "distinct");
  const key: unknown = ctx.command.key;
  if (typeof key !== "string" || key.length === 0) throw failedToParse("BSON field 'distinct.key' must be a non-empty string");
  const path = key.split(".");
  const seen = new Map<string, unknown>();
  for (const [, doc] of ctx.scope.query(ns, { filter: docOption(ctx, "query") })) {
    const values: unknown[] = [];
    collectPathValues(doc, path, values);
    for (const value of values) if (value !== undefined) seen.set(encodeValue(value), value);
  }
  const ordered = [...seen.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((entry) => entry[1]);
  return { values: ordered, ok: 1 };
}

export function aggregate(ctx: CommandContext): Document {
  const target: unknown = ctx.command.aggregate;
  if (typeof target !== "string")
    throw new CommandError("InvalidNamespace", "{aggregate: 1} is not supported by the embedded engine; name a collection");
  const ns = `${ctx.db}.${target}`;
  const pipeline: unknown = ctx.command.pipeline;
  if (!Array.isArray(pipeline) || !pipeline.every(isPlainObject)) throw failedToParse("'pipeline' option must be specified as an array");
  if (ctx.command.explain === true) throw new CommandError("CommandNotFound", "explain is not supported by the embedded engine");
  const cursorOption = docOption(ctx, "cursor");
  if (!cursorOption) throw failedToParse("The 'cursor' option is required, except for aggregate with the explain argument");

  checkHint(ctx, ns, ctx.command.hint);
  const stages = preparePipeline(pipeline as Document[]);
  let out: string | undefined;
  const last = stages[stages.length - 1];
  if (last && "$out" in last) {
    out = typeof last.$out === "string" ? last.$out : String(last.$out?.coll ?? "");
    stages.pop();
  }
  if (stages.some((stage) => "$merge" in stage || "$out" in stage))
    throw new CommandError("BadValue", "$merge is not supported by the embedded engine; $out must be the last stage");
  for (const stage of stages) {
    const name = Object.keys(stage)[0];
    if (name === "$changeStream") throw new CommandError("CommandNotFound", "change streams are not supported by the embedded engine");
  }

  // A leading $match is answered through the collection's indexes; the rest runs in mingo.
  let input: Document[];
  if (stages[0] && "$match" in stages[0] && !JSON.stringify(stages[0].$match ?? {}).includes("$expr")) {
    input = ctx.scope.query(ns, { filter: stages.shift()?.$match as Document }).map((entry) => entry[1]);
  } else input = ctx.scope.all(ns);

  let results: Document[];
  try {
    const aggregator = new Aggregator(stages, {
      ...queryOptions(fullContext),
      processingMode: ProcessingMode.CLONE_INPUT,
      // Copies, because later stages may modify joined documents in place.
      collectionResolver: (name: string) => ctx.scope.all(`${ctx.db}.${name}`).map(cloneValue),
    });
    // Documents are handed to the pipeline one by one against the deadline: stages run lazily, so a slow stage
    // (a $lookup per document) is interrupted between documents too.
    results = (stages.length > 0 ? (aggregator.run(paced(input, ctx.deadline)) as Document[]) : input).map((doc) =>
      isPlainObject(doc) ? idFirst(doc) : doc,
    );
  } catch (error) {
    throw toCommandError(error);
  }

  if (out !== undefined) {
    writeOut(ctx, out, results);
    return ctx.cursors.open(ns, [], 0, true);
  }
  return ctx.cursors.open(ns, results, intOption({ ...ctx, command: cursorOption }, "batchSize"), false);
}

function* paced(docs: Document[], deadline: Deadline): Generator<Document> {
  for (const doc of docs) {
    deadline.visit();
    yield doc;
  }
}

/** `$out`: replaces the target collection's documents with the pipeline's output. */
function writeOut(ctx: CommandContext, name: string, docs: Document[]): void {
  if (!name) throw failedToParse("$out requires a collection name");
  if (ctx.scope.inTransaction) throw new CommandError("OperationNotSupportedInTransaction", "$out cannot be used in a transaction");
  const ns = `${ctx.db}.${name}`;
  for (const [idKey] of ctx.scope.query(ns, {})) ctx.scope.remove(ns, idKey);
  for (const doc of docs) ctx.scope.insert(ns, doc);
}
