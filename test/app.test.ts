import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import mongoose from "mongoose";
import pino from "pino";
import { buildApp } from "../src/app";
import { testConfig } from "./support/platform";
import type { Database } from "../src/db/connect";

// These routes never reach the database, so a connection that is never opened is enough.
const unusedDatabase: Database = {
  type: "embedded",
  uri: "mongodb://127.0.0.1:1/",
  connection: mongoose.createConnection(),
  close: async () => undefined,
};

describe("buildApp", () => {
  let app: FastifyInstance;
  const logLines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const logger: FastifyBaseLogger = pino({ level: "info" }, sink);
    app = await buildApp({ config: testConfig(), logger, db: unusedDatabase });
    app.post(
      "/test/strict",
      { schema: { body: { type: "object", additionalProperties: false, properties: { n: { type: "integer" } } } } },
      async (request) => request.body,
    );
    app.get("/test/boom", async () => {
      throw new Error("connection string mongodb://admin:hunter2@db leaked");
    });
    await app.ready();
  });
  afterAll(() => app.close());

  it("answers unknown routes with a JSON 404", async () => {
    const response = await app.inject({ method: "GET", url: "/nope" });
    expect(response.statusCode).toBe(404);
    expect(response.headers["content-type"]).toMatch(/^application\/json/);
    expect(response.json()).toEqual({ error: "Not found", code: "NOT_FOUND" });
  });

  it("answers malformed JSON with a 400 and no internals", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/test/strict",
      headers: { "content-type": "application/json" },
      payload: '{"n": 1,',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: "Invalid JSON body", code: "INVALID_INPUT" });
  });

  it("rejects unknown properties and strings for integers instead of stripping or coercing them", async () => {
    for (const payload of [{ n: 1, extra: true }, { n: "3" }]) {
      const response = await app.inject({ method: "POST", url: "/test/strict", payload });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: "INVALID_INPUT" });
    }
    const accepted = await app.inject({ method: "POST", url: "/test/strict", payload: { n: 3 } });
    expect(accepted.json()).toEqual({ n: 3 });
  });

  it("answers a body over 1 MiB with a 413", async () => {
    const response = await app.inject({ method: "POST", url: "/test/strict", payload: { s: "x".repeat(1024 * 1024) } });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({ error: "Request body too large", code: "INVALID_INPUT" });
  });

  it("masks unexpected errors and logs them with the request id", async () => {
    const response = await app.inject({ method: "GET", url: "/test/boom" });
    expect(response.statusCode).toBe(500);
    const requestId = response.headers["x-request-id"];
    expect(response.json()).toEqual({ error: "Internal server error", code: "INTERNAL_ERROR" });
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.body).not.toContain("hunter2");
    expect(response.body).not.toContain("at ");

    const logged = logLines.find((line) => line["request_id"] === requestId);
    expect(logged).toMatchObject({ level: 50, err: { message: expect.stringContaining("leaked") } });
  });
});

describe("closing the app", () => {
  it("finishes the request in flight and does not wait for idle keep-alive sockets", async () => {
    const app = await buildApp({ config: testConfig(), logger: pino({ level: "silent" }), db: unusedDatabase });
    app.get("/test/slow", async () => {
      await delay(300);
      return { done: true };
    });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    await (await fetch(`${baseUrl}/warm-up`)).text(); // leaves an idle keep-alive socket behind

    const inFlight = fetch(`${baseUrl}/test/slow`);
    await delay(50);
    // Without the connection: close hook, close() waits for the idle socket's 72 s keep-alive and the test times out.
    await app.close();

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ done: true });
    expect(response.headers.get("connection")).toBe("close");
  });
});
