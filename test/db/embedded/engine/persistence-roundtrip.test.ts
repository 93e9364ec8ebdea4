import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BSONRegExp, Long, type Document } from "bson";
import { MongoClient } from "mongodb";
import { startEmbeddedMongo, type EmbeddedMongo } from "../../../../src/db/embedded";

const CONN = { connectionId: 1, remoteAddress: "test" };
const HOUR = 3_600_000;
const dirs: string[] = [];
const running: EmbeddedMongo[] = [];
const clients: MongoClient[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-roundtrip-"));
  dirs.push(dir);
  return dir;
}

async function start(dataDir: string): Promise<EmbeddedMongo> {
  const mongo = await startEmbeddedMongo({ dataDir });
  running.push(mongo);
  return mongo;
}

async function stop(mongo: EmbeddedMongo): Promise<void> {
  await mongo.stop();
  running.splice(running.indexOf(mongo), 1);
}

async function connect(mongo: EmbeddedMongo): Promise<MongoClient> {
  const client = new MongoClient(mongo.uri, { serverSelectionTimeoutMS: 5000 });
  clients.push(client);
  return client.connect();
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(running.splice(0).map((mongo) => mongo.stop()));
});

afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs a command in-process and returns its reply, failing the test on ok: 0. */
function run(mongo: EmbeddedMongo, command: Document): Document {
  const reply = mongo.engine.execute("app", { ...command, $db: "app" }, CONN).reply;
  if (reply.ok !== 1) throw new Error(`command failed: ${JSON.stringify(reply)}`);
  return reply;
}

const find = (mongo: EmbeddedMongo, collection: string): Document[] =>
  run(mongo, { find: collection, filter: {}, sort: { _id: 1 } }).cursor.firstBatch;
const indexSpecs = (mongo: EmbeddedMongo, collection: string): Document[] => run(mongo, { listIndexes: collection }).cursor.firstBatch;
const collectionNames = (mongo: EmbeddedMongo): string[] =>
  run(mongo, { listCollections: 1, nameOnly: true })
    .cursor.firstBatch.map((c: Document) => c.name)
    .sort();

const OLD = new Date(Date.now() - 2 * HOUR);
const USERS = [
  { _id: 1, email: "a@x", credits: Long.fromBigInt(2n ** 60n), joined: new Date("1960-05-01T00:00:00Z"), tags: ["x", "y"] },
  { _id: 2, email: "b@x", credits: 5, profile: { name: "B", nested: { deep: true } } },
];

/** The same history through the driver: documents, a unique and a TTL index, a drop and a rename. */
async function writeHistory(mongo: EmbeddedMongo): Promise<void> {
  const db = (await connect(mongo)).db("app");
  await db.collection("users").insertMany(USERS.map((user) => ({ ...user })) as Document[]);
  await db.collection("users").createIndex({ email: 1 }, { unique: true });
  await db.collection("users").updateOne({ _id: 2 } as Document, { $inc: { credits: 1 } });
  await db.collection("sessions").createIndex({ createdAt: 1 }, { expireAfterSeconds: 3600 });
  await db.collection("sessions").insertMany([
    { _id: "old", createdAt: OLD },
    { _id: "new", createdAt: new Date() },
  ] as Document[]);
  await db.collection("scratch").insertOne({ _id: 1 } as Document);
  await db.collection("scratch").drop();
  await db.collection("before").insertOne({ _id: "moved" } as Document);
  await db.collection("before").createIndex({ k: -1 }, { name: "k_desc" });
  await db.collection("before").rename("after");
  await db.collection("users").deleteOne({ _id: 3 } as Document);
}

