import type { Document } from "bson";
import { splitNamespace, validateNames } from "../catalog";
import { CommandError, failedToParse } from "../errors";
import { compileFilter } from "../matcher";
import { encodeValue } from "../keys";
import { isPlainObject } from "../values";
import { docOption, targetName, type CommandContext } from "./context";

/** Fields of a command document that are protocol envelope, not collection options. */
const ENVELOPE = new Set([
  "$db",
  "lsid",
  "txnNumber",
  "autocommit",
  "startTransaction",
  "$clusterTime",
  "$readPreference",
  "readConcern",
  "writeConcern",
  "comment",
  "maxTimeMS",
  "apiVersion",
  "apiStrict",
  "apiDeprecationErrors",
]);

const UNSUPPORTED_COLLECTION_OPTIONS = new Set([
  "capped",
  "size",
  "max",
  "validator",
  "validationLevel",
  "validationAction",
  "viewOn",
  "pipeline",
  "timeseries",
  "expireAfterSeconds",
  "clusteredIndex",
  "collation",
  "changeStreamPreAndPostImages",
  "encryptedFields",
]);

export function create(ctx: CommandContext): Document {
  const name = targetName(ctx, "create");
  validateNames(ctx.db, name);
  if (ctx.catalog.get(ctx.db, name)) throw new CommandError("NamespaceExists", `Collection ${ctx.db}.${name} already exists.`);
  const options: Document = {};
  for (const key of Object.keys(ctx.command)) if (key !== "create" && !ENVELOPE.has(key)) options[key] = ctx.command[key];
  // Options the engine would otherwise accept and silently ignore are refused instead.
  const unsupported = Object.keys(options).filter((key) => UNSUPPORTED_COLLECTION_OPTIONS.has(key) && options[key] !== false);
  if (unsupported.length > 0) {
    throw new CommandError(
      "InvalidOptions",
      `the embedded engine does not support collection option(s) ${unsupported.join(", ")} (capped collections, validators, views, time series, collations)`,
    );
  }
  ctx.catalog.create(ctx.db, name, options, ctx.journal);
  return { ok: 1 };
}

export function drop(ctx: CommandContext): Document {
  const name = targetName(ctx, "drop");
  const collection = ctx.catalog.get(ctx.db, name);
  const nIndexesWas = collection?.indexes.size ?? 0;
  ctx.catalog.drop(ctx.db, name, ctx.journal);
  return { nIndexesWas, ns: `${ctx.db}.${name}`, ok: 1 };
}

export function dropDatabase(ctx: CommandContext): Document {
  ctx.catalog.dropDatabase(ctx.db, ctx.journal);
  return { dropped: ctx.db, ok: 1 };
}

export function listCollections(ctx: CommandContext): Document {
  const matches = compileFilter(docOption(ctx, "filter"));
  const nameOnly = ctx.command.nameOnly === true;
  const entries = ctx.catalog
    .collections(ctx.db)
    .map((collection) =>
      nameOnly
        ? { name: collection.name, type: "collection" }
        : {
            name: collection.name,
            type: "collection",
            options: collection.options,
            info: { readOnly: false },
            idIndex: { v: 2, key: { _id: 1 }, name: "_id_" },
          },
    )
    .filter(matches);
  return ctx.cursors.open(`${ctx.db}.$cmd.listCollections`, entries, undefined, false);
}

export function listDatabases(ctx: CommandContext): Document {
  const databases = ctx.catalog.databaseNames().map((name) => {
    const collections = ctx.catalog.collections(name);
    const documents = collections.reduce((sum, collection) => sum + collection.docs.size, 0);
    return { name, sizeOnDisk: documents * 256, empty: documents === 0 };
  });
  const filtered = databases.filter(compileFilter(docOption(ctx, "filter")));
  const reply: Document = { databases: ctx.command.nameOnly === true ? filtered.map((db) => ({ name: db.name })) : filtered, ok: 1 };
  if (ctx.command.nameOnly !== true) reply.totalSize = filtered.reduce((sum, db) => sum + db.sizeOnDisk, 0);
  return reply;
}

export function renameCollection(ctx: CommandContext): Document {
  const from: unknown = ctx.command.renameCollection;
  const to: unknown = ctx.command.to;
  if (typeof from !== "string" || typeof to !== "string") throw failedToParse("renameCollection and to must be namespaces");
  const source = ctx.catalog.getNs(from);
  if (!source) throw new CommandError("NamespaceNotFound", `Source collection ${from} does not exist`);
  const target = splitNamespace(to);
  validateNames(target.db, target.name);
  if (ctx.catalog.getNs(to)) {
    if (ctx.command.dropTarget !== true) throw new CommandError("NamespaceExists", `target namespace exists`);
    ctx.catalog.drop(target.db, target.name, ctx.journal);
  }
  ctx.catalog.rename(source, target.db, target.name, ctx.journal);
  return { ok: 1 };
}

const INDEX_OPTIONS = [
  "unique",
  "sparse",
  "partialFilterExpression",
  "expireAfterSeconds",
  "collation",
  "hidden",
  "background",
  "weights",
  "default_language",
  "language_override",
  "textIndexVersion",
  "2dsphereIndexVersion",
  "bits",
  "min",
  "max",
  "wildcardProjection",
];
/** Options that change what an index means; two specs differing in them are different indexes. */
const SEMANTIC_OPTIONS = ["unique", "sparse", "partialFilterExpression", "expireAfterSeconds", "collation"];

