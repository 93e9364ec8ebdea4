// The engine closes idle connections (mongod does not); the platform's own connection (db/connect.ts) must never
// trip over that: its pool retires connections before the engine's idle timeout and its monitor talks more often.
// The engine's idle timeout is tiny here; the waits are guards against hanging, not assertions about speed.
import pino from "pino";
import { connectToEmbeddedEngine, embeddedDriverOptions, type Database } from "../../../src/db/connect";
import { startEmbeddedMongo } from "../../../src/db/embedded";
import { eventually, RawClient } from "../../support/engine-raw-wire";

const IDLE_TIMEOUT_MS = 1500;
let database: Database | undefined;

afterEach(async () => {
  await database?.close();
  database = undefined;
});

test("the platform's driver options stay inside the engine's idle timeout", () => {
  for (const idle of [1500, 60_000, 10 * 60_000]) {
    const options = embeddedDriverOptions(idle);
    expect(options.maxIdleTimeMS).toBeLessThan(idle);
    expect(options.heartbeatFrequencyMS).toBeLessThan(idle);
    expect(options.heartbeatFrequencyMS).toBeGreaterThanOrEqual(500); // the driver's minimum
  }
});

test("a mongoose connection keeps working, without ever disconnecting, after the engine closed its idle sockets", async () => {
  const engine = await startEmbeddedMongo({ port: 0, idleTimeoutMs: IDLE_TIMEOUT_MS });
  database = await connectToEmbeddedEngine(engine, "idle", pino({ level: "silent" }));
  const { connection } = database;
  const disconnects: string[] = [];
  connection.on("disconnected", () => disconnects.push("disconnected"));
  // Why the driver closed pooled connections: "idle" is its own maxIdleTimeMS, "error" a socket the engine closed.
  const closeReasons: string[] = [];
  const heartbeatFailures: unknown[] = [];
  connection.getClient().on("connectionClosed", (event) => closeReasons.push(event.reason));
  connection.getClient().on("serverHeartbeatFailed", (event) => heartbeatFailures.push(event.failure));
  const c = connection.collection("notes");
  await c.insertMany([{ k: 1 }, { k: 2 }]);

  // A bystander that stays silent: the engine closes it, which shows the idle timer ran during the wait.
  const bystander = await RawClient.connect(engine.host, engine.port);
  await bystander.closed;
  await eventually(() => engine.transportStats().idleClosed >= 1);
  // Let every pooled connection of the platform sit idle past the engine's timeout as well.
  await new Promise((resolve) => setTimeout(resolve, IDLE_TIMEOUT_MS * 1.5));

  // A multi-document update is not retryable: it only succeeds if the pool hands out a live socket.
  expect((await c.updateMany({}, { $set: { seen: true } })).modifiedCount).toBe(2);
  expect(await c.countDocuments({ seen: true })).toBe(2);
  expect(disconnects).toEqual([]);
  expect(heartbeatFailures).toEqual([]);
  expect(closeReasons).toContain("idle");
  expect(closeReasons).not.toContain("error");
}, 30_000);
