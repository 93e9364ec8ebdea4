import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { buildApp } from "../../../src/app";
import { testConfig } from "../../support/platform";
import { connectToEmbeddedEngine, type Database } from "../../../src/db/connect";
import { startEmbeddedMongo, type EmbeddedMongo } from "../../../src/db/embedded";

const packageVersion = (JSON.parse(readFileSync(path.join(__dirname, "../../../package.json"), "utf8")) as { version: string }).version;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe("GET /api/health (real HTTP, in-memory embedded engine)", () => {
  const logger = pino({ level: "silent" });
  let engine: EmbeddedMongo;
  let db: Database;
  let app: FastifyInstance;
  let baseUrl: string;
  let engineStopped = false;

  beforeAll(async () => {
    engine = await startEmbeddedMongo();
    db = await connectToEmbeddedEngine(engine, "health_test", logger);
    app = await buildApp({ config: testConfig(), logger, db });
    await app.listen({ host: "127.0.0.1", port: 0 });
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app.close();
    // The outage test already stopped the engine; only mongoose is left to close.
    await (engineStopped ? db.connection.close() : db.close());
  });

  it("is healthy and counts the documents of each collection", async () => {
    await db.connection.collection("plans").insertMany([{ name: "starter" }, { name: "pro" }]);
    await db.connection.collection("licenses").insertOne({ key: "CHA-TEST" });
    await db.connection
      .collection("api_keys")
      .insertOne({ provider: "deepseek", key_encrypted: "v1:…", key_last4: "abcd", is_active: true });

    const response = await fetch(`${baseUrl}/api/health`);

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({
      status: "healthy",
      version: packageVersion,
      timestamp: expect.stringMatching(ISO_UTC),
      database: {
        type: "MongoDB (embedded)",
        engine: "embedded",
        connection: "active",
        state: "connected",
        name: "health_test",
        // This request's own throttle window is counted too (rate_limits).
        collections: { api_keys: 1, licenses: 1, plans: 2, rate_limits: 2 },
      },
      ai_providers: { openai: { configured: false }, anthropic: { configured: false }, deepseek: { configured: true } },
      // BACKUP_DIR is not set: the platform takes no scheduled backups.
      backups: { scheduled: false },
    });
  });

  it("answers the same on the /admin/health alias", async () => {
    const response = await fetch(`${baseUrl}/admin/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "healthy", database: { collections: { plans: 2 } } });
  });

  it("answers 503 with a JSON body once the database is gone", async () => {
    await engine.stop();
    engineStopped = true;

    const response = await fetch(`${baseUrl}/api/health`);

    expect(response.status).toBe(503);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      status: "error",
      error: "Database unavailable",
      code: "DATABASE_UNAVAILABLE",
      version: packageVersion,
      timestamp: expect.stringMatching(ISO_UTC),
      database: {
        type: "MongoDB (embedded)",
        engine: "embedded",
        connection: "inactive",
        state: expect.any(String),
        name: "health_test",
        error: expect.any(String),
      },
    });
  });
});
