// Regular expressions in queries, updates and aggregation: mongod's options (i, m, s, x), its syntax (inline flags),
// its error codes, and regexes inside $in/$nin/$all/$not/$elemMatch/$pull. The embedded engine matches with RE2;
// what RE2 cannot run (backreferences, lookaround) is in the divergence register and in engine/regex.test.ts.
import { BSONRegExp, type Collection, type Document } from "mongodb";
import { serverError, startTarget, type Target } from "../../../support/engine-target";

let t: Target;
let people: Collection<Document>;

beforeAll(async () => {
  t = await startTarget("regex");
  people = t.db().collection("people");
  await people.insertMany([
    { _id: 1 as never, name: "alice", bio: "line one\nline two", tags: ["admin", "ops"] },
    { _id: 2 as never, name: "Bob", bio: "builder", tags: ["dev"] },
    { _id: 3 as never, name: "carol", bio: "a\nb", tags: ["dev", "ops"] },
  ]);
});
afterAll(async () => {
  await t?.stop();
});

const ids = async (filter: Document): Promise<unknown[]> => (await people.find(filter, { sort: { _id: 1 } }).toArray()).map((d) => d._id);

describe("options", () => {
  test("x ignores whitespace and # comments in the pattern, given as $options or as a BSON regex flag", async () => {
    expect(await ids({ name: { $regex: "^ a l i # a comment\n ce $", $options: "x" } })).toEqual([1]);
    expect(await ids({ name: new BSONRegExp("^ c a r o l $", "x") })).toEqual([3]);
  });

  test("s lets . match a newline; without it . stops at the newline", async () => {
    expect(await ids({ bio: new BSONRegExp("^a.b$", "s") })).toEqual([3]);
    expect(await ids({ bio: new BSONRegExp("^a.b$", "") })).toEqual([]);
  });

  test("m anchors ^ and $ at line boundaries; i folds case", async () => {
    expect(await ids({ bio: { $regex: "^line two$", $options: "m" } })).toEqual([1]);
    expect(await ids({ bio: { $regex: "^line two$" } })).toEqual([]);
    expect(await ids({ name: { $regex: "^bob$", $options: "i" } })).toEqual([2]);
  });

  test("an inline (?i) flag in the pattern works", async () => {
    expect(await ids({ name: { $regex: "(?i)^BOB$" } })).toEqual([2]);
  });

  test("an unknown option is refused with 51108", async () => {
    const error = await serverError(people.find({ name: { $regex: "a", $options: "g" } }).toArray());
    expect(error.code).toBe(51108);
  });

  test("options both in the regex and in $options are refused with 51075", async () => {
    const error = await serverError(people.find({ name: { $regex: new BSONRegExp("a", "i"), $options: "m" } }).toArray());
    expect(error.code).toBe(51075);
  });

  test("an invalid pattern is refused with 51091", async () => {
    const error = await serverError(people.find({ name: { $regex: "[)" } }).toArray());
    expect(error).toMatchObject({ code: 51091, codeName: "Location51091" });
    expect(error.message).toMatch(/^Regular expression is invalid/);
  });
});

describe("regexes inside other operators", () => {
  test("$in and $nin mix regexes and values", async () => {
    expect(await ids({ name: { $in: [/^AL/i, "carol"] } })).toEqual([1, 3]);
    expect(await ids({ name: { $nin: [/^al/, "Bob"] } })).toEqual([3]);
  });

  test("$all with regexes needs every one to match an element", async () => {
    expect(await ids({ tags: { $all: [/^ad/, /^op/] } })).toEqual([1]);
    expect(await ids({ tags: { $all: [/^de/, "ops"] } })).toEqual([3]);
  });

  test("$not with a regex, and $elemMatch with $regex", async () => {
    expect(await ids({ name: { $not: /^[ab]/i } })).toEqual([3]);
    expect(await ids({ tags: { $elemMatch: { $regex: "^OP", $options: "i" } } })).toEqual([1, 3]);
  });

  test("a regex on an array field matches any element; countDocuments and distinct use the same matcher", async () => {
    expect(await ids({ tags: /^dev$/ })).toEqual([2, 3]);
    expect(await people.countDocuments({ tags: /^o/ })).toBe(2);
    expect((await people.distinct("name", { bio: /\n/ })).sort()).toEqual(["alice", "carol"]);
  });

  test("$pull with a regex removes the matching strings", async () => {
    const c = t.db().collection<{ _id: number; tags: string[] }>("pull");
    await c.insertOne({ _id: 1, tags: ["x1", "y", "x2"] });
    await c.updateOne({ _id: 1 }, { $pull: { tags: /^x/ } });
    expect((await c.findOne({ _id: 1 }))?.tags).toEqual(["y"]);
  });

  test("updateMany and deleteMany select by regex", async () => {
    const c = t.db().collection("writes");
    await c.insertMany([{ k: "keep" }, { k: "drop-1" }, { k: "drop-2" }]);
    expect((await c.updateMany({ k: /^drop-/ }, { $set: { flagged: true } })).modifiedCount).toBe(2);
    expect((await c.deleteMany({ k: { $regex: "^DROP", $options: "i" } })).deletedCount).toBe(2);
    expect(await c.countDocuments()).toBe(1);
  });
});

describe("aggregation", () => {
  test("$match with a regex after another stage", async () => {
    const rows = await people
      .aggregate([{ $project: { name: 1 } }, { $match: { name: /^(alice|carol)$/ } }, { $sort: { _id: 1 } }])
      .toArray();
    expect(rows.map((r) => r._id)).toEqual([1, 3]);
  });

  test("$regexMatch, and $regexFind whose idx counts code points", async () => {
    const c = t.db().collection("expr");
    await c.insertOne({ _id: 1 as never, s: "😀ab", t: "x1y22" });
    const [row] = await c
      .aggregate([
        {
          $project: {
            matched: { $regexMatch: { input: "$s", regex: /A/i } },
            found: { $regexFind: { input: "$s", regex: "b" } },
            all: { $regexFindAll: { input: "$t", regex: /(\d)(z)?/ } },
            none: { $regexFind: { input: "$missing", regex: "b" } },
          },
        },
      ])
      .toArray();
    expect(row.matched).toBe(true);
    expect(row.found).toEqual({ match: "b", idx: 2, captures: [] });
    expect(row.all).toEqual([
      { match: "1", idx: 1, captures: ["1", null] },
      { match: "2", idx: 3, captures: ["2", null] },
      { match: "2", idx: 4, captures: ["2", null] },
    ]);
    expect(row.none).toBeNull();
  });

  test("$regexMatch with an invalid pattern is refused with 51111", async () => {
    const error = await serverError(people.aggregate([{ $project: { m: { $regexMatch: { input: "$name", regex: "[a-" } } } }]).toArray());
    expect(error.code).toBe(51111);
  });
});
