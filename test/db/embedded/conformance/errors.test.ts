// Error codes the driver and mongoose act on, and index DDL (createIndexes, listIndexes, syncIndexes).
import { MongoBulkWriteError, type Collection, type Document } from "mongodb";
import mongoose from "mongoose";
import { serverError, startTarget, type Target } from "../../../support/engine-target";

let t: Target;
let coll: Collection<Document>;

beforeAll(async () => {
  t = await startTarget("errors");
});
afterAll(async () => {
  await t?.stop();
});
beforeEach(async () => {
  coll = t.db().collection(`c_${expect.getState().currentTestName?.replace(/\W+/g, "_").slice(0, 40)}`);
  await coll.deleteMany({});
});

describe("command and write errors", () => {
  test("an unknown command gives 59 CommandNotFound and the connection keeps working", async () => {
    const error = await serverError(t.db().command({ noSuchCmd: 1 }));
    expect(error).toMatchObject({ code: 59, codeName: "CommandNotFound" });
    expect(error.ok).toBe(0);
    expect(await t.db().command({ ping: 1 })).toMatchObject({ ok: 1 });
  });

  test("$inc on a string field gives 14 TypeMismatch and changes nothing", async () => {
    await coll.insertOne({ _id: 1 as never, s: "text", n: 1 });
    const error = await serverError(coll.updateOne({ _id: 1 as never }, { $inc: { s: 1, n: 1 } }));
    expect(error.code).toBe(14);
    expect(await coll.findOne({ _id: 1 as never })).toMatchObject({ s: "text", n: 1 });
    // As a command error (findAndModify) the codeName is there too.
    expect(await serverError(coll.findOneAndUpdate({ _id: 1 as never }, { $inc: { s: 1 } }))).toMatchObject({
      code: 14,
      codeName: "TypeMismatch",
    });
  });

  test("modifying _id gives 66 ImmutableField", async () => {
    await coll.insertOne({ _id: 1 as never, a: 1 });
    expect((await serverError(coll.updateOne({ _id: 1 as never }, { $set: { _id: 2 as never } }))).code).toBe(66);
    expect(await serverError(coll.findOneAndUpdate({ _id: 1 as never }, { $set: { _id: 2 as never } }))).toMatchObject({
      code: 66,
      codeName: "ImmutableField",
    });
    expect(await serverError(coll.replaceOne({ _id: 1 as never }, { _id: 3, a: 2 }))).toMatchObject({ code: 66 });
    expect(await coll.countDocuments({ _id: 1 as never, a: 1 })).toBe(1);
  });

  test("conflicting update paths give 40 ConflictingUpdateOperators", async () => {
    await coll.insertOne({ _id: 1 as never, a: { b: 1 } });
    expect((await serverError(coll.updateOne({ _id: 1 as never }, { $set: { a: 1 }, $inc: { a: 1 } }))).code).toBe(40);
    expect((await serverError(coll.updateOne({ _id: 1 as never }, { $set: { "a.b": 2, a: { c: 1 } } }))).code).toBe(40);
    expect(await serverError(coll.findOneAndUpdate({ _id: 1 as never }, { $set: { a: 1 }, $unset: { a: "" } }))).toMatchObject({
      code: 40,
      codeName: "ConflictingUpdateOperators",
    });
    expect(await coll.findOne({ _id: 1 as never })).toMatchObject({ a: { b: 1 } });
  });

  test("driver insertMany: writeErrors carry code, index, keyPattern and keyValue; insertedCount is exact", async () => {
    await coll.createIndex({ k: 1 }, { unique: true });
    const docs = [{ k: 1 }, { k: 2 }, { k: 1 }, { k: 3 }, { k: 2 }];
    const error: unknown = await coll.insertMany(docs, { ordered: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MongoBulkWriteError);
    const bulk = error as MongoBulkWriteError;
    const writeErrors = Array.isArray(bulk.writeErrors) ? bulk.writeErrors : [bulk.writeErrors];
    expect(writeErrors.map((w) => [w.index, w.code])).toEqual([
      [2, 11000],
      [4, 11000],
    ]);
    // The driver keeps only index/code/errmsg/errInfo, so read keyPattern/keyValue from the raw reply.
    const reply = t.succeeded.filter((e) => e.commandName === "insert" && (e.reply as Document).writeErrors).at(-1)?.reply as Document;
    expect((reply.writeErrors as Document[]).map((w) => [w.index, w.code, w.keyPattern, w.keyValue])).toEqual([
      [2, 11000, { k: 1 }, { k: 1 }],
      [4, 11000, { k: 1 }, { k: 2 }],
    ]);
    expect(bulk.result.insertedCount).toBe(3);
    expect(await coll.countDocuments()).toBe(3);
  });
});

describe("index DDL", () => {
  test("a unique index over existing duplicates fails with 11000 and is not created", async () => {
    await coll.insertMany([{ e: "a" }, { e: "b" }, { e: "a" }]);
    const error = await serverError(coll.createIndex({ e: 1 }, { unique: true }));
    expect(error).toMatchObject({ code: 11000, codeName: "DuplicateKey" });
    expect((await coll.listIndexes().toArray()).map((i) => i.name).sort()).toEqual(["_id_"]);
    // Without the duplicate the same index builds, and then enforces uniqueness.
    await coll.deleteOne({ e: "a" });
    await coll.createIndex({ e: 1 }, { unique: true });
    expect(await serverError(coll.insertOne({ e: "a" }))).toMatchObject({ code: 11000, keyPattern: { e: 1 }, keyValue: { e: "a" } });
  });

  test("name and key conflicts: same name other key 86, same name other options 85, same key other name 85", async () => {
    await coll.createIndex({ a: 1 }, { name: "x" });
    expect(await serverError(coll.createIndex({ b: 1 }, { name: "x" }))).toMatchObject({ code: 86, codeName: "IndexKeySpecsConflict" });
    expect(await serverError(coll.createIndex({ a: 1 }, { name: "x", unique: true }))).toMatchObject({
      code: 85,
      codeName: "IndexOptionsConflict",
    });
    expect(await serverError(coll.createIndex({ a: 1 }, { name: "y" }))).toMatchObject({ code: 85, codeName: "IndexOptionsConflict" });
    // The identical request is a no-op, not an error.
    expect(await coll.createIndex({ a: 1 }, { name: "x" })).toBe("x");
    expect((await coll.listIndexes().toArray()).map((i) => i.name).sort()).toEqual(["_id_", "x"]);
  });

  test("listIndexes on a missing collection gives 26 NamespaceNotFound", async () => {
    const error = await serverError(t.db().collection("does_not_exist").listIndexes().toArray());
    expect(error).toMatchObject({ code: 26, codeName: "NamespaceNotFound" });
  });

  test("dropIndex: by name and by key; a missing index gives 27 IndexNotFound", async () => {
    await coll.createIndexes([{ key: { a: 1 } }, { key: { b: -1 } }, { key: { c: 1 } }]);
    await coll.dropIndex("a_1");
    await t.db().command({ dropIndexes: coll.collectionName, index: { b: -1 } });
    expect(await serverError(coll.dropIndex("a_1"))).toMatchObject({ code: 27, codeName: "IndexNotFound" });
    expect((await coll.listIndexes().toArray()).map((i) => i.name).sort()).toEqual(["_id_", "c_1"]);
  });

  test("createCollection twice gives 48 NamespaceExists", async () => {
    await t.db().createCollection("created_once");
    expect(await serverError(t.db().createCollection("created_once"))).toMatchObject({ code: 48, codeName: "NamespaceExists" });
  });

  test("mongoose syncIndexes drops an index no longer in the schema and creates the new ones", async () => {
    const name = "syncs";
    await t
      .db()
      .collection(name)
      .createIndexes([
        { key: { legacy: 1 }, name: "legacy_1" },
        { key: { email: 1 }, name: "email_1", unique: true },
      ]);
    const schema = new mongoose.Schema(
      { email: { type: String, unique: true }, tag: { type: String, index: true } },
      { collection: name, autoIndex: false },
    );
    const Model = t.connection.model("Sync", schema);
    const dropped = await Model.syncIndexes();
    expect(dropped).toEqual(["legacy_1"]);
    const indexes = await t.db().collection(name).listIndexes().toArray();
    expect(indexes.map((i) => i.name).sort()).toEqual(["_id_", "email_1", "tag_1"]);
    expect(indexes.find((i) => i.name === "email_1")?.unique).toBe(true);
    expect(await Model.syncIndexes()).toEqual([]);
  });
});
