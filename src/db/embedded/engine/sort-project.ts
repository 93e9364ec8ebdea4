import type { Document } from "bson";
import { Query } from "mingo/query";
import { CommandError, toCommandError } from "./errors";
import { encodeValue } from "./keys";
import { fullContext, queryOptions } from "./mingo-context";
import { prepareCondition } from "./regex.filter";
import { collectPathValues, idFirst, isPlainObject } from "./values";

/** Sorts documents by a MongoDB sort spec (arrays sort by their smallest element ascending, largest descending). */
export function sortDocuments(docs: Document[], spec: Document | undefined): Document[] {
  if (!spec) return docs;
  const fields = Object.keys(spec);
  if (fields.length === 0) return docs;
  const directions = fields.map((field) => {
    const direction = spec[field];
    if (direction === 1 || direction === -1) return direction;
    if (isPlainObject(direction) && direction.$meta)
      throw new CommandError("BadValue", "$meta sort is not supported by the embedded engine");
    throw new CommandError("BadValue", `$sort key ordering must be 1 (for ascending) or -1 (for descending)`);
  });
  const paths = fields.map((field) => field.split("."));
  const keyed = docs.map((doc) => ({
    doc,
    keys: paths.map((path, i) => {
      const values: unknown[] = [];
      collectPathValues(doc, path, values);
      const encoded = values.map((value) => encodeValue(value)).sort();
      return directions[i] === 1 ? encoded[0] : encoded[encoded.length - 1];
    }),
  }));
  keyed.sort((a, b) => {
    for (let i = 0; i < fields.length; i++) {
      if (a.keys[i] === b.keys[i]) continue;
      return (a.keys[i] < b.keys[i] ? -1 : 1) * directions[i];
    }
    return 0;
  });
  return keyed.map((entry) => entry.doc);
}

export type Projector = (doc: Document) => Document;

/** Compiles a find/findAndModify projection. Plain inclusion/exclusion lists are applied natively. */
export function compileProjection(projection: Document | undefined): Projector | undefined {
  if (!projection || Object.keys(projection).length === 0) return undefined;
  const fields = Object.keys(projection);
  const simple = fields.every((field) => !field.includes("$") && isFlag(projection[field]));
  if (simple) {
    const excludeId = fields.includes("_id") && !truthy(projection._id);
    const others = fields.filter((field) => field !== "_id");
    const inclusion = others.length === 0 ? truthy(projection._id) : truthy(projection[others[0]]);
    if (others.some((field) => truthy(projection[field]) !== inclusion)) {
      throw new CommandError("Location31254", "Cannot do exclusion on field in inclusion projection");
    }
    if (!others.some((field) => field.includes("."))) {
      const set = new Set(others);
      return inclusion ? (doc) => include(doc, set, excludeId) : (doc) => exclude(doc, set, excludeId);
    }
  }
  const prepared = prepareProjection(projection);
  return (doc) => {
    try {
      const cursor = new Query({}, queryOptions(fullContext)).find<Document>([doc], prepared);
      const result = cursor.next();
      return result ? idFirst(result) : {};
    } catch (error) {
      throw toCommandError(error);
    }
  };
}

/** `$elemMatch` projections are queries: their regexes are compiled for RE2 like a filter's. */
function prepareProjection(projection: Document): Document {
  const out: Document = {};
  for (const field of Object.keys(projection)) {
    const spec: unknown = projection[field];
    out[field] =
      isPlainObject(spec) && isPlainObject(spec.$elemMatch)
        ? { ...spec, ...(prepareCondition({ $elemMatch: spec.$elemMatch }) as Document) }
        : spec;
  }
  return out;
}

function isFlag(value: unknown): boolean {
  return typeof value === "boolean" || typeof value === "number";
}

function truthy(value: unknown): boolean {
  return value === true || (typeof value === "number" && value !== 0);
}

function include(doc: Document, fields: Set<string>, excludeId: boolean): Document {
  const out: Document = {};
  if (!excludeId && "_id" in doc) out._id = doc._id;
  for (const key of Object.keys(doc)) if (fields.has(key)) out[key] = doc[key];
  return out;
}

function exclude(doc: Document, fields: Set<string>, excludeId: boolean): Document {
  const out: Document = {};
  for (const key of Object.keys(doc)) {
    if (key === "_id" ? excludeId : fields.has(key)) continue;
    out[key] = doc[key];
  }
  return out;
}
