import type { Document } from "bson";
import { idKeyOf } from "../../../../src/db/embedded/engine/collection";
import { CommandError } from "../../../../src/db/embedded/engine/errors";
import { IndexStore } from "../../../../src/db/embedded/engine/index-store";
import { encodeValue, invertKey, KEY_MAX } from "../../../../src/db/embedded/engine/keys";
import { newCollection } from "../../../support/engine-in-process";

const index = (key: Document, options: Document = {}): IndexStore =>
  new IndexStore({
    v: 2,
    key,
    name: Object.keys(key)
      .map((k) => `${k}_${key[k]}`)
      .join("_"),
    ...options,
  });

/** Adds documents (by their _id key) to a bare index. */
function fill(store: IndexStore, docs: Document[]): IndexStore {
  for (const doc of docs) store.add(store.keysFor(doc), idKeyOf(doc));
  return store;
}

const walk = (store: IndexStore, low = "", high = KEY_MAX, reverse = false): string[] => [...store.range(low, high, reverse)];
const k = (id: number): string => idKeyOf({ _id: id });

/** Runs `fn` and returns the CommandError it throws. */
function thrown(fn: () => unknown): CommandError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CommandError) return error;
    throw error;
  }
  throw new Error("expected a CommandError");
}

describe("IndexStore keys", () => {
  it("encodes a single ascending field with the order-preserving encoding", () => {
    expect(index({ a: 1 }).keysFor({ a: 5 })).toEqual([encodeValue(5)]);
  });

  it("inverts descending fields and concatenates compound fields", () => {
    expect(index({ a: 1, b: -1 }).keysFor({ a: "x", b: 2 })).toEqual([encodeValue("x") + invertKey(encodeValue(2))]);
  });

  it("indexes a missing field as null unless the index is sparse", () => {
    expect(index({ a: 1 }).keysFor({ b: 1 })).toEqual([encodeValue(null)]);
    expect(index({ a: 1 }, { sparse: true }).keysFor({ b: 1 })).toEqual([]);
    expect(index({ a: 1 }, { sparse: true }).keysFor({ a: null })).toEqual([encodeValue(null)]);
  });

  it("keeps a document in a sparse compound index when any of its fields is present", () => {
    const store = index({ a: 1, b: 1 }, { sparse: true });
    expect(store.keysFor({ b: 2 })).toEqual([encodeValue(null) + encodeValue(2)]);
    expect(store.keysFor({ c: 1 })).toEqual([]);
  });

  it("leaves out documents that fail the partialFilterExpression", () => {
    const store = index({ a: 1 }, { partialFilterExpression: { active: true } });
    expect(store.keysFor({ a: 1, active: false })).toEqual([]);
    expect(store.keysFor({ a: 1 })).toEqual([]);
    expect(store.keysFor({ a: 1, active: true })).toEqual([encodeValue(1)]);
    expect(store.coversAllDocuments).toBe(false);
  });

  it("gives one key per distinct array element and marks the index multikey", () => {
    const store = index({ tags: 1 });
    expect(store.multikey).toBe(false);
    expect(store.keysFor({ tags: ["b", "a", "b"] }).sort()).toEqual([encodeValue("a"), encodeValue("b")].sort());
    expect(store.multikey).toBe(true);
    expect(index({ tags: 1 }).keysFor({ tags: [] })).toEqual([encodeValue(undefined)]);
  });

  it("follows a dotted path through an array of sub-documents", () => {
    const store = index({ "a.b": 1 });
    expect(store.keysFor({ a: [{ b: 1 }, { b: 2 }, { c: 3 }] }).sort()).toEqual([encodeValue(1), encodeValue(2), encodeValue(null)].sort());
    expect(store.keysFor({ a: { b: "x" } })).toEqual([encodeValue("x")]);
  });

  it("multiplies keys of a compound multikey index", () => {
    expect(
      index({ a: 1, b: 1 })
        .keysFor({ a: [1, 2], b: "x" })
        .sort(),
    ).toEqual([encodeValue(1) + encodeValue("x"), encodeValue(2) + encodeValue("x")].sort());
  });
});

