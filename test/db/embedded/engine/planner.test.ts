import { inspect } from "node:util";
import { Long, type Document } from "bson";
import { idKeyOf, type Collection } from "../../../../src/db/embedded/engine/collection";
import { encodeValue, KEY_MAX } from "../../../../src/db/embedded/engine/keys";
import { compileFilter } from "../../../../src/db/embedded/engine/matcher";
import { planQuery, type Plan } from "../../../../src/db/embedded/engine/planner";
import { queryCommitted, sortEntries } from "../../../../src/db/embedded/engine/scope";
import { sortDocuments } from "../../../../src/db/embedded/engine/sort-project";
import { DIFFERENTIAL_INDEXES, randomDoc, randomFilter, randomSort, sortKeyOf } from "../../../support/engine-planner-domain";
import { newCollection, Random } from "../../../support/engine-in-process";

const SPECS: Document[] = [
  { v: 2, key: { a: 1 }, name: "a_1" },
  { v: 2, key: { email: 1 }, name: "email_1", unique: true },
  { v: 2, key: { a: 1, b: -1 }, name: "a_1_b_-1" },
  { v: 2, key: { s: 1 }, name: "s_1", sparse: true },
  { v: 2, key: { p: 1 }, name: "p_1", partialFilterExpression: { active: true } },
  { v: 2, key: { tags: 1 }, name: "tags_1" },
];
const DOCS: Document[] = [
  { _id: 1, a: 1, b: 1, email: "x", s: 1, p: 1, active: true, tags: ["t", "u"] },
  { _id: 2, a: 2, b: 2, email: "y", tags: "t" },
];

const collection = newCollection(SPECS, DOCS);
const plan = (filter: Document | undefined, sort?: Document): Plan => planQuery(collection.indexes.values(), filter, sort);

/** The index a plan reads from with real bounds, or "none" for a collection scan or a full unbounded index walk. */
function boundedBy(p: Plan): string {
  if (p.kind === "collscan") return "none";
  return p.ranges.length === 1 && p.ranges[0][0] === "" && p.ranges[0][1] === KEY_MAX ? "none" : p.index.name;
}

/** A compact description of a plan: kind, index name, range count, ordered/reverse. */
function summary(p: Plan): string {
  if (p.kind === "collscan") return "collscan";
  return `${p.index.name} x${p.ranges.length}${p.ordered ? (p.reverse ? " ordered reverse" : " ordered") : ""}`;
}

describe("planQuery: index choice", () => {
  it("answers an equality on the unique index with one exact key", () => {
    const p = plan({ email: "x" });
    expect(summary(p)).toBe("email_1 x1 ordered");
    expect(p.kind === "ixscan" && p.ranges).toEqual([[encodeValue("x"), encodeValue("x")]]);
  });

  it("prefers the compound index when the filter pins both of its fields", () => {
    expect(summary(plan({ a: 1, b: 2 }))).toBe("a_1_b_-1 x1 ordered");
  });

  it("uses a compound index's prefix for an equality on its first field", () => {
    const p = plan({ a: 1 }, { b: -1 });
    expect(summary(p)).toBe("a_1_b_-1 x1 ordered");
    expect(p.kind === "ixscan" && p.ranges).toEqual([[encodeValue(1), encodeValue(1) + KEY_MAX]]);
  });

  it("scans one key per $in value", () => {
    const p = plan({ email: { $in: ["x", "y", "z"] } });
    expect(summary(p)).toBe("email_1 x3");
  });

  it("scans one range for $gt/$lt, bounded by the values' encodings", () => {
    const p = plan({ email: { $gte: "b", $lt: "m" } });
    expect(summary(p)).toBe("email_1 x1 ordered");
    expect(p.kind === "ixscan" && p.ranges).toEqual([[encodeValue("b"), encodeValue("m") + KEY_MAX]]);
  });

  it("closes a one-sided range at the end of the value's type class", () => {
    const p = plan({ email: { $gt: "b" } });
    expect(p.kind === "ixscan" && p.ranges[0][1] < encodeValue(1e308)).toBe(false);
    expect(p.kind === "ixscan" && p.ranges[0][1] < encodeValue({})).toBe(true);
  });

  it("takes bounds from $and", () => {
    expect(summary(plan({ $and: [{ active: true }, { email: "x" }] }))).toBe("email_1 x1 ordered");
  });

  it("uses equality on the prefix and a range on the next compound field", () => {
    const p = plan({ a: 1, b: { $gt: 0, $lte: 9 } });
    expect(summary(p)).toBe("a_1_b_-1 x1 ordered");
  });

  it("falls back to a collection scan for conditions an index cannot bound", () => {
    for (const filter of [
      { email: /x/ },
      { email: { $ne: "x" } },
      { email: { $nin: ["x"] } },
      { email: { $exists: true } },
      { email: { $not: { $eq: "x" } } },
      { tags: { $elemMatch: { $eq: "t" } } },
      { tags: ["t", "u"] },
      { email: { $gt: 1, $lt: "z" } },
      { $or: [{ email: "x" }, { email: "y" }] },
      { zzz: 1 },
    ]) {
      expect([filter, boundedBy(plan(filter))]).toEqual([filter, "none"]);
    }
  });

  it("scans the collection (counted as a collection scan) when nothing bounds the filter and there is no sort", () => {
    // Not a full walk of the _id_ index (which would also leave metrics.queryExecutor.collectionScans at 0).
    expect(summary(plan({ zzz: 1 }))).toBe("collscan");
  });
});

