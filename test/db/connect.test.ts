import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import mongoose from "mongoose";
import pino from "pino";
import { connectDatabase, DatabaseStartError, redactMongoUri, type Database } from "../../src/db/connect";

const logger = pino({ level: "silent" });

describe("redactMongoUri", () => {
  it.each([
    ["mongodb://admin:hunter2@db1:27017,db2:27017/app?replicaSet=rs0", "mongodb://db1:27017,db2:27017/app?replicaSet=rs0"],
    ["mongodb+srv://user:p%40ss@cluster0.example.net/", "mongodb+srv://cluster0.example.net/"],
    ["mongodb://127.0.0.1:27017/?replicaSet=rs0", "mongodb://127.0.0.1:27017/?replicaSet=rs0"],
    [
      "mongodb://h/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:abc&tlsCertificateKeyFilePassword=pw",
      "mongodb://h/?authMechanism=MONGODB-AWS&authMechanismProperties=[redacted]&tlsCertificateKeyFilePassword=[redacted]",
    ],
  ])("%s", (uri, expected) => {
    expect(redactMongoUri(uri)).toBe(expected);
  });
});

describe("connectDatabase", () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "chatello-connect-"));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const embeddedConfig = () => ({ mongodbUri: undefined, mongodbDatabase: "connect_test", dataDir, embeddedDbPort: 0 });

  it("starts the embedded engine in DATA_DIR/db and keeps data across a close and a restart", async () => {
    const first = await connectDatabase(embeddedConfig(), logger);
    expect(first.type).toBe("embedded");
    expect(first.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+/);
    expect(first.connection.name).toBe("connect_test");
    await first.connection.collection("notes").insertMany([{ n: 1 }, { n: 2 }]);
    await first.close();
    await first.close(); // idempotent

    const second = await connectDatabase(embeddedConfig(), logger);
    try {
      expect(await second.connection.collection("notes").countDocuments()).toBe(2);
    } finally {
      await second.close();
    }
  });

  it("lets a tool attach to the engine of the platform that owns DATA_DIR, and refuses a second owner", async () => {
    const owner = await connectDatabase(embeddedConfig(), logger);
    try {
      await owner.connection.collection("notes").insertOne({ n: 1 });
      await expect(connectDatabase(embeddedConfig(), logger)).rejects.toThrow(/is in use by process \d+ \(engine at mongodb:\/\//);

      const tool = await connectDatabase(embeddedConfig(), logger, { attachToRunningEngine: true });
      expect(tool.type).toBe("embedded");
      expect(tool.uri).toBe(owner.uri);
      await tool.connection.collection("notes").insertOne({ n: 2 });
      await tool.close();

      // Closing the tool's connection leaves the owner's engine running.
      expect(await owner.connection.collection("notes").countDocuments()).toBe(2);
    } finally {
      await owner.close();
    }
  });

  it("fails fast, without buffering, when a query is made after the database went away", async () => {
    const db: Database = await connectDatabase(embeddedConfig(), logger);
    const notes = db.connection.model("Note", new mongoose.Schema({ n: Number }));
    await db.close();
    // A buffering connection would queue the query and fail only after bufferTimeoutMS with this message.
    const error = await notes.countDocuments().then(
      () => undefined,
      (rejection: unknown) => rejection as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error?.message).not.toMatch(/buffering timed out/);
  });

  it("reports an unreachable MONGODB_URI as a DatabaseStartError without the password", async () => {
    const closedPort = await findClosedPort();
    const uri = `mongodb://admin:hunter2@127.0.0.1:${closedPort}/?directConnection=true`;
    const attempt = connectDatabase({ ...embeddedConfig(), mongodbUri: uri }, logger);
    await expect(attempt).rejects.toThrow(DatabaseStartError);
    await expect(attempt).rejects.toThrow(`cannot connect to MongoDB at mongodb://127.0.0.1:${closedPort}/`);
    await expect(attempt).rejects.not.toThrow(/hunter2/);
  }, 15_000);
});

async function findClosedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