describe("IndexStore duplicate detection", () => {
  it("reports DuplicateKey (11000) with keyPattern, keyValue and mongod's message", () => {
    const store = fill(index({ email: 1 }, { unique: true }), [{ _id: 1, email: "a@x" }]);
    const doc = { _id: 2, email: "a@x" };
    const error = thrown(() => store.checkUnique(store.keysFor(doc), doc, (id) => id === k(2), "t.users"));
    expect([error.code, error.codeName]).toEqual([11000, "DuplicateKey"]);
    expect(error.message).toBe('E11000 duplicate key error collection: t.users index: email_1 dup key: { email: "a@x" }');
    expect(error.toWriteError(3)).toEqual({
      index: 3,
      code: 11000,
      errmsg: error.message,
      keyPattern: { email: 1 },
      keyValue: { email: "a@x" },
    });
    expect(error.toReply()).toMatchObject({
      ok: 0,
      code: 11000,
      codeName: "DuplicateKey",
      keyPattern: { email: 1 },
      keyValue: { email: "a@x" },
    });
  });

  it("does not count the document's own entry, nor ids the caller ignores", () => {
    const store = fill(index({ email: 1 }, { unique: true }), [{ _id: 1, email: "a@x" }]);
    const same = { _id: 1, email: "a@x" };
    expect(() => store.checkUnique(store.keysFor(same), same, (id) => id === k(1), "t.c")).not.toThrow();
  });

  it("compares compound unique keys as a whole and reports every field", () => {
    const store = fill(index({ a: 1, b: -1 }, { unique: true }), [{ _id: 1, a: 1, b: 2 }]);
    const other = { _id: 2, a: 1, b: 3 };
    expect(() => store.checkUnique(store.keysFor(other), other, () => false, "t.c")).not.toThrow();
    const clash = { _id: 3, a: 1, b: 2 };
    const error = thrown(() => store.checkUnique(store.keysFor(clash), clash, () => false, "t.c"));
    expect(error.extra).toEqual({ keyPattern: { a: 1, b: -1 }, keyValue: { a: 1, b: 2 } });
  });

  it("reports a dotted key path as its own field", () => {
    const store = fill(index({ "p.q": 1 }, { unique: true }), [{ _id: 1, p: { q: 5 } }]);
    const clash = { _id: 2, p: { q: 5 } };
    expect(thrown(() => store.checkUnique(store.keysFor(clash), clash, () => false, "t.c")).extra).toEqual({
      keyPattern: { "p.q": 1 },
      keyValue: { "p.q": 5 },
    });
  });

  it("treats two documents missing a unique field as duplicates (null), unless the index is sparse", () => {
    const plain = fill(index({ email: 1 }, { unique: true }), [{ _id: 1 }]);
    const error = thrown(() => plain.checkUnique(plain.keysFor({ _id: 2 }), { _id: 2 }, () => false, "t.c"));
    expect(error.extra.keyValue).toEqual({ email: null });
    const sparse = fill(index({ email: 1 }, { unique: true, sparse: true }), [{ _id: 1 }]);
    expect(() => sparse.checkUnique(sparse.keysFor({ _id: 2 }), { _id: 2 }, () => false, "t.c")).not.toThrow();
  });

  it("ignores documents outside a unique partial index", () => {
    const store = fill(index({ email: 1 }, { unique: true, partialFilterExpression: { active: true } }), [
      { _id: 1, email: "a", active: false },
    ]);
    const doc = { _id: 2, email: "a", active: true };
    expect(() => store.checkUnique(store.keysFor(doc), doc, () => false, "t.c")).not.toThrow();
  });

  it("detects a clash on any element of a multikey unique index", () => {
    const store = fill(index({ tags: 1 }, { unique: true }), [{ _id: 1, tags: ["x", "y"] }]);
    const doc = { _id: 2, tags: ["y"] };
    expect(thrown(() => store.checkUnique(store.keysFor(doc), doc, () => false, "t.c")).extra.keyValue).toEqual({ tags: "y" });
  });

  it("reports the colliding element (not the whole array) as keyValue of a multikey clash, as mongod does", () => {
    const store = fill(index({ tags: 1 }, { unique: true }), [{ _id: 1, tags: ["x", "y"] }]);
    const doc = { _id: 2, tags: ["z", "y"] };
    expect(thrown(() => store.checkUnique(store.keysFor(doc), doc, () => false, "t.c")).extra.keyValue).toEqual({ tags: "y" });
  });
});

