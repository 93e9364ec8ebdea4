import path from "node:path";
import { EJSON, ObjectId, type Document } from "bson";
import type { Connection } from "mongoose";
import { createBackup } from "../../src/backup/backup.create";
import { verifyBackup } from "../../src/backup/backup.reader";
import { restoreBackup } from "../../src/backup/backup.restore";
import { EXACT_READ_OPTIONS, openSnapshot } from "../../src/backup/backup.source";
import { collectionOf, database, everyTypeDocument, makeTempDir, startTestEngine, type TestEngine } from "./backup-support";

const canonical = (doc: Document): string => EJSON.stringify(doc, { relaxed: false });

let target: TestEngine;
let temp: { dir: string; remove(): Promise<void> };
let source: Connection;
let seeded: Document[];

beforeAll(async () => {
  target = await startTestEngine();
  temp = await makeTempDir();
  source = await target.connect("roundtrip_source");
  const db = database(source);
  seeded = [everyTypeDocument(), { ...everyTypeDocument(), text: "second" }];
  await db.collection("every_type").insertMany(seeded.map((doc) => ({ ...doc })));
  // String ids, a unique compound index, a sparse index, a partial index and a TTL index far in the future.
  await collectionOf(source, "accounts").insertMany([
    { _id: "b", email: "b@example.com", tenant: 1, nickname: "bee", expires_at: new Date(Date.UTC(2999, 0, 1)) },
    { _id: "a", email: "a@example.com", tenant: 1, expires_at: new Date(Date.UTC(2999, 0, 1)) },
  ]);
  await db.collection("accounts").createIndexes([
    { key: { tenant: 1, email: 1 }, name: "tenant_email", unique: true },
    { key: { nickname: 1 }, name: "nickname_sparse", sparse: true },
    { key: { email: -1 }, name: "email_partial", partialFilterExpression: { tenant: { $gt: 0 } } },
    { key: { expires_at: 1 }, name: "expires_ttl", expireAfterSeconds: 3600 },
  ]);
  await db.createCollection("empty_one");
  await db.collection("many").insertMany(Array.from({ length: 2500 }, (_, n) => ({ _id: new ObjectId(), n, label: `row ${n}` })));
});

afterAll(async () => {
  await target.stop();
  await temp.remove();
});

describe("backup → restore → backup", () => {
  it("gives byte-identical collection hashes, and every BSON type comes back as itself", async () => {
    const first = await createBackup(source, path.join(temp.dir, "first.ejson.gz"));
    expect(first.manifest.consistency).toEqual({ method: "single-read" });
    expect(first.manifest.collections).toMatchObject({
      accounts: { count: 2, indexes: 4 },
      empty_one: { count: 0, indexes: 0 },
      every_type: { count: 2, indexes: 0 },
      many: { count: 2500, indexes: 0 },
    });

    const restoredInto = await target.connect("roundtrip_restored");
    const restored = await restoreBackup(restoredInto, first.file);
    expect(restored.documents).toBe(2504);
    const second = await createBackup(restoredInto, path.join(temp.dir, "second.ejson.gz"));

    expect(second.manifest.collections).toEqual(first.manifest.collections);
    // The typed values themselves, in canonical Extended JSON (which tells int32, int64 and double apart).
    const back = await database(restoredInto).collection("every_type").find({}, EXACT_READ_OPTIONS).sort({ _id: 1 }).toArray();
    expect(back.map(canonical)).toEqual(seeded.map(canonical).sort());
  });

  it("reads the same bytes whichever way the database is read", async () => {
    const hashes = [];
    for (const method of ["single-read", "snapshot", "per-collection"] as const) {
      const result = await createBackup(source, path.join(temp.dir, `by-${method}.ejson.gz`), { method });
      expect(result.manifest.consistency.method).toBe(method);
      hashes.push(result.manifest.collections);
    }
    expect(hashes[1]).toEqual(hashes[0]);
    expect(hashes[2]).toEqual(hashes[0]);
  });

  it("recreates the indexes: a unique index still refuses a duplicate, and the options are kept", async () => {
    const file = path.join(temp.dir, "indexes.ejson.gz");
    await createBackup(source, file);
    const restoredInto = await target.connect("roundtrip_indexes");
    await restoreBackup(restoredInto, file);

    const accounts = collectionOf(restoredInto, "accounts");
    await expect(accounts.insertOne({ _id: "c", email: "a@example.com", tenant: 1 })).rejects.toMatchObject({ code: 11000 });
    await accounts.insertOne({ _id: "d", email: "a@example.com", tenant: 2 });
    const indexes = Object.fromEntries((await accounts.listIndexes().toArray()).map((index) => [index["name"] as string, index]));
    expect(indexes["tenant_email"]).toMatchObject({ key: { tenant: 1, email: 1 }, unique: true });
    expect(indexes["nickname_sparse"]).toMatchObject({ key: { nickname: 1 }, sparse: true });
    expect(indexes["email_partial"]).toMatchObject({ key: { email: -1 }, partialFilterExpression: { tenant: { $gt: 0 } } });
    expect(indexes["expires_ttl"]).toMatchObject({ key: { expires_at: 1 }, expireAfterSeconds: 3600 });
  });

  it("writes a file that verify accepts without a database, with the counts and hashes of its manifest", async () => {
    const file = path.join(temp.dir, "verified.ejson.gz");
    const written = await createBackup(source, file);
    const { header, manifest } = await verifyBackup(file);
    expect(manifest).toEqual(written.manifest);
    expect(header).toEqual({
      formatVersion: 1,
      platformVersion: manifest.platformVersion,
      createdAt: manifest.createdAt,
      database: "roundtrip_source",
    });
  });
});

describe("consistency on the embedded engine", () => {
  // Writes land between the first document read and the rest: a point-in-time read sees none of them.
  async function countsWithWritesDuringTheRead(method: "single-read" | "per-collection"): Promise<Record<string, number>> {
    const connection = await target.connect(`consistency_${method.replace("-", "_")}`);
    const db = database(connection);
    for (let n = 0; n < 3; n++) {
      await db.collection("a_first").insertOne({ n });
      await db.collection("z_last").insertOne({ n });
    }
    const snapshot = await openSnapshot(db, connection.getClient(), method);
    const counts: Record<string, number> = {};
    let current = "";
    let wrote = false;
    for await (const entry of snapshot.entries()) {
      if (entry.kind === "collection") {
        current = entry.spec.name;
        counts[current] = 0;
        continue;
      }
      counts[current] = (counts[current] ?? 0) + 1;
      if (!wrote) {
        wrote = true;
        await db.collection("a_first").insertOne({ n: 3 });
        await db.collection("z_last").insertOne({ n: 3 });
      }
    }
    return counts;
  }

  it("reads every collection at one point in time (one atomic command)", async () => {
    expect(await countsWithWritesDuringTheRead("single-read")).toEqual({ a_first: 3, z_last: 3 });
  });

  it("is what a collection-by-collection read cannot promise (the same writes fall between the collections)", async () => {
    expect(await countsWithWritesDuringTheRead("per-collection")).toEqual({ a_first: 3, z_last: 4 });
  });
});