export function createIndexes(ctx: CommandContext): Document {
  const name = targetName(ctx, "createIndexes");
  const specs: unknown = ctx.command.indexes;
  if (!Array.isArray(specs) || specs.length === 0) throw failedToParse("Must specify at least one index to create");
  const createdCollectionAutomatically = !ctx.catalog.get(ctx.db, name);
  const collection = ctx.catalog.ensure(ctx.db, name, ctx.journal);
  const numIndexesBefore = collection.indexes.size;
  for (const raw of specs) {
    const spec = normaliseIndexSpec(raw);
    const existing = collection.indexes.get(spec.name);
    if (existing) {
      if (encodeValue(existing.spec.key) !== encodeValue(spec.key)) {
        throw new CommandError(
          "IndexKeySpecsConflict",
          `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(existing.spec)}`,
        );
      }
      if (!sameOptions(existing.spec, spec))
        throw new CommandError(
          "IndexOptionsConflict",
          `An equivalent index already exists with the same name but different options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(existing.spec)}`,
        );
      continue;
    }
    const sameKey = [...collection.indexes.values()].find(
      (index) => encodeValue(index.spec.key) === encodeValue(spec.key) && sameOptions(index.spec, spec),
    );
    if (sameKey) throw new CommandError("IndexOptionsConflict", `Index already exists with a different name: ${sameKey.name}`);
    validateIndexKey(spec.key);
    collection.addIndex(spec);
    ctx.journal.push({ op: "createIndex", ns: collection.ns, spec });
  }
  const reply: Document = { numIndexesBefore, numIndexesAfter: collection.indexes.size, createdCollectionAutomatically, ok: 1 };
  if (reply.numIndexesAfter === numIndexesBefore) reply.note = "all indexes already exist";
  return reply;
}

function normaliseIndexSpec(raw: unknown): Document & { name: string; key: Document } {
  if (!isPlainObject(raw)) throw new CommandError("TypeMismatch", "each index specification must be an object");
  if (!isPlainObject(raw.key) || Object.keys(raw.key).length === 0)
    throw new CommandError("CannotCreateIndex", "Index keys cannot be empty.");
  if (typeof raw.name !== "string" || raw.name.length === 0)
    throw failedToParse("The 'name' field is a required property of an index specification");
  const spec: Document = { v: 2, key: raw.key, name: raw.name };
  for (const option of INDEX_OPTIONS) if (raw[option] !== undefined && option !== "background") spec[option] = raw[option];
  if (spec.unique === false) delete spec.unique;
  if (spec.sparse === false) delete spec.sparse;
  return spec as Document & { name: string; key: Document };
}

function validateIndexKey(key: Document): void {
  for (const field of Object.keys(key)) {
    const direction: unknown = key[field];
    if (direction === 1 || direction === -1) continue;
    if (typeof direction === "number" && direction !== 0) continue;
    throw new CommandError(
      "CannotCreateIndex",
      `Index type '${String(direction)}' on field '${field}' is not supported by the embedded engine (only ascending/descending indexes)`,
    );
  }
}

function sameOptions(a: Document, b: Document): boolean {
  return SEMANTIC_OPTIONS.every((option) => encodeValue(a[option]) === encodeValue(b[option]));
}

export function listIndexes(ctx: CommandContext): Document {
  const name = targetName(ctx, "listIndexes");
  const collection = ctx.catalog.get(ctx.db, name);
  if (!collection) throw new CommandError("NamespaceNotFound", `ns does not exist: ${ctx.db}.${name}`);
  return ctx.cursors.open(`${ctx.db}.$cmd.listIndexes.${name}`, collection.indexSpecs(), undefined, false);
}

export function dropIndexes(ctx: CommandContext): Document {
  const name = targetName(ctx, "dropIndexes");
  const collection = ctx.catalog.get(ctx.db, name);
  if (!collection) throw new CommandError("NamespaceNotFound", `ns not found ${ctx.db}.${name}`);
  const nIndexesWas = collection.indexes.size;
  const target: unknown = ctx.command.index;
  let names: string[];
  if (target === "*") names = [...collection.indexes.keys()].filter((index) => index !== "_id_");
  else if (typeof target === "string") names = [target];
  else if (Array.isArray(target)) names = target.map(String);
  else if (isPlainObject(target)) {
    const match = [...collection.indexes.values()].find((index) => encodeValue(index.spec.key) === encodeValue(target));
    if (!match) throw new CommandError("IndexNotFound", `can't find index with key: ${JSON.stringify(target)}`);
    names = [match.name];
  } else throw failedToParse("dropIndexes 'index' must be a name, a key pattern, an array of names or '*'");
  for (const index of names) {
    if (index === "_id_") throw new CommandError("InvalidOptions", "cannot drop _id index");
    if (!collection.indexes.has(index)) throw new CommandError("IndexNotFound", `index not found with name [${index}]`);
  }
  for (const index of names) {
    collection.dropIndex(index);
    ctx.journal.push({ op: "dropIndex", ns: collection.ns, name: index });
  }
  return { nIndexesWas, ok: 1 };
}
