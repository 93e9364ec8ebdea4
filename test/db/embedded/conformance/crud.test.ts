// CRUD through mongoose: duplicate keys, upserts, update operators, deletes, bulkWrite, exists, populate.
import { getModelForClass, modelOptions, prop, type Ref } from "@typegoose/typegoose";
import { MongoBulkWriteError, MongoServerError } from "mongodb";
import mongoose from "mongoose";
import { serverError, startTarget, type Target } from "../../../support/engine-target";

let t: Target;

interface User {
  email: string;
  name?: string;
  hits?: number;
  createdBy?: string;
}
const userSchema = new mongoose.Schema<User>({
  email: { type: String, required: true, unique: true },
  name: String,
  hits: { type: Number, default: 0 },
  createdBy: String,
});
let Users: mongoose.Model<User>;

beforeAll(async () => {
  t = await startTarget("crud");
  Users = t.connection.model<User>("User", userSchema);
  await Users.init();
});
afterAll(async () => {
  await t?.stop();
});
beforeEach(async () => {
  await Users.deleteMany({});
});

/** mongoose re-wraps the driver's write errors of insertMany as `{ index, err: rawWriteError }`. */
interface MongooseWriteError {
  index: number;
  err: { code: number; index: number; errmsg: string };
}
function mongooseWriteErrors(error: MongoBulkWriteError): MongooseWriteError[] {
  const list: unknown = error.writeErrors;
  return (Array.isArray(list) ? list : [list]) as MongooseWriteError[];
}

describe("duplicate keys", () => {
  test("create and save report 11000 with keyPattern and keyValue", async () => {
    await Users.create({ email: "a@x.io" });
    const error = await serverError(Users.create({ email: "a@x.io", name: "again" }));
    expect(error.code).toBe(11000);
    expect(error.keyPattern).toEqual({ email: 1 });
    expect(error.keyValue).toEqual({ email: "a@x.io" });
    const saved = await serverError(new Users({ email: "a@x.io" }).save());
    expect(saved.code).toBe(11000);
    expect(await Users.countDocuments()).toBe(1);
  });

  test("ordered insertMany stops at the duplicate: MongoBulkWriteError with writeErrors", async () => {
    await Users.create({ email: "dup@x.io" });
    const docs = [{ email: "a@x.io" }, { email: "b@x.io" }, { email: "dup@x.io" }, { email: "c@x.io" }];
    const error: unknown = await Users.insertMany(docs).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MongoBulkWriteError);
    const bulk = error as MongoBulkWriteError;
    expect(bulk.code).toBe(11000);
    expect(mongooseWriteErrors(bulk).map((w) => [w.index, w.err.code])).toEqual([[2, 11000]]);
    expect(bulk.result.insertedCount).toBe(2);
    expect((await Users.find({}, { email: 1 }).lean()).map((u) => u.email).sort()).toEqual(["a@x.io", "b@x.io", "dup@x.io"]);
  });

  test("unordered insertMany inserts the others and lists insertedDocs", async () => {
    await Users.create({ email: "dup@x.io" });
    const docs = [{ email: "a@x.io" }, { email: "dup@x.io" }, { email: "b@x.io" }, { email: "dup@x.io" }, { email: "c@x.io" }];
    const error: unknown = await Users.insertMany(docs, { ordered: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MongoBulkWriteError);
    const bulk = error as MongoBulkWriteError & { insertedDocs?: Array<{ email: string }> };
    expect(
      mongooseWriteErrors(bulk)
        .map((w) => [w.index, w.err.code])
        .sort(),
    ).toEqual([
      [1, 11000],
      [3, 11000],
    ]);
    expect(bulk.result.insertedCount).toBe(3);
    expect(bulk.insertedDocs?.map((d) => d.email).sort()).toEqual(["a@x.io", "b@x.io", "c@x.io"]);
    expect(await Users.countDocuments()).toBe(4);
  });

  test("findOneAndUpdate: an upsert or an update colliding with a unique key gives 11000 with keyPattern/keyValue", async () => {
    await Users.create({ email: "taken@x.io", name: "owner" });
    const upsert = await serverError(
      Users.findOneAndUpdate({ name: "newcomer" }, { $set: { email: "taken@x.io" } }, { upsert: true, returnDocument: "after" }),
    );
    expect(upsert).toMatchObject({ code: 11000, codeName: "DuplicateKey", keyPattern: { email: 1 }, keyValue: { email: "taken@x.io" } });
    await Users.create({ email: "other@x.io" });
    const update = await serverError(Users.findOneAndUpdate({ email: "other@x.io" }, { $set: { email: "taken@x.io" } }));
    expect(update).toMatchObject({ code: 11000, keyPattern: { email: 1 }, keyValue: { email: "taken@x.io" } });
    expect(await Users.countDocuments({ email: "taken@x.io" })).toBe(1);
    expect(await Users.countDocuments()).toBe(2);
  });

  test("updateOne to a duplicate key is a MongoServerError 11000", async () => {
    await Users.create([{ email: "a@x.io" }, { email: "b@x.io" }]);
    const error = await serverError(Users.updateOne({ email: "b@x.io" }, { $set: { email: "a@x.io" } }));
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 11000, keyValue: { email: "a@x.io" } });
  });
});

