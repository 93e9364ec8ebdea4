import type { Document } from "bson";
import { compileFilter, type Predicate } from "./matcher";
import { CommandError } from "./errors";
import { encodeValue, invertKey } from "./keys";
import { SortedKeys } from "./sorted-keys";
import { collectPathValues, describeValue, type Path } from "./values";

/** One field of an index key pattern. */
export interface IndexField {
  name: string;
  path: Path;
  descending: boolean;
}

/**
 * A secondary (or the `_id`) index: for every key, the set of document ids that carry it, plus the keys in sorted
 * order for range scans and ordered walks. Keys are the order-preserving encodings of `keys.ts`, with descending
 * fields inverted, so walking `sortedKeys` forwards is the index order.
 */
export class IndexStore {
  readonly name: string;
  readonly spec: Document;
  readonly fields: IndexField[];
  readonly unique: boolean;
  readonly sparse: boolean;
  readonly partial: Predicate | undefined;
  readonly expireAfterSeconds: number | undefined;
  /** True once a document put an array under an indexed field (then an ordered walk could repeat documents). */
  multikey = false;

  /**
   * The ids holding each key: the id itself while it is the only one (most keys of most indexes: `_id`, dates), a
   * Set once several share the key. A Set per key cost more memory and garbage collection than the documents did.
   */
  private readonly entries = new Map<string, string | Set<string>>();
  private readonly sortedKeys = new SortedKeys();

  constructor(spec: Document) {
    this.spec = spec;
    this.name = String(spec.name);
    this.fields = Object.keys(spec.key).map((name) => ({ name, path: name.split("."), descending: Number(spec.key[name]) < 0 }));
    this.unique = spec.unique === true || this.name === "_id_";
    this.sparse = spec.sparse === true;
    this.partial = spec.partialFilterExpression ? compileFilter(spec.partialFilterExpression) : undefined;
    this.expireAfterSeconds = typeof spec.expireAfterSeconds === "number" ? spec.expireAfterSeconds : undefined;
  }

  /** True when an index with this spec could answer queries over every document (not sparse, not partial). */
  get coversAllDocuments(): boolean {
    return !this.sparse && !this.partial;
  }

  /** The keys a document contributes (none when sparse/partial exclude it). */
  keysFor(doc: Document): string[] {
    return this.singleKey(doc) ?? this.keyEntries(doc).map((entry) => entry.key);
  }

  /**
   * The common case without the general machinery: top-level fields holding no array give exactly one key.
   * Undefined when the general path is needed (a dotted path, an array, a partial index).
   */
  private singleKey(doc: Document): string[] | undefined {
    if (this.partial) return undefined;
    let key = "";
    let allMissing = true;
    for (const field of this.fields) {
      if (field.path.length !== 1) return undefined;
      const value: unknown = Object.prototype.hasOwnProperty.call(doc, field.name) ? doc[field.name] : undefined;
      if (Array.isArray(value)) return undefined;
      if (value !== undefined) allMissing = false;
      const encoded = encodeValue(value);
      key += field.descending ? invertKey(encoded) : encoded;
    }
    return this.sparse && allMissing ? [] : [key];
  }

  /** Each key with the field values it was built from (a multikey document yields several). */
  private keyEntries(doc: Document): Array<{ key: string; values: unknown[] }> {
    if (this.partial && !this.partial(doc)) return [];
    const perField: Array<Array<{ part: string; value: unknown }>> = [];
    let allMissing = true;
    for (const field of this.fields) {
      const values: unknown[] = [];
      if (collectPathValues(doc, field.path, values)) this.multikey = true;
      if (values.some((value) => value !== undefined)) allMissing = false;
      const parts = new Map<string, unknown>();
      for (const value of values) {
        const encoded = encodeValue(value);
        parts.set(field.descending ? invertKey(encoded) : encoded, value);
      }
      perField.push([...parts].map(([part, value]) => ({ part, value })));
    }
    if (this.sparse && allMissing) return [];
    let entries = [{ key: "", values: [] as unknown[] }];
    for (const parts of perField) {
      entries = entries.flatMap((entry) => parts.map(({ part, value }) => ({ key: entry.key + part, values: [...entry.values, value] })));
    }
    return entries;
  }

  /**
   * Throws DuplicateKey when one of `keys` is held by another document. `ignoreIds` lists ids whose current
   * entries do not count (the document being replaced, or ids a transaction is rewriting).
   */
  checkUnique(keys: string[], doc: Document, ignoreIds: (id: string) => boolean, ns: string): void {
    if (!this.unique) return;
    for (const key of keys) for (const holder of this.holdersOf(key)) if (!ignoreIds(holder)) throw this.duplicateKeyError(doc, ns, key);
  }

  /** mongod's duplicate-key error; for a multikey document `key` selects the colliding element. */
  duplicateKeyError(doc: Document, ns: string, key?: string): CommandError {
    const keyPattern: Document = {};
    const keyValue: Document = {};
    const colliding = key === undefined ? undefined : this.keyEntries(doc).find((entry) => entry.key === key);
    this.fields.forEach((field, i) => {
      keyPattern[field.name] = this.spec.key[field.name];
      if (colliding) {
        keyValue[field.name] = colliding.values[i] ?? null;
        return;
      }
      const values: unknown[] = [];
      collectPathValues(doc, field.path, values);
      keyValue[field.name] = values.length === 1 ? (values[0] ?? null) : values;
    });
    const shown = Object.keys(keyValue)
      .map((name) => `${name}: ${describeValue(keyValue[name])}`)
      .join(", ");
    return new CommandError("DuplicateKey", `E11000 duplicate key error collection: ${ns} index: ${this.name} dup key: { ${shown} }`, {
      extra: { keyPattern, keyValue },
    });
  }

  add(keys: string[], id: string): void {
    for (const key of keys) {
      const holders = this.entries.get(key);
      if (holders === undefined) {
        this.entries.set(key, id);
        this.sortedKeys.insert(key);
      } else if (typeof holders === "string") {
        if (holders !== id) this.entries.set(key, new Set([holders, id]));
      } else holders.add(id);
    }
  }

  remove(keys: string[], id: string): void {
    for (const key of keys) {
      const holders = this.entries.get(key);
      if (holders === undefined) continue;
      if (typeof holders === "string" ? holders === id : holders.delete(id) && holders.size === 0) {
        this.entries.delete(key);
        this.sortedKeys.delete(key);
      }
    }
  }

  /** The ids holding a key, in the order they were added. */
  private holdersOf(key: string): Iterable<string> {
    const holders = this.entries.get(key);
    if (holders === undefined) return [];
    return typeof holders === "string" ? [holders] : holders;
  }

  clear(): void {
    this.entries.clear();
    this.sortedKeys.clear();
    this.multikey = false;
  }

  /** Ids holding exactly this key (undefined when none does). */
  lookup(key: string): Iterable<string> | undefined {
    return this.entries.has(key) ? this.holdersOf(key) : undefined;
  }

  /** Ids whose keys lie in [low, high], in index order (or reversed), each key's ids together. */
  *range(low: string, high: string, reverse = false): Generator<string> {
    const keys = reverse ? this.sortedKeys.descending(low, high) : this.sortedKeys.ascending(low, high);
    for (const key of keys) {
      const holders = this.entries.get(key);
      if (typeof holders === "string") yield holders;
      else if (holders !== undefined) yield* holders;
    }
  }

  get keyCount(): number {
    return this.sortedKeys.size;
  }
}
