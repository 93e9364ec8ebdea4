import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Binary, BSONRegExp, Decimal128, type Document, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp, UUID } from "bson";
import * as ts from "typescript";
import {
  DataDirCorruptError,
  DataDirectory,
  DataDirLockedError,
  type JournalOp,
  type PersistenceLogger,
  readDataDirOwner,
  type SnapshotCollection,
} from "../../../src/db/embedded/persistence";

const roots: string[] = [];
const opened: DataDirectory[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "chatello-persistence-"));
  roots.push(dir);
  return dir;
}

function memoryLogger(): PersistenceLogger & { warnings: Array<{ obj: object; msg: string }> } {
  const warnings: Array<{ obj: object; msg: string }> = [];
  return { warnings, info: () => undefined, warn: (obj, msg) => void warnings.push({ obj, msg }) };
}

async function openDir(dir: string, opts: Parameters<typeof DataDirectory.open>[1] = {}): Promise<DataDirectory> {
  const dataDir = await DataDirectory.open(dir, { logger: memoryLogger(), ...opts });
  opened.push(dataDir);
  return dataDir;
}

const put = (i: number, extra: Document = {}): JournalOp[] => [{ op: "put", ns: "app.items", doc: { _id: i, ...extra } }];
const ids = (batches: JournalOp[][]): unknown[] => batches.map((b) => (b[0] as { doc: Document }).doc._id);
const journalFiles = (dir: string): string[] =>
  fs
    .readdirSync(dir)
    .filter((n) => n.endsWith(".wal"))
    .sort();
const onlyJournal = (dir: string): string => path.join(dir, journalFiles(dir)[0]);

afterEach(async () => {
  await Promise.all(opened.splice(0).map((d) => d.close().catch(() => undefined)));
});
afterAll(() => {
  for (const dir of roots) fs.rmSync(dir, { recursive: true, force: true });
});