describe("upserts", () => {
  test("$setOnInsert applies on the insert only; the second upsert matches and increments", async () => {
    const first = await Users.updateOne({ email: "u@x.io" }, { $setOnInsert: { createdBy: "first" }, $inc: { hits: 1 } }, { upsert: true });
    expect(first).toMatchObject({ upsertedCount: 1, matchedCount: 0 });
    expect(first.upsertedId).toBeInstanceOf(mongoose.Types.ObjectId);
    const second = await Users.updateOne(
      { email: "u@x.io" },
      { $setOnInsert: { createdBy: "second" }, $inc: { hits: 1 } },
      { upsert: true },
    );
    expect(second).toMatchObject({ upsertedCount: 0, matchedCount: 1, modifiedCount: 1 });
    const docs = await Users.find({ email: "u@x.io" }).lean();
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ email: "u@x.io", createdBy: "first", hits: 2 });
    expect(String(docs[0]._id)).toBe(String(first.upsertedId));
  });

  test("findOneAndUpdate upsert seeds the document from the query's equality fields", async () => {
    const created = await Users.findOneAndUpdate(
      { email: "seed@x.io", name: { $eq: "Seed" }, hits: { $gt: 5 } },
      { $setOnInsert: { createdBy: "upsert" } },
      { upsert: true, returnDocument: "after" },
    ).lean();
    expect(created).toMatchObject({ email: "seed@x.io", name: "Seed", createdBy: "upsert" });
    expect(created?.hits).toBe(0); // not seeded from $gt; mongoose's default applies on insert
    const again = await Users.findOneAndUpdate(
      { email: "seed@x.io" },
      { $setOnInsert: { createdBy: "x" } },
      { upsert: true, returnDocument: "after" },
    ).lean();
    expect(again?.createdBy).toBe("upsert");
    expect(await Users.countDocuments()).toBe(1);
  });
});

interface Item {
  sku: string;
  qty: number;
}
const cartSchema = new mongoose.Schema({
  owner: String,
  n: Number,
  low: Number,
  high: Number,
  tags: [String],
  scores: [Number],
  items: [new mongoose.Schema<Item>({ sku: String, qty: Number }, { _id: false })],
  note: String,
});
type Cart = mongoose.InferSchemaType<typeof cartSchema>;

