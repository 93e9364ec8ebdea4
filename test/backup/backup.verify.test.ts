import { createHash } from "node:crypto";
import { readFile, truncate, writeFile, copyFile } from "node:fs/promises";
import path from "node:path";
import { Decimal128, Double, Long, type Document } from "bson";
import { createBackup } from "../../src/backup/backup.create";
import { BackupFileError } from "../../src/backup/backup.errors";
import { readBackup, verifyBackup } from "../../src/backup/backup.reader";
import { collectionOf, makeTempDir, rewriteBackup, startTestEngine, writeBackupLines, type TestEngine } from "./backup-support";

let engine: TestEngine;
let temp: { dir: string; remove(): Promise<void> };
let good: string;

beforeAll(async () => {
  engine = await startTestEngine();
  temp = await makeTempDir();
  const connection = await engine.connect("verify_source");
  await collectionOf(connection, "plans").insertMany(
    Array.from({ length: 300 }, (_, n) => ({ _id: n, name: `plan ${n}`, price_cents: n * 100, note: "x".repeat(200) })),
  );
  await collectionOf(connection, "settings").insertOne({ _id: "app_secret_fingerprint", value: "abc" });
  good = path.join(temp.dir, "good.ejson.gz");
  // Fixed ids and a fixed clock make the file the same bytes on every run, so the damage below lands the same way.
  await createBackup(connection, good, { now: () => new Date(Date.UTC(2025, 7, 21)) });
});

afterAll(async () => {
  await engine.stop();
  await temp.remove();
});

async function problemOf(file: string): Promise<BackupFileError> {
  const error: unknown = await verifyBackup(file).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof BackupFileError)) throw new Error(`expected a BackupFileError, got ${String(error)}`);
  expect(error.message).not.toContain("\n");
  expect(error.message).toContain(file);
  return error;
}

const variant = (name: string): string => path.join(temp.dir, name);

describe("backup verify catches a damaged file", () => {
  it("accepts the file as written", async () => {
    const { manifest } = await verifyBackup(good);
    expect(Object.keys(manifest.collections)).toEqual(["plans", "settings"]);
  });

  it("a truncated file", async () => {
    const file = variant("truncated.ejson.gz");
    await copyFile(good, file);
    await truncate(file, Math.floor((await readFile(file)).length / 2));
    const error = await problemOf(file);
    expect(error.problem).toBe("truncated");
    expect(error.message).toBe(`${file} is truncated: the compressed data ends early`);
  });

  it("a file cut after a whole line (the gzip stream is complete, the manifest is missing)", async () => {
    const file = variant("no-manifest.ejson.gz");
    await rewriteBackup(good, file, (lines) => lines.slice(0, -1));
    const error = await problemOf(file);
    expect(error.problem).toBe("truncated");
    expect(error.message).toBe(`${file} is truncated: it ends before its manifest`);
  });

  it("a flipped byte in the compressed data", async () => {
    const file = variant("flipped.ejson.gz");
    const bytes = await readFile(good);
    bytes[Math.floor(bytes.length / 2)] ^= 0x10;
    await writeFile(file, bytes);
    const error = await problemOf(file);
    expect(error.problem).toBe("corrupted");
    expect(error.message.startsWith(`${file} is corrupted: `)).toBe(true);
    // A byte that is part of the gzip trailer (the CRC-32 of the whole text) is caught by gzip itself.
    const trailer = variant("flipped-trailer.ejson.gz");
    bytes[Math.floor(bytes.length / 2)] ^= 0x10;
    bytes[bytes.length - 6] ^= 0x01;
    await writeFile(trailer, bytes);
    expect((await problemOf(trailer)).message).toBe(`${trailer} is corrupted: the compressed data is damaged (incorrect data check)`);
  });

  it("a changed document in a file whose compression is intact (caught by the collection's SHA-256)", async () => {
    const file = variant("edited.ejson.gz");
    await rewriteBackup(good, file, (lines) => lines.map((line) => line.replace('"plan 7"', '"plan 8"')));
    const error = await problemOf(file);
    expect(error.problem).toBe("corrupted");
    expect(error.message).toBe(`${file} is corrupted: collection "plans" does not match the SHA-256 in its manifest`);
  });

  it("a missing document (caught by the count)", async () => {
    const file = variant("short.ejson.gz");
    await rewriteBackup(good, file, (lines) => lines.filter((line) => !line.includes('"plan 7"')));
    expect((await problemOf(file)).message).toBe(`${file} is corrupted: collection "plans" holds 299 documents, its manifest says 300`);
  });

  it("a backup from a newer format version, before reading any further", async () => {
    const file = variant("newer.ejson.gz");
    await rewriteBackup(good, file, (lines) => [
      lines[0]?.replace('"formatVersion":1', '"formatVersion":2').replace(/"platformVersion":"[^"]*"/, '"platformVersion":"9.0.0"') ?? "",
      '{"something":"this version\'s readers do not know"}',
    ]);
    const error = await problemOf(file);
    expect(error.problem).toBe("newer-version");
    expect(error.message).toMatch(
      new RegExp(
        `^${escape(file)} is in backup format 2 \\(written by platform 9\\.0\\.0\\); this platform \\(.+\\) reads format 1: use platform 9\\.0\\.0 or newer$`,
      ),
    );
  });

  it("a manifest from a newer version", async () => {
    const file = variant("newer-manifest.ejson.gz");
    await rewriteBackup(good, file, (lines) =>
      lines.map((line) => (line.startsWith('{"manifest":') ? line.replace('"formatVersion":1', '"formatVersion":3') : line)),
    );
    expect((await problemOf(file)).problem).toBe("newer-version");
  });

  it("data after the manifest, and a file that is not a backup at all", async () => {
    const trailing = variant("trailing.ejson.gz");
    await rewriteBackup(good, trailing, (lines) => [...lines, lines[2] ?? ""]);
    expect((await problemOf(trailing)).message).toBe(`${trailing} is corrupted: it has data after its manifest`);

    const plain = variant("plain.txt");
    await writeFile(plain, "hello\n");
    expect((await problemOf(plain)).message).toBe(`${plain} is not a Chatello backup: it is not a gzip file`);
    const empty = variant("empty.ejson.gz");
    await writeFile(empty, "");
    expect((await problemOf(empty)).message).toBe(`${empty} is not a Chatello backup: it is empty`);
    const otherGzip = variant("other.json.gz");
    await writeBackupLines(otherGzip, ['{"hello":"world"}']);
    expect((await problemOf(otherGzip)).message).toBe(`${otherGzip} is not a Chatello backup: it has no backup header`);
    expect((await problemOf(variant("missing.ejson.gz"))).problem).toBe("unreadable");
  });
});

