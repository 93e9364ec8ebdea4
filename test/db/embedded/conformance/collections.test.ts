// Collection-level commands and options: listCollections, renameCollection, drop, and options that change
// behaviour (capped, validator, views, hint). An option the engine cannot honour must be refused with an
// error, never accepted and silently ignored.
import { MongoServerError, type Document } from "mongodb";
import { serverError, startTarget, type Target } from "../../../support/engine-target";

let t: Target;

beforeAll(async () => {
  t = await startTarget("collections");
});
afterAll(async () => {
  await t?.stop();
});

/** Runs `setup`; if the server refuses it, the test passes (a clear refusal is allowed), else runs `check`. */
async function honouredOrRefused(setup: () => Promise<unknown>, check: () => Promise<void>): Promise<void> {
  try {
    await setup();
  } catch (error) {
    expect(error).toBeInstanceOf(MongoServerError);
    expect(typeof (error as MongoServerError).code).toBe("number");
    return;
  }
  await check();
}

describe("collections", () => {
  test("listCollections, renameCollection and drop", async () => {
    const db = t.db();
    await db.collection("first").insertOne({ a: 1 });
    await db.createCollection("second");
    expect((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort()).toEqual(["first", "second"]);
    await db.renameCollection("first", "renamed");
    expect(await db.collection("renamed").countDocuments()).toBe(1);
    expect(await serverError(db.renameCollection("renamed", "second"))).toMatchObject({ code: 48, codeName: "NamespaceExists" });
    await db.renameCollection("renamed", "second", { dropTarget: true });
    expect(await db.collection("second").countDocuments()).toBe(1);
    expect(await serverError(db.renameCollection("missing", "other"))).toMatchObject({ code: 26, codeName: "NamespaceNotFound" });
    expect(await db.collection("second").drop()).toBe(true);
    expect(await db.listCollections({ name: "second" }).toArray()).toEqual([]);
  });

  test("indexes move with a renamed collection and keep enforcing uniqueness", async () => {
    const db = t.db();
    await db.collection("before").createIndex({ u: 1 }, { unique: true });
    await db.collection("before").insertOne({ u: 1 });
    await db.renameCollection("before", "after");
    expect(await serverError(db.collection("after").insertOne({ u: 1 }))).toMatchObject({ code: 11000 });
  });

  test("a capped collection keeps only its newest documents, or capped is refused", async () => {
    const db = t.db();
    await honouredOrRefused(
      () => db.createCollection("capped", { capped: true, size: 4096, max: 2 }),
      async () => {
        await db.collection("capped").insertMany([{ i: 1 }, { i: 2 }, { i: 3 }]);
        expect((await db.collection("capped").find().toArray()).map((d) => d.i).sort()).toEqual([2, 3]);
      },
    );
  });

  test("a $jsonSchema validator rejects invalid documents with 121, or validators are refused", async () => {
    const db = t.db();
    await honouredOrRefused(
      () => db.createCollection("validated", { validator: { $jsonSchema: { required: ["email"] } } }),
      async () => {
        expect(await serverError(db.collection("validated").insertOne({ name: "no email" }))).toMatchObject({ code: 121 });
        expect(await db.collection("validated").countDocuments()).toBe(0);
      },
    );
  });

  test("a view returns its pipeline's output over the source, or views are refused", async () => {
    const db = t.db();
    await db.collection("source").insertMany([
      { a: 1, k: "x" },
      { a: 2, k: "y" },
      { a: 1, k: "z" },
    ]);
    await honouredOrRefused(
      () => db.createCollection("ones", { viewOn: "source", pipeline: [{ $match: { a: 1 } }] }),
      async () => {
        expect((await db.collection("ones").find().toArray()).map((d: Document) => d.k).sort()).toEqual(["x", "z"]);
      },
    );
  });

  test("a hint naming a missing index is an error (2 BadValue), not ignored", async () => {
    const c = t.db().collection("hinted");
    await c.insertMany([{ a: 1 }, { a: 2 }]);
    await c.createIndex({ a: 1 });
    expect(await c.find({ a: 1 }).hint({ a: 1 }).toArray()).toHaveLength(1);
    expect(await c.find({ a: 1 }).hint("a_1").toArray()).toHaveLength(1);
    expect(await serverError(c.find({ a: 1 }).hint({ nope: 1 }).toArray())).toMatchObject({ code: 2, codeName: "BadValue" });
  });
});