describe("update operators", () => {
  let Carts: mongoose.Model<Cart>;
  beforeAll(async () => {
    Carts = t.connection.model<Cart>("Cart", cartSchema);
    await Carts.init();
  });

  test("$inc $push $addToSet $pull $unset $min $max", async () => {
    const { _id } = await Carts.create({ owner: "o", n: 1, low: 10, high: 10, tags: ["a"], scores: [1, 5, 9, 5], note: "x" });
    const res = await Carts.updateOne(
      { _id },
      {
        $inc: { n: 41 },
        $push: { tags: { $each: ["b", "c"] } },
        $pull: { scores: 5 },
        $unset: { note: "" },
        $min: { low: 3 },
        $max: { high: 20 },
      },
    );
    expect(res).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    await Carts.updateOne({ _id }, { $addToSet: { tags: { $each: ["a", "c", "d"] } }, $min: { low: 7 }, $max: { high: 15 } });
    await Carts.updateOne({ _id }, { $pull: { scores: { $gt: 8 } } });
    const doc = await Carts.findById(_id).lean();
    expect(doc).toMatchObject({ n: 42, low: 3, high: 20, scores: [1] });
    expect(doc?.tags).toEqual(["a", "b", "c", "d"]);
    expect(doc).not.toHaveProperty("note");
    const noop = await Carts.updateOne({ _id }, { $addToSet: { tags: "a" }, $max: { high: 1 } });
    expect(noop).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
  });

  test("$push of one value and $pull of a value or a sub-document condition (the quota's pending list)", async () => {
    const list = t.connection.collection<{
      n: number;
      pending?: Array<Record<string, unknown>>;
      values?: number[];
      tagged?: Array<{ tags: string[] }>;
    }>("pending_lists");
    const { insertedId: _id } = await list.insertOne({ n: 0 });
    const at = new Date("2026-11-25T10:00:00.000Z");
    expect(await list.updateOne({ _id }, { $inc: { n: 1 }, $push: { pending: { id: "a", micros: 5, at } } })).toMatchObject({
      modifiedCount: 1,
    });
    await list.updateOne({ _id }, { $push: { pending: { id: "b", micros: 7, at } } });
    await list.updateOne({ _id }, { $push: { pending: { id: "c", micros: 9, at, extra: true } } });
    expect((await list.findOne({ _id }))?.pending?.map((entry) => entry.id)).toEqual(["a", "b", "c"]);
    // A sub-document condition is a query on each element: extra fields do not prevent a match.
    expect(await list.updateOne({ _id, "pending.id": "c" }, { $inc: { n: -1 }, $pull: { pending: { id: "c" } } })).toMatchObject({
      matchedCount: 1,
      modifiedCount: 1,
    });
    expect(await list.updateOne({ _id }, { $pull: { pending: { id: "zz" } } })).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
    expect(await list.updateOne({ _id }, { $pull: { nothing: { id: "a" } } })).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
    expect(await list.findOne({ _id }, { projection: { _id: 0 } })).toEqual({
      n: 0,
      pending: [
        { id: "a", micros: 5, at },
        { id: "b", micros: 7, at },
      ],
    });
    // Values: numbers compare by value across types; an array field in the condition matches by containment.
    await list.updateOne({ _id }, { $set: { values: [5, 5.5, 6, 5], tagged: [{ tags: ["x", "y"] }, { tags: ["z"] }] } });
    await list.updateOne({ _id }, { $pull: { values: 5, tagged: { tags: "x" } } });
    expect(await list.findOne({ _id }, { projection: { _id: 0, values: 1, tagged: 1 } })).toEqual({
      values: [5.5, 6],
      tagged: [{ tags: ["z"] }],
    });
  });

  test("positional $ and $[elem] with arrayFilters", async () => {
    const { _id } = await Carts.create({
      owner: "p",
      items: [
        { sku: "a", qty: 1 },
        { sku: "b", qty: 2 },
        { sku: "c", qty: 7 },
      ],
    });
    await Carts.updateOne({ _id, "items.sku": "b" }, { $set: { "items.$.qty": 5 } });
    await Carts.updateOne({ _id }, { $inc: { "items.$[small].qty": 100 } }, { arrayFilters: [{ "small.qty": { $lt: 6 } }] });
    await Carts.updateOne({ _id }, { $set: { "items.$[].sku": "z" } }, { strict: false });
    const doc = await Carts.findById(_id).lean();
    expect(doc?.items.map((i) => i.qty)).toEqual([101, 105, 7]);
    expect(doc?.items.every((i) => i.sku === "z")).toBe(true);
  });

  test("updateMany, replaceOne, findOneAndDelete, deleteOne, deleteMany report exact counts", async () => {
    await Carts.deleteMany({});
    await Carts.insertMany(Array.from({ length: 10 }, (_, i) => ({ owner: `o${i}`, n: i })));
    expect(await Carts.updateMany({ n: { $gte: 5 } }, { $set: { note: "big" } })).toMatchObject({ matchedCount: 5, modifiedCount: 5 });
    expect(await Carts.replaceOne({ owner: "o0" }, { owner: "o0", n: 100 })).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    const removed = await Carts.findOneAndDelete({ owner: "o1" }).lean();
    expect(removed?.n).toBe(1);
    expect(await Carts.deleteOne({ note: "big", n: { $gte: 9 } })).toMatchObject({ deletedCount: 1 });
    expect(await Carts.deleteMany({ note: "big" })).toMatchObject({ deletedCount: 4 });
    expect(await Carts.deleteMany({ note: "big" })).toMatchObject({ deletedCount: 0 });
    const left = await Carts.find().lean();
    expect(left.map((c) => c.n).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([2, 3, 4, 100]);
    expect(await Carts.deleteOne({ owner: "nobody" })).toMatchObject({ deletedCount: 0 });
  });
});

describe("bulkWrite, exists, populate", () => {
  test("Model.bulkWrite mixes inserts, updates, upserts, replaces and deletes", async () => {
    await Users.create([{ email: "a@x.io" }, { email: "b@x.io" }, { email: "c@x.io" }]);
    const result = await Users.bulkWrite([
      { insertOne: { document: { email: "d@x.io" } } },
      { updateOne: { filter: { email: "a@x.io" }, update: { $inc: { hits: 5 } } } },
      { updateMany: { filter: { email: { $in: ["b@x.io", "c@x.io"] } }, update: { $set: { name: "bc" } } } },
      { updateOne: { filter: { email: "e@x.io" }, update: { $set: { name: "e" } }, upsert: true } },
      { replaceOne: { filter: { email: "d@x.io" }, replacement: { email: "d@x.io", name: "replaced" } as User } },
      { deleteOne: { filter: { email: "c@x.io" } } },
    ]);
    expect(result).toMatchObject({ insertedCount: 1, matchedCount: 4, modifiedCount: 4, upsertedCount: 1, deletedCount: 1 });
    const all = await Users.find().lean();
    expect(all.map((u) => u.email).sort()).toEqual(["a@x.io", "b@x.io", "d@x.io", "e@x.io"]);
    expect(all.find((u) => u.email === "a@x.io")?.hits).toBe(5);
    expect(all.find((u) => u.email === "d@x.io")?.name).toBe("replaced");
  });

  test("exists returns the _id or null", async () => {
    const { _id } = await Users.create({ email: "here@x.io" });
    expect(String((await Users.exists({ email: "here@x.io" }))?._id)).toBe(String(_id));
    expect(await Users.exists({ email: "gone@x.io" })).toBeNull();
  });

  test("populate through typegoose refs", async () => {
    class Author {
      @prop({ required: true })
      public name!: string;
    }
    @modelOptions({ schemaOptions: { collection: "books" } })
    class Book {
      @prop({ required: true })
      public title!: string;
      @prop({ ref: () => Author })
      public author?: Ref<Author>;
    }
    const Authors = getModelForClass(Author, { existingConnection: t.connection });
    const Books = getModelForClass(Book, { existingConnection: t.connection });
    const ann = await Authors.create({ name: "Ann" });
    const bob = await Authors.create({ name: "Bob" });
    await Books.create([
      { title: "One", author: ann._id },
      { title: "Two", author: bob._id },
      { title: "Three", author: ann._id },
    ]);
    const books = await Books.find().sort({ title: 1 }).populate<{ author: Author }>("author").lean();
    expect(books.map((b) => [b.title, b.author.name])).toEqual([
      ["One", "Ann"],
      ["Three", "Ann"],
      ["Two", "Bob"],
    ]);
  });
});