describe("the file format as documented (backup.format.ts), written by hand", () => {
  it("is read back with exact types, also the ones the embedded engine itself would narrow", async () => {
    const docs = [
      '{"_id":{"$numberInt":"1"},"small64":{"$numberLong":"5"},"wholeDouble":{"$numberDouble":"5.0"},"decimal":{"$numberDecimal":"1.10"}}',
      '{"_id":{"$numberInt":"2"},"when":{"$date":{"$numberLong":"1724234400123"}}}',
    ];
    const sha256 = createHash("sha256")
      .update(docs.map((doc) => `${doc}\n`).join(""))
      .digest("hex");
    const createdAt = "2025-08-21T10:00:00.000Z";
    const file = variant("by-hand.ejson.gz");
    await writeBackupLines(file, [
      `{"chatelloBackup":{"formatVersion":1,"platformVersion":"0.1.0","createdAt":"${createdAt}","database":"chatello_saas"}}`,
      '{"collection":{"name":"numbers","options":{},"indexes":[{"key":{"small64":{"$numberInt":"1"}},"name":"small64_1","unique":true}]}}',
      ...docs.map((doc) => `{"doc":${doc}}`),
      `{"manifest":{"formatVersion":1,"platformVersion":"0.1.0","createdAt":"${createdAt}","completedAt":"${createdAt}",` +
        `"database":"chatello_saas","consistency":{"method":"single-read"},"collections":{"numbers":{"count":2,"sha256":"${sha256}","indexes":1}}}}`,
    ]);

    const seen: Document[] = [];
    const contents = await readBackup(file, { document: (_collection, doc) => void seen.push(doc) });
    expect(contents.collections).toEqual([
      { name: "numbers", options: {}, indexes: [{ key: { small64: expect.anything() }, name: "small64_1", unique: true }] },
    ]);
    expect(seen[0]?.["small64"]).toEqual(Long.fromNumber(5));
    expect(seen[0]?.["wholeDouble"]).toEqual(new Double(5));
    expect(seen[0]?.["decimal"]).toEqual(Decimal128.fromString("1.10"));
    expect(seen[1]?.["when"]).toEqual(new Date(1724234400123));
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