/** Checks the state writeHistory leaves, on a freshly started engine. */
function expectHistory(mongo: EmbeddedMongo): void {
  expect(collectionNames(mongo)).toEqual(["after", "sessions", "users"]);
  const users = find(mongo, "users");
  expect(users).toEqual([USERS[0], { ...USERS[1], credits: 6 }]);
  expect(Long.isLong(users[0].credits)).toBe(true);

  const userIndexes = indexSpecs(mongo, "users");
  expect(userIndexes.find((spec) => spec.name === "email_1")).toMatchObject({ key: { email: 1 }, unique: true });
  expect(indexSpecs(mongo, "sessions").find((spec) => spec.name === "createdAt_1")).toMatchObject({
    key: { createdAt: 1 },
    expireAfterSeconds: 3600,
  });
  expect(
    indexSpecs(mongo, "after")
      .map((spec) => spec.name)
      .sort(),
  ).toEqual(["_id_", "k_desc"]);
  expect(find(mongo, "after")).toEqual([{ _id: "moved" }]);

  const duplicate = mongo.engine.execute("app", { insert: "users", documents: [{ _id: 9, email: "a@x" }], $db: "app" }, CONN).reply;
  expect(duplicate.writeErrors?.[0]).toMatchObject({ code: 11000, keyValue: { email: "a@x" } });

  // The recovered TTL index still expires documents.
  mongo.engine.expireDocuments();
  expect(find(mongo, "sessions").map((doc) => doc._id)).toEqual(["new"]);
}

describe("persistence round trip through startEmbeddedMongo({ dataDir })", () => {
  it("restores documents, indexes (unique still enforced, TTL spec kept), drops and renames after stop()", async () => {
    const dir = tempDir();
    const first = await start(dir);
    await writeHistory(first);
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await stop(first);

    expectHistory(await start(dir));
  });

  it("replays the journal of a crash (a copy of the folder taken while running, no final snapshot)", async () => {
    const dir = tempDir();
    const first = await start(dir);
    await writeHistory(first);
    // Every acknowledged write has been fsynced to the journal: a copy now is what a crash would leave.
    const image = tempDir();
    for (const name of fs.readdirSync(dir)) if (name !== "mongod.lock") fs.copyFileSync(path.join(dir, name), path.join(image, name));
    expect(fs.readdirSync(image).some((name) => name.startsWith("snapshot."))).toBe(false);

    expectHistory(await start(image));
  });

  it("keeps writes made in-process through engine.execute (written by the final snapshot at stop)", async () => {
    const dir = tempDir();
    const first = await start(dir);
    run(first, { insert: "notes", documents: [{ _id: 1, text: "hello" }] });
    run(first, { createIndexes: "notes", indexes: [{ key: { text: 1 }, name: "text_1", unique: true }] });
    await stop(first);

    const second = await start(dir);
    expect(find(second, "notes")).toEqual([{ _id: 1, text: "hello" }]);
    expect(indexSpecs(second, "notes").map((spec) => spec.name)).toEqual(["_id_", "text_1"]);
  });

  it("survives a second restart after more writes on the recovered state", async () => {
    const dir = tempDir();
    const first = await start(dir);
    await writeHistory(first);
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await stop(first);

    const second = await start(dir);
    const db = (await connect(second)).db("app");
    await db.collection("users").updateOne({ _id: 1 } as Document, { $set: { email: "c@x" } });
    await db.collection("after").drop();
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await stop(second);

    const third = await start(dir);
    expect(collectionNames(third)).toEqual(["sessions", "users"]);
    expect(find(third, "users")[0].email).toBe("c@x");
    const reuse = third.engine.execute("app", { insert: "users", documents: [{ _id: 9, email: "a@x" }], $db: "app" }, CONN).reply;
    expect(reuse).toMatchObject({ ok: 1, n: 1 });
  });

  it("keeps a stored regular expression exactly (pattern and every flag, s and x included) across the journal and the snapshot", async () => {
    const dir = tempDir();
    const first = await start(dir);
    const stored = new BSONRegExp("^a b # spaced\\n.", "imsux");
    const db = (await connect(first)).db("app");
    await db.collection("patterns").insertOne({ _id: 1, pattern: stored } as Document);
    // Recovered from the journal: a copy of the folder taken while the engine runs.
    const copy = tempDir();
    fs.cpSync(dir, copy, { recursive: true });
    fs.rmSync(path.join(copy, "mongod.lock"), { force: true });
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await stop(first);
    for (const folder of [copy, dir]) {
      const again = await start(folder);
      const read = (await (
        await connect(again)
      )
        .db("app")
        .collection("patterns")
        .findOne({ _id: 1 } as Document, { bsonRegExp: true })) as Document;
      expect(read.pattern).toEqual(stored);
      await Promise.all(clients.splice(0).map((client) => client.close()));
      await stop(again);
    }
  });
});
