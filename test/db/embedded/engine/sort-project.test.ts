import type { Document } from "bson";
import { sortDocuments } from "../../../../src/db/embedded/engine/sort-project";

const ids = (docs: Document[]): unknown[] => docs.map((doc) => doc._id);

describe("sortDocuments", () => {
  it("sorts by a dotted path, missing and null first, arrays by their smallest (asc) or largest (desc) element", () => {
    const docs = [
      { _id: 1, e: { f: 2 } },
      { _id: 2 },
      { _id: 3, e: { f: [0, 9] } },
      { _id: 4, e: { f: null } },
      { _id: 5, e: [{ f: 5 }, { f: 1 }] },
    ];
    expect(ids(sortDocuments(docs, { "e.f": 1 }))).toEqual([2, 4, 3, 5, 1]);
    expect(ids(sortDocuments(docs, { "e.f": -1 }))).toEqual([3, 5, 1, 2, 4]);
  });

  it("gives the same order whatever the input order when the path crosses an array of scalars or an empty array", () => {
    // {e: [1, 2]} and {e: []} yield no value at "e.f"; today their sort key is undefined and the comparator is
    // inconsistent, so where they land depends on the input order. MongoDB sorts them as null (before numbers).
    const docs = [
      { _id: 1, e: [1, 2] },
      { _id: 2, e: { f: 1 } },
      { _id: 3, e: [] },
      { _id: 4, e: { f: 0 } },
    ];
    const forwards = ids(sortDocuments(docs, { "e.f": 1 }));
    const backwards = ids(sortDocuments([...docs].reverse(), { "e.f": 1 }));
    expect(forwards.slice(2)).toEqual([4, 2]);
    expect(backwards.slice(2)).toEqual([4, 2]);
  });

  it("keeps the input order of ties (stable) and rejects a bad direction", () => {
    const docs = [
      { _id: 1, a: 1 },
      { _id: 2, a: 1 },
      { _id: 3, a: 0 },
    ];
    expect(ids(sortDocuments(docs, { a: 1 }))).toEqual([3, 1, 2]);
    expect(() => sortDocuments(docs, { a: 2 })).toThrow(/must be 1/);
  });
});