describe("planQuery: sorted walks", () => {
  it("walks an index forwards for its own order", () => {
    expect(summary(plan({}, { email: 1 }))).toBe("email_1 x1 ordered");
  });

  it("walks an index backwards for the opposite order", () => {
    expect(summary(plan(undefined, { email: -1 }))).toBe("email_1 x1 ordered reverse");
  });

  it("walks a compound index when the sort matches all of its directions or all reversed", () => {
    expect(summary(plan({}, { a: 1, b: -1 }))).toBe("a_1_b_-1 x1 ordered");
    expect(summary(plan({}, { a: -1, b: 1 }))).toBe("a_1_b_-1 x1 ordered reverse");
    expect(summary(plan({}, { a: 1, b: 1 }))).toBe("collscan");
  });

  it("walks the rest of a compound index after an equality prefix", () => {
    expect(summary(plan({ a: 1 }, { b: 1 }))).toBe("a_1_b_-1 x1 ordered reverse");
  });

  it("does not claim order over several $in ranges", () => {
    const p = plan({ a: { $in: [1, 2] } }, { b: -1 });
    expect(p.kind === "ixscan" && [p.ranges.length, p.ordered]).toEqual([2, false]);
  });
});

describe("planQuery: indexes that do not hold every document", () => {
  it("refuses a sparse index for equality with null (documents without the field are not in it)", () => {
    expect(boundedBy(plan({ s: null }))).toBe("none");
    expect(boundedBy(plan({ s: { $in: [1, null] } }))).toBe("none");
    expect(boundedBy(plan({ s: { $eq: null } }))).toBe("none");
    expect(summary(plan({ s: 1 }))).toBe("s_1 x1 ordered");
  });

  it("refuses a sparse index for a sorted walk", () => {
    expect(summary(plan({}, { s: 1 }))).toBe("collscan");
  });

  it("refuses a partial index, even for a filter inside its expression", () => {
    expect(boundedBy(plan({ p: 1 }))).toBe("none");
    expect(boundedBy(plan({ p: 1, active: true }))).toBe("none");
  });

  it("uses a multikey index for equality but never for an ordered walk", () => {
    expect((collection.indexes.get("tags_1") ?? { multikey: false }).multikey).toBe(true);
    expect(summary(plan({ tags: "t" }, { tags: 1 }))).toBe("tags_1 x1");
    expect(summary(plan({}, { tags: 1 }))).toBe("collscan");
  });
});

// ---- edge cases: the same query with and without an index ---------------------------------------------------------

/** The _ids a filter finds in `docs` through an index on `key`, and by a collection scan. */
function withAndWithoutIndex(key: Document, docs: Document[], filter: Document): { indexed: unknown[]; scanned: unknown[] } {
  const ids = (collection: Collection): unknown[] =>
    queryCommitted(collection, { filter })
      .entries.map((entry) => entry[1]._id)
      .sort();
  return { indexed: ids(newCollection([{ v: 2, key, name: "idx" }], docs)), scanned: ids(newCollection([], docs)) };
}

describe("index scans find what a collection scan finds", () => {
  it("does not intersect a lower and an upper bound on a multikey index (different elements may satisfy each)", () => {
    // {tags: [1, 5]} matches {$gt: 2, $lt: 4}: 5 > 2 and 1 < 4. The index range [2, 4] holds neither key.
    const result = withAndWithoutIndex(
      { tags: 1 },
      [
        { _id: 1, tags: [1, 5] },
        { _id: 2, tags: [3] },
      ],
      { tags: { $gt: 2, $lt: 4 } },
    );
    expect(result.scanned).toEqual([1, 2]);
    expect(result.indexed).toEqual(result.scanned);
  });

  it("finds the double 2^53 by an equality on Long(2^53)", () => {
    const result = withAndWithoutIndex({ n: 1 }, [{ _id: 1, n: 2 ** 53 }], { n: Long.fromBigInt(2n ** 53n) });
    expect(result.scanned).toEqual([1]);
    expect(result.indexed).toEqual(result.scanned);
  });

  it("includes strings made of U+FFFF characters in an open-ended string range", () => {
    // The range's upper bound is typeBracket(...).high + KEY_MAX = "\u0004" + 3 x U+FFFF, below this string's key.
    const result = withAndWithoutIndex(
      { s: 1 },
      [
        { _id: 1, s: "\uffff\uffff\uffff" },
        { _id: 2, s: "b" },
      ],
      { s: { $gte: "a" } },
    );
    expect(result.scanned).toEqual([1, 2]);
    expect(result.indexed).toEqual(result.scanned);
  });

  it("finds the same documents for ranges on a non-multikey index", () => {
    const docs = [-2, 0, 1.5, 2, Long.fromNumber(3), 4, "2", null].map((n, i) => ({ _id: i, n }));
    for (const filter of [{ n: { $gt: 0 } }, { n: { $gte: 2, $lt: 4 } }, { n: { $lte: 1.5 } }, { n: { $in: [2, 4, null] } }]) {
      const result = withAndWithoutIndex({ n: -1 }, docs, filter);
      expect([filter, result.indexed]).toEqual([filter, result.scanned]);
    }
  });
});

