// Engine-only regex checks: no user pattern ever runs on V8's backtracking matcher (so a catastrophic pattern
// cannot stall the engine), what RE2 cannot run is refused with mongod's code and a message naming the feature,
// and compiled patterns are cached within a bound.
import { MongoClient, MongoServerError, type Collection, type Document } from "mongodb";
import { startEmbeddedMongo, type EmbeddedMongo } from "../../../../src/db/embedded";
import { compileRegex, regexCacheSize } from "../../../../src/db/embedded/engine/regex.compile";

let engine: EmbeddedMongo;
let client: MongoClient;
let coll: Collection<Document>;

// Catastrophic for a backtracking matcher: every way of splitting the a's is tried before failing on the "!".
const CATASTROPHIC = "^(a+)+$";
const EVIL_INPUT = `${"a".repeat(22)}!`;

beforeAll(async () => {
  engine = await startEmbeddedMongo({ port: 0 });
  client = await new MongoClient(engine.uri, { serverSelectionTimeoutMS: 5000 }).connect();
  coll = client.db("re").collection("c");
  await coll.insertMany([
    { _id: 1 as never, s: EVIL_INPUT, list: [EVIL_INPUT, "x"] },
    { _id: 2 as never, s: "aaaa", list: ["aaaa"] },
  ]);
});
afterAll(async () => {
  await client?.close();
  await engine?.stop();
});

async function failure(promise: Promise<unknown>): Promise<MongoServerError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MongoServerError) return error;
    throw error;
  }
  throw new Error("expected a server error");
}

describe("RE2 matching", () => {
  test("a catastrophic pattern is answered through every query path without V8's RegExp running it", async () => {
    const exec = jest.spyOn(RegExp.prototype, "exec");
    try {
      const ids = async (filter: Document): Promise<unknown[]> =>
        (await coll.find(filter, { sort: { _id: 1 } }).toArray()).map((d) => d._id);
      expect(await ids({ s: { $regex: CATASTROPHIC } })).toEqual([2]); // native matcher
      expect(await ids({ list: { $regex: CATASTROPHIC } })).toEqual([2]); // array field: mingo
      expect(await ids({ s: { $in: [new RegExp(CATASTROPHIC), "zzz"] } })).toEqual([2]);
      expect(await ids({ $or: [{ s: { $not: new RegExp(CATASTROPHIC) } }, { list: { $elemMatch: { $regex: CATASTROPHIC } } }] })).toEqual([
        1, 2,
      ]);
      const later = await coll.aggregate([{ $sort: { _id: 1 } }, { $match: { s: new RegExp(CATASTROPHIC) } }]).toArray();
      expect(later.map((d) => d._id)).toEqual([2]);
      const expr = await coll
        .aggregate([{ $sort: { _id: 1 } }, { $project: { m: { $regexMatch: { input: "$s", regex: CATASTROPHIC } } } }])
        .toArray();
      expect(expr.map((d) => d.m)).toEqual([false, true]);
      expect((await coll.updateMany({ s: new RegExp(CATASTROPHIC) }, { $set: { hit: true } })).modifiedCount).toBe(1);
      const runs = exec.mock.contexts.filter((re) => (re as RegExp).source.includes("(a+)+"));
      expect(runs).toHaveLength(0);
    } finally {
      exec.mockRestore();
    }
  });

  test.each([
    ["(a)\\1", "backreferences"],
    ["a(?=b)", "lookahead assertions"],
    ["a(?!b)", "lookahead assertions"],
    ["(?<=a)b", "lookbehind assertions"],
    ["a++", "possessive quantifiers"],
    ["(?>a)", "atomic groups"],
  ])("%s is refused with 51091, naming RE2 and %s", async (pattern, feature) => {
    const error = await failure(coll.find({ s: { $regex: pattern } }).toArray());
    expect(error).toMatchObject({ code: 51091, codeName: "Location51091" });
    expect(error.message).toContain("Regular expression is invalid");
    expect(error.message).toContain("RE2");
    expect(error.message).toContain(feature);
  });

  test("an aggregation expression with an unsupported pattern is refused with 51111, naming the feature", async () => {
    const error = await failure(coll.aggregate([{ $project: { m: { $regexMatch: { input: "$s", regex: "(a)\\1" } } } }]).toArray());
    expect(error.code).toBe(51111);
    expect(error.message).toContain("backreferences");
  });

  test("the compiled-pattern cache stays bounded and reuses entries", () => {
    const first = compileRegex("^cache-probe$", "i");
    expect(compileRegex("^cache-probe$", "i")).toBe(first);
    for (let i = 0; i < 1500; i++) compileRegex(`^p${i}$`, "");
    expect(regexCacheSize()).toBeLessThanOrEqual(1000);
    expect(compileRegex("^cache-probe$", "i")).not.toBe(first); // evicted long ago, compiled anew
  });
});