describe("journal", () => {
  it("recovers appended batches in order after reopening", async () => {
    const dir = tempDir();
    const first = await openDir(dir);
    expect(first.recovered).toEqual({ collections: [], batches: [] });
    const batches: JournalOp[][] = [
      [{ op: "createCollection", ns: "app.items", options: { capped: false } }],
      [{ op: "createIndex", ns: "app.items", spec: { v: 2, key: { email: 1 }, name: "email_1", unique: true } }],
      put(1, { email: "a@x" }),
      [{ op: "del", ns: "app.items", id: 1 }, ...put(2)],
      [
        { op: "dropIndex", ns: "app.items", name: "email_1" },
        { op: "dropCollection", ns: "app.items" },
      ],
      [{ op: "dropDatabase", db: "app" }],
    ];
    for (const batch of batches) await first.append(batch);
    await first.close();

    const second = await openDir(dir);
    expect(second.recovered.batches).toEqual(batches);
  });

  it("acknowledges 2000 concurrent appends with group commit and recovers them all", async () => {
    const dir = tempDir();
    const dataDir = await openDir(dir);
    await Promise.all(Array.from({ length: 2000 }, (_, i) => dataDir.append(put(i))));
    expect(dataDir.stats.records).toBe(2000);
    expect(dataDir.stats.flushes).toBeLessThan(2000);
    await dataDir.close();

    const reopened = await openDir(dir);
    expect(ids(reopened.recovered.batches)).toEqual(Array.from({ length: 2000 }, (_, i) => i));
  });

  it("round-trips every BSON type, $-keys, dotted keys and batches over 16 MiB", async () => {
    const dir = tempDir();
    const doc: Document = {
      _id: new ObjectId(),
      date: new Date("2024-02-29T12:34:56.789Z"),
      binary: new Binary(Buffer.from([0, 1, 2, 255]), 0x80),
      uuid: new UUID(),
      regex: /^ab+c$/im,
      bigLong: Long.fromString("9007199254740993"),
      smallLong: Long.fromNumber(42),
      int32: new Int32(7),
      double: new Double(1.5),
      decimal: Decimal128.fromString("1234.5678"),
      timestamp: new Timestamp({ t: 1700000000, i: 3 }),
      minKey: new MinKey(),
      maxKey: new MaxKey(),
      nullValue: null,
      undefinedValue: undefined,
      nested: [[1, [2, { deep: ["x", { $in: [1] }] }]], []],
      $set: { "a.b": 1 },
      "dotted.key": true,
    };
    const huge = (n: number): JournalOp => ({ op: "put", ns: "app.blobs", doc: { _id: n, data: new Binary(Buffer.alloc(9 << 20, n)) } });
    const dataDir = await openDir(dir);
    await dataDir.append([{ op: "put", ns: "app.types", doc }]);
    await dataDir.append([huge(1), huge(2)]);
    await dataDir.close();

    const [[typed], [blob1, blob2]] = (await openDir(dir)).recovered.batches as Array<Array<{ doc: Document }>>;
    const back = typed.doc;
    expect(back._id).toEqual(doc._id);
    expect(back.date).toEqual(doc.date);
    expect(back.binary.sub_type).toBe(0x80);
    expect(Buffer.from(back.binary.buffer)).toEqual(Buffer.from([0, 1, 2, 255]));
    // As the wire decodes it (a BSONRegExp keeps every flag mongod knows, which a JS RegExp could not).
    expect(back.regex).toBeInstanceOf(BSONRegExp);
    expect(back.regex.pattern).toBe("^ab+c$");
    expect(back.regex.options).toBe("im");
    expect(back.bigLong).toBeInstanceOf(Long);
    expect(back.bigLong.toString()).toBe("9007199254740993");
    expect(back.smallLong).toBe(42); // promoteValues: int64 that fits 53 bits comes back as a number
    expect(back.decimal.toString()).toBe("1234.5678");
    expect(back.timestamp).toEqual(doc.timestamp);
    expect(back.minKey).toBeInstanceOf(MinKey);
    expect(back.maxKey).toBeInstanceOf(MaxKey);
    expect("undefinedValue" in back).toBe(true);
    expect(back.nested).toEqual(doc.nested);
    expect(back.$set).toEqual({ "a.b": 1 });
    expect(back["dotted.key"]).toBe(true);
    expect(blob1.doc.data.buffer.length).toBe(9 << 20);
    expect(blob2.doc._id).toBe(2);
  });
});