// ---- differential: planned query == brute-force filter + sort ----------------------------------------------------

interface Case {
  filter: Document;
  sort: Document | undefined;
  limit: number | undefined;
}

/** What CommittedScope.query + find's slicing return for a case. */
function viaPlanner(collection: Collection, { filter, sort, limit }: Case): Document[] {
  const { entries, sorted } = queryCommitted(collection, { filter, sort, stopAfter: limit });
  const ordered = sorted ? entries : sortEntries(entries, sort);
  return ordered.slice(0, limit).map((entry) => entry[1]);
}

/** Describes how the planned answer differs from the brute-force one, or undefined when it is a valid answer. */
function difference(collection: Collection, testCase: Case): string | undefined {
  const { filter, sort, limit } = testCase;
  const expected = sortDocuments([...collection.docs.values()].filter(compileFilter(filter)), sort);
  const got = viaPlanner(collection, testCase);
  const ids = (docs: Document[]): string[] => docs.map((doc) => idKeyOf(doc));
  const wanted = new Set(ids(expected));
  const gotIds = ids(got);
  const problems: string[] = [];
  if (new Set(gotIds).size !== gotIds.length) problems.push("duplicates");
  if (gotIds.some((id) => !wanted.has(id)))
    problems.push(`non-matching documents ${inspect(got.filter((doc) => !wanted.has(idKeyOf(doc))).slice(0, 2))}`);
  const count = limit === undefined ? expected.length : Math.min(limit, expected.length);
  if (got.length !== count) {
    const gotSet = new Set(gotIds);
    problems.push(
      `${got.length} documents instead of ${count}; missing e.g. ${inspect(expected.filter((doc) => !gotSet.has(idKeyOf(doc))).slice(0, 2))}`,
    );
  }
  const keys = (docs: Document[]): string[] => docs.map((doc) => sortKeyOf(doc, sort));
  if (sort && JSON.stringify(keys(got)) !== JSON.stringify(keys(expected).slice(0, count))) problems.push("wrong order");
  if (problems.length === 0) return undefined;
  const p = planQuery(collection.indexes.values(), filter, sort);
  const planned =
    p.kind === "collscan" ? "collscan" : `${p.index.name} ordered=${p.ordered} reverse=${p.reverse} ranges=${p.ranges.length}`;
  return `${inspect({ filter, sort, limit }, { depth: 5, breakLength: Infinity })} [${planned}]: ${problems.join("; ")}`;
}

function randomCases(rng: Random, count: number): Case[] {
  return Array.from({ length: count }, () => ({
    filter: randomFilter(rng),
    sort: randomSort(rng),
    limit: rng.chance(0.4) ? 1 + rng.int(8) : undefined,
  }));
}

/** Runs the cases; returns the first few differences and how many cases used an index (bounded or ordered). */
function runCases(collection: Collection, cases: Case[]): { failures: string[]; indexed: number; orderedWalks: number } {
  const failures: string[] = [];
  let indexed = 0;
  let orderedWalks = 0;
  for (const testCase of cases) {
    const p = planQuery(collection.indexes.values(), testCase.filter, testCase.sort);
    if (p.kind === "ixscan" && boundedBy(p) !== "none") indexed++;
    if (p.kind === "ixscan" && p.ordered && testCase.sort) orderedWalks++;
    const problem = difference(collection, testCase);
    if (problem && failures.length < 5) failures.push(problem);
  }
  return { failures, indexed, orderedWalks };
}

describe("differential: planned queries return what a brute-force filter + sort returns", () => {
  const rng = new Random(20240607);
  const unique = { next: 0 };
  const collection = newCollection(
    DIFFERENTIAL_INDEXES,
    Array.from({ length: 300 }, (_, id) => randomDoc(rng, id, unique)),
  );

  it("agrees on 1200 random filters, sorts and limits over 300 random documents (seeded)", () => {
    const { failures, indexed, orderedWalks } = runCases(collection, randomCases(rng, 1200));
    expect(failures).toEqual([]);
    // The comparison is only worth something if the planner really used its indexes.
    expect(indexed).toBeGreaterThan(300);
    expect(orderedWalks).toBeGreaterThan(80);
  });

  it("still agrees after 300 random rewrites, deletions and insertions (index maintenance)", () => {
    for (let step = 0; step < 300; step++) {
      const id = rng.int(340);
      const key = idKeyOf({ _id: id });
      try {
        collection.write(key, rng.chance(0.2) ? null : randomDoc(rng, id, unique));
      } catch {
        // A unique clash leaves the collection unchanged (tested in index-store.test.ts).
      }
    }
    const { failures } = runCases(collection, randomCases(rng, 1200));
    expect(failures).toEqual([]);
  });
});