describe("IndexStore range walks", () => {
  const docs = [5, 3, 9, 1, 7].map((n) => ({ _id: n, n }));

  it("walks an ascending index forwards in key order, bounds inclusive", () => {
    const store = fill(index({ n: 1 }), docs);
    expect(walk(store)).toEqual([1, 3, 5, 7, 9].map(k));
    expect(walk(store, encodeValue(3), encodeValue(7))).toEqual([3, 5, 7].map(k));
  });

  it("walks backwards with reverse = true", () => {
    const store = fill(index({ n: 1 }), docs);
    expect(walk(store, "", KEY_MAX, true)).toEqual([9, 7, 5, 3, 1].map(k));
    expect(walk(store, encodeValue(3), encodeValue(7), true)).toEqual([7, 5, 3].map(k));
  });

  it("walks a descending index from the largest value", () => {
    expect(walk(fill(index({ n: -1 }), docs))).toEqual([9, 7, 5, 3, 1].map(k));
  });

  it("walks a compound (ascending, descending) index field by field", () => {
    const rows = [
      { _id: 1, a: 1, b: 1 },
      { _id: 2, a: 1, b: 2 },
      { _id: 3, a: 0, b: 5 },
      { _id: 4, a: 2, b: 0 },
      { _id: 5, a: 1, b: 3 },
    ];
    expect(walk(fill(index({ a: 1, b: -1 }), rows))).toEqual([3, 5, 2, 1, 4].map(k));
  });

  it("yields each id of a shared key, and forgets keys whose last holder is removed", () => {
    const store = fill(index({ g: 1 }), [
      { _id: 1, g: "x" },
      { _id: 2, g: "x" },
      { _id: 3, g: "y" },
    ]);
    expect(new Set(store.lookup(encodeValue("x")))).toEqual(new Set([k(1), k(2)]));
    expect(store.keyCount).toBe(2);
    store.remove(store.keysFor({ g: "y" }), k(3));
    expect(store.lookup(encodeValue("y"))).toBeUndefined();
    expect(store.keyCount).toBe(1);
    expect(walk(store).sort()).toEqual([k(1), k(2)].sort());
  });

  it("a key held by one id, then two, then one, then none: lookups, walks and unique checks see exactly its holders", () => {
    const store = index({ g: 1 }, { unique: true });
    const key = encodeValue("x");
    store.add([key], k(1));
    store.add([key], k(1)); // the same holder again changes nothing
    expect([...(store.lookup(key) ?? [])]).toEqual([k(1)]);
    store.add([key], k(2));
    expect([...(store.lookup(key) ?? [])]).toEqual([k(1), k(2)]);
    expect(walk(store)).toEqual([k(1), k(2)]);
    expect(thrown(() => store.checkUnique([key], { _id: 3, g: "x" }, (id) => id === k(1), "db.c")).codeName).toBe("DuplicateKey");
    store.remove([key], k(1));
    expect([...(store.lookup(key) ?? [])]).toEqual([k(2)]);
    expect(() => store.checkUnique([key], { _id: 3, g: "x" }, (id) => id === k(2), "db.c")).not.toThrow();
    store.remove([key], k(3)); // not a holder: nothing happens
    expect(store.keyCount).toBe(1);
    store.remove([key], k(2));
    expect(store.lookup(key)).toBeUndefined();
    expect(store.keyCount).toBe(0);
    expect(walk(store)).toEqual([]);
  });

  it("keys of top-level fields equal the keys the general path gives the same values under a dotted path", () => {
    const values: unknown[] = [undefined, null, 0, -1.5, 2 ** 60, "", "été 🦄", new Date(0), true, { z: 1, a: [2] }];
    for (const sparse of [false, true]) {
      const flat = index({ a: 1, b: -1 }, { sparse });
      const nested = index({ "x.a": 1, "x.b": -1 }, { sparse });
      for (const a of values)
        for (const b of values) {
          const fields = { ...(a === undefined ? {} : { a }), ...(b === undefined ? {} : { b }) };
          expect({ fields, sparse, keys: flat.keysFor({ _id: 1, ...fields }) }).toEqual({
            fields,
            sparse,
            keys: nested.keysFor({ _id: 1, x: fields }),
          });
        }
      // An array still makes a multikey document: one key per element.
      expect(flat.keysFor({ _id: 1, a: [1, 2], b: 3 })).toHaveLength(2);
      expect(flat.multikey).toBe(true);
    }
  });

  it("keeps keys sorted under random inserts and removals", () => {
    const store = index({ n: 1 });
    const live = new Map<number, number>();
    let seed = 17;
    for (let step = 0; step < 2000; step++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const id = seed % 300;
      if (live.has(id)) {
        store.remove(store.keysFor({ n: live.get(id) }), k(id));
        live.delete(id);
      } else {
        const n = (seed >> 8) % 50;
        store.add(store.keysFor({ n }), k(id));
        live.set(id, n);
      }
    }
    const valueOf = new Map([...live].map(([id, n]) => [k(id), n]));
    const walked = walk(store).map((key) => valueOf.get(key));
    expect(walked).toEqual([...live.values()].sort((x, y) => x - y));
    expect(store.keyCount).toBe(new Set(live.values()).size);
  });
});

