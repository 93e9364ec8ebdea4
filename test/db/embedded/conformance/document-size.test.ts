// mongod's 16 MiB document limit: an insert over it is a BadValue write error, a BSON document over the internal
// 16 MiB + 16 KiB limit is refused as BSONObjectTooLarge (and the connection stays usable), and updates, upserts
// and findAndModify that would produce a document over 16 MiB fail with 17419 / 17420 and change nothing.
// Oversized commands go over a raw socket: the driver refuses some of them before sending.
import { BSON, type Collection, type Document } from "mongodb";
import { RawClient } from "../../../support/engine-raw-wire";
import { EXTERNAL_URI, serverError, startTarget, type Target } from "../../../support/engine-target";

const MAX = 16 * 1024 * 1024;
const MIB = 1024 * 1024;

let t: Target;
let raw: RawClient;
let coll: Collection<Document>;
let n = 0;

/** The host and port of the server (the primary of a replica set). */
async function endpoint(): Promise<{ host: string; port: number }> {
  if (t.embedded) return { host: t.embedded.host, port: t.embedded.port };
  const hello = await t.client.db("admin").command({ hello: 1 });
  const address =
    typeof hello.primary === "string" ? hello.primary : (/^mongodb:\/\/(?:[^@/]*@)?([^,/?]+)/.exec(EXTERNAL_URI ?? "")?.[1] ?? "");
  const [host, port] = address.split(":");
  return { host, port: Number(port || 27017) };
}

/** A document of exactly `size` bytes as BSON: an `_id` and one string field. */
function docOfSize(_id: number, size: number, field = "x"): Document {
  const overhead = BSON.calculateObjectSize({ _id, [field]: "" });
  return { _id, [field]: "a".repeat(size - overhead) };
}

beforeAll(async () => {
  t = await startTarget("docsize");
  const { host, port } = await endpoint();
  raw = await RawClient.connect(host, port);
});
beforeEach(() => {
  coll = t.db().collection(`c${n++}`);
});
afterAll(async () => {
  raw?.destroy();
  await t?.stop();
});

const insert = (docs: Document[]): Promise<Document> =>
  raw.command({ insert: coll.collectionName, $db: t.dbName }, { identifier: "documents", docs });

describe("document size limit", () => {
  test("a document of exactly 16 MiB is stored", async () => {
    const reply = await insert([docOfSize(1, MAX)]);
    expect(reply).toMatchObject({ ok: 1, n: 1 });
    expect(reply.writeErrors).toBeUndefined();
    expect(await coll.countDocuments()).toBe(1);
  });

  test("an insert over 16 MiB is a BadValue write error and stores nothing", async () => {
    const reply = await insert([docOfSize(1, MAX + 100)]);
    expect(reply).toMatchObject({ ok: 1, n: 0 });
    expect(reply.writeErrors).toHaveLength(1);
    expect(reply.writeErrors[0]).toMatchObject({ index: 0, code: 2 });
    expect(reply.writeErrors[0].errmsg).toContain("object to insert too large");
    expect(await coll.countDocuments()).toBe(0);
  });

  test("a 17 MiB document is refused as BSONObjectTooLarge and the connection keeps working", async () => {
    const reply = await insert([docOfSize(1, 17 * MIB)]);
    expect(reply).toMatchObject({ ok: 0, code: 10334, codeName: "BSONObjectTooLarge" });
    expect(await coll.countDocuments()).toBe(0);
    expect(await raw.command({ ping: 1, $db: "admin" })).toMatchObject({ ok: 1 });
  });

  test("an update that would grow a document past 16 MiB fails with 17419 and leaves it as it was", async () => {
    await coll.insertOne(docOfSize(1, 9 * MIB));
    const error = await serverError(coll.updateOne({ _id: 1 as never }, { $set: { y: "b".repeat(8 * MIB) } }));
    expect(error.code).toBe(17419);
    const stored = await coll.findOne({ _id: 1 as never });
    expect(stored?.y).toBeUndefined();
  });

  test("findAndModify that would grow a document past 16 MiB fails with 17419", async () => {
    await coll.insertOne(docOfSize(1, 9 * MIB));
    const error = await serverError(coll.findOneAndUpdate({ _id: 1 as never }, { $set: { y: "b".repeat(8 * MIB) } }));
    expect(error.code).toBe(17419);
    expect((await coll.findOne({ _id: 1 as never }))?.y).toBeUndefined();
  });

  test("an upsert that would create a document over 16 MiB fails with 17420 and creates nothing", async () => {
    // Query and update together stay under the 16 MiB + 16 KiB a single BSON document may have on the wire.
    const statement = { q: { _id: 7, a: "a".repeat(8 * MIB) }, u: { $set: { b: "b".repeat(8 * MIB + 4096 - 64) } }, upsert: true };
    const reply = await raw.command({ update: coll.collectionName, $db: t.dbName }, { identifier: "updates", docs: [statement] });
    expect(reply.ok).toBe(1);
    expect(reply.writeErrors?.[0]?.code).toBe(17420);
    expect(await coll.countDocuments()).toBe(0);
  });
});