describe("recovery from damage", () => {
  async function writeThree(dir: string): Promise<void> {
    const dataDir = await openDir(dir);
    for (const i of [1, 2, 3]) await dataDir.append(put(i, { pad: "p".repeat(50) }));
    await dataDir.close();
  }

  /** Byte offset of each record in a journal file. */
  function recordOffsets(file: string): number[] {
    const bytes = fs.readFileSync(file);
    const offsets: number[] = [];
    for (let at = 0; at < bytes.length; at += 8 + bytes.readUInt32LE(at)) offsets.push(at);
    return offsets;
  }

  it.each([
    ["cut short by a few bytes", (file: string) => fs.truncateSync(file, fs.statSync(file).size - 5), [1, 2]],
    ["cut inside its header", (file: string) => fs.truncateSync(file, recordOffsets(file)[2] + 5), [1, 2]],
    ["followed by garbage bytes", (file: string) => fs.appendFileSync(file, "garbage after a crash"), [1, 2, 3]],
    ["followed by zeroes", (file: string) => fs.appendFileSync(file, Buffer.alloc(4096)), [1, 2, 3]],
  ])("drops a torn last record (%s) with a warning, keeps earlier ones and appends cleanly after", async (_, damage, kept) => {
    const dir = tempDir();
    await writeThree(dir);
    const file = onlyJournal(dir);
    damage(file);

    const logger = memoryLogger();
    const recovered = await openDir(dir, { logger });
    expect(ids(recovered.recovered.batches)).toEqual(kept);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0].msg).toMatch(/torn record/);
    expect(logger.warnings[0].obj).toMatchObject({ file });
    await recovered.append(put(4));
    await recovered.close();

    const logger2 = memoryLogger();
    const again = await openDir(dir, { logger: logger2 });
    expect(ids(again.recovered.batches)).toEqual([...kept, 4]);
    expect(logger2.warnings).toEqual([]);
  });

  it("refuses to open when a record in the middle is corrupt, naming the file and offset", async () => {
    const dir = tempDir();
    await writeThree(dir);
    const file = onlyJournal(dir);
    const bytes = fs.readFileSync(file);
    const secondRecord = 8 + bytes.readUInt32LE(0);
    bytes[secondRecord + 30] ^= 0xff;
    fs.writeFileSync(file, bytes);

    const attempt = DataDirectory.open(dir, { logger: memoryLogger() });
    await expect(attempt).rejects.toThrow(DataDirCorruptError);
    await expect(DataDirectory.open(dir)).rejects.toThrow(`${file} is corrupt at byte offset ${secondRecord}: checksum mismatch`);
    expect(fs.readFileSync(file)).toEqual(bytes); // nothing was truncated
    expect(fs.existsSync(path.join(dir, "mongod.lock"))).toBe(false);
  });

  it("refuses to open when a journal in the sequence is missing", async () => {
    const dir = tempDir();
    await writeThree(dir);
    fs.renameSync(onlyJournal(dir), path.join(dir, "journal.00000002.wal"));
    await expect(DataDirectory.open(dir)).rejects.toThrow(/journal\.00000001\.wal is missing/);
  });

  it("rejects the failed appends and every later one when fsync fails", async () => {
    const dir = tempDir();
    const dataDir = await openDir(dir);
    await dataDir.append(put(1));
    const probe = await fs.promises.open(path.join(dir, "probe"), "w");
    const fileHandleProto = Object.getPrototypeOf(probe) as { datasync(): Promise<void> };
    await probe.close();
    const spy = jest.spyOn(fileHandleProto, "datasync").mockRejectedValueOnce(new Error("EIO: i/o error, fdatasync"));
    try {
      await expect(dataDir.append(put(2))).rejects.toThrow("EIO");
      await expect(dataDir.append(put(3))).rejects.toThrow(/failed earlier.*EIO/);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("compaction", () => {
  const state = (docs: Document[]): SnapshotCollection[] => [
    { ns: "app.items", options: { validator: { $jsonSchema: {} } }, indexes: [{ v: 2, key: { a: 1 }, name: "a_1" }], docs },
    { ns: "app.empty", options: {}, indexes: [], docs: [] },
  ];

  it("replaces the journal with a snapshot; reopening gives the snapshot plus only later batches", async () => {
    const dir = tempDir();
    const dataDir = await openDir(dir, { compactAfterBytes: 1000 });
    for (let i = 0; i < 20; i++) await dataDir.append(put(i, { pad: "x".repeat(100) }));
    expect(dataDir.wantsCompaction).toBe(true);
    const snapshotDocs = Array.from({ length: 2500 }, (_, i) => ({ _id: i, a: `v${i}` }));

    // Appends in flight when the capture happens belong to the old journal; later ones to the new one.
    const before = Array.from({ length: 50 }, (_, i) => dataDir.append(put(100 + i)));
    const compaction = dataDir.compact(() => state(snapshotDocs));
    expect(dataDir.wantsCompaction).toBe(false);
    const after = Array.from({ length: 50 }, (_, i) => dataDir.append(put(200 + i)));
    await Promise.all([...before, compaction, ...after]);
    await dataDir.close();

    expect(fs.readdirSync(dir).sort()).toEqual(["journal.00000002.wal", "manifest.json", "snapshot.00000002.bson"]);
    const reopened = await openDir(dir);
    expect(reopened.recovered.collections).toEqual(state(snapshotDocs));
    expect(ids(reopened.recovered.batches)).toEqual(Array.from({ length: 50 }, (_, i) => 200 + i));
    expect(reopened.wantsCompaction).toBe(false);
  });

  it("writes a final snapshot on close with capture, and splits chunks of large documents", async () => {
    const dir = tempDir();
    const dataDir = await openDir(dir);
    await dataDir.append(put(1));
    const big = Array.from({ length: 5 }, (_, i) => ({ _id: i, blob: new Binary(Buffer.alloc(5 << 20, i)) }));
    await dataDir.close({ capture: () => state(big) });
    expect(fs.existsSync(path.join(dir, "mongod.lock"))).toBe(false);

    const reopened = await openDir(dir);
    expect(reopened.recovered.batches).toEqual([]);
    const docs = reopened.recovered.collections[0].docs;
    expect(docs.map((d) => d._id)).toEqual([0, 1, 2, 3, 4]);
    expect(Buffer.from(docs[4].blob.buffer).equals(Buffer.alloc(5 << 20, 4))).toBe(true);
  });

  it("keeps both journals when the snapshot cannot be written, so nothing is lost", async () => {
    const dir = tempDir();
    const dataDir = await openDir(dir, { compactAfterBytes: 10 });
    await dataDir.append(put(1));
    const unwritable = [{ ns: "app.items", options: {}, indexes: [], docs: [{ _id: 1, "nul\0key": true }] }];
    await expect(dataDir.compact(() => unwritable)).rejects.toThrow(/null bytes/);
    await dataDir.append(put(2));
    expect(dataDir.wantsCompaction).toBe(true);
    await dataDir.close();

    expect(fs.readdirSync(dir).sort()).toEqual(["journal.00000001.wal", "journal.00000002.wal", "manifest.json"]);
    expect(ids((await openDir(dir)).recovered.batches)).toEqual([1, 2]);
  });

  it("refuses a truncated snapshot and keeps its files", async () => {
    const dir = tempDir();
    const dataDir = await openDir(dir);
    await dataDir.compact(() => state(Array.from({ length: 3000 }, (_, i) => ({ _id: i }))));
    await dataDir.close();
    const snapshot = path.join(dir, "snapshot.00000002.bson");
    fs.truncateSync(snapshot, fs.statSync(snapshot).size - 30);

    await expect(DataDirectory.open(dir)).rejects.toThrow(`${snapshot} is corrupt at byte offset`);
    await expect(DataDirectory.open(dir)).rejects.toThrow(DataDirCorruptError);
    expect(fs.existsSync(snapshot)).toBe(true);
  });

  it("removes an unfinished snapshot left by a crash and ignores it", async () => {
    const dir = tempDir();
    const dataDir = await openDir(dir);
    await dataDir.append(put(1));
    await dataDir.close();
    fs.writeFileSync(path.join(dir, "snapshot.00000002.bson.tmp"), "half written");

    const reopened = await openDir(dir);
    expect(ids(reopened.recovered.batches)).toEqual([1]);
    expect(fs.existsSync(path.join(dir, "snapshot.00000002.bson.tmp"))).toBe(false);
  });
});

describe("lock", () => {
  it("stops a second open of the same folder and names the owner", async () => {
    const dir = tempDir();
    const dataDir = await openDir(dir);
    await dataDir.recordAddress("mongodb://127.0.0.1:45678/");

    const second = DataDirectory.open(dir);
    await expect(second).rejects.toThrow(DataDirLockedError);
    const err = (await second.catch((e: unknown) => e)) as DataDirLockedError;
    expect(err.ownerPid).toBe(process.pid);
    expect(err.ownerUri).toBe("mongodb://127.0.0.1:45678/");
    expect(err.message).toContain(dir);
    expect(err.message).toContain(`process ${process.pid}`);
    expect(err.message).toContain("mongodb://127.0.0.1:45678/");
  });

  it("records the address for other tools and removes the lock on close", async () => {
    const dir = tempDir();
    expect(readDataDirOwner(dir)).toBeNull();
    const dataDir = await openDir(dir);
    expect(readDataDirOwner(dir)).toEqual({ pid: process.pid });
    await dataDir.recordAddress("mongodb://127.0.0.1:27999/");
    expect(readDataDirOwner(dir)).toEqual({ pid: process.pid, uri: "mongodb://127.0.0.1:27999/" });
    await dataDir.close();
    expect(fs.existsSync(path.join(dir, "mongod.lock"))).toBe(false);
    expect(readDataDirOwner(dir)).toBeNull();
  });

  it("takes over the lock of a dead process with a warning", async () => {
    const dir = tempDir();
    const finished = spawnSync(process.execPath, ["-e", ""]).pid as number;
    const stale = { pid: finished, uri: "mongodb://127.0.0.1:1/", startedAt: new Date().toISOString() };
    fs.writeFileSync(path.join(dir, "mongod.lock"), JSON.stringify(stale));
    expect(readDataDirOwner(dir)).toBeNull();

    const logger = memoryLogger();
    await openDir(dir, { logger });
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0].obj).toMatchObject({ stale: { pid: finished } });
    expect(readDataDirOwner(dir)).toEqual({ pid: process.pid });
  });
});

describe("kill -9", () => {
  const sources = path.resolve(__dirname, "../../../src/db/embedded/persistence");

  /** The child runs plain JS: transpile the current sources (never a stale dist/) into the temp folder. */
  function transpileInto(outDir: string): string {
    fs.mkdirSync(outDir);
    for (const name of fs.readdirSync(sources).filter((n) => n.endsWith(".ts"))) {
      const { outputText } = ts.transpileModule(fs.readFileSync(path.join(sources, name), "utf8"), {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      });
      fs.writeFileSync(path.join(outDir, name.replace(/\.ts$/, ".js")), outputText);
    }
    return path.join(outDir, "index.js");
  }

  const childScript = `
    const { DataDirectory } = require(process.argv[2]);
    DataDirectory.open(process.argv[3]).then((dataDir) => {
      let next = 0;
      const worker = async () => {
        for (;;) {
          const id = next++;
          await dataDir.append([{ op: "put", ns: "app.kill", doc: { _id: id, pad: "k".repeat(200) } }]);
          process.stdout.write(id + "\\n");
        }
      };
      for (let w = 0; w < 8; w++) void worker();
    }, (err) => { console.error(err); process.exit(1); });
  `;

  it("keeps every acknowledged append when the process is killed", async () => {
    const root = tempDir();
    const entry = transpileInto(path.join(root, "lib"));
    const script = path.join(root, "child.js");
    fs.writeFileSync(script, childScript);
    const dataPath = path.join(root, "data");
    const nodePath = path.resolve(__dirname, "../../../node_modules");
    const child = spawn(process.execPath, [script, entry, dataPath], {
      env: { ...process.env, NODE_PATH: nodePath },
      stdio: ["ignore", "pipe", "pipe"],
    });

    const acked = new Set<number>();
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    let partial = "";
    child.stdout.on("data", (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split("\n");
      partial = lines.pop() as string;
      for (const line of lines) acked.add(Number(line));
      if (acked.size >= 300) child.kill("SIGKILL");
    });
    expect(await exited).toBe("SIGKILL");
    expect(stderr).toBe("");
    expect(acked.size).toBeGreaterThanOrEqual(300);

    const logger = memoryLogger();
    const recovered = ids((await openDir(dataPath, { logger })).recovered.batches) as number[];
    expect(recovered).toEqual(Array.from({ length: recovered.length }, (_, i) => i)); // in order, no gaps
    expect(recovered.length).toBeGreaterThan(Math.max(...acked));
    expect(logger.warnings.map((w) => w.msg)).toContain("taking over the lock of a data folder whose owner is gone");
  });
});