describe("Collection keeps its indexes in step", () => {
  it("rejects a duplicate before changing anything", () => {
    const collection = newCollection(
      [{ v: 2, key: { email: 1 }, name: "email_1", unique: true }],
      [
        { _id: 1, email: "a" },
        { _id: 2, email: "b" },
      ],
    );
    const byEmail = collection.indexes.get("email_1") as IndexStore;
    const error = thrown(() => collection.write(k(2), { _id: 2, email: "a" }));
    expect(error.code).toBe(11000);
    expect(collection.get(k(2))).toEqual({ _id: 2, email: "b" });
    expect([...(byEmail.lookup(encodeValue("b")) ?? [])]).toEqual([k(2)]);
  });

  it("answers an _id clash on insert with the _id_ index's DuplicateKey", () => {
    const collection = newCollection([], [{ _id: 1 }]);
    expect(thrown(() => collection.insert(k(1), { _id: 1, x: 1 })).extra).toEqual({ keyPattern: { _id: 1 }, keyValue: { _id: 1 } });
  });

  it("refuses to build a unique index over existing duplicates", () => {
    const collection = newCollection(
      [],
      [
        { _id: 1, e: "a" },
        { _id: 2, e: "a" },
      ],
    );
    expect(thrown(() => collection.addIndex({ v: 2, key: { e: 1 }, name: "e_1", unique: true })).code).toBe(11000);
    expect(collection.indexes.has("e_1")).toBe(false);
  });

  it("moves index entries when a document changes and drops them when it is deleted", () => {
    const collection = newCollection([{ v: 2, key: { n: 1 }, name: "n_1" }], [{ _id: 1, n: 1 }]);
    const byN = collection.indexes.get("n_1") as IndexStore;
    collection.write(k(1), { _id: 1, n: 2 });
    expect([byN.lookup(encodeValue(1)), [...(byN.lookup(encodeValue(2)) ?? [])]]).toEqual([undefined, [k(1)]]);
    collection.write(k(1), null);
    expect(byN.keyCount).toBe(0);
    expect(collection.idIndex.keyCount).toBe(0);
  });
});
