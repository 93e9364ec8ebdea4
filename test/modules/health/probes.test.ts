import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { buildApp } from "../../../src/app";
import { connectToEmbeddedEngine, type Database } from "../../../src/db/connect";
import { startEmbeddedMongo, type EmbeddedMongo } from "../../../src/db/embedded";
import { testConfig } from "../../support/platform";

const OK = '{"status":"ok"}';
const PROBE_CALLS = 1000;

interface Answer {
  status: number;
  text: string;
  headers: Headers;
}

async function get(url: string, method = "GET"): Promise<Answer> {
  const response = await fetch(url, { method });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: "127.0.0.1", port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

describe("GET /livez and /readyz (real HTTP, in-memory embedded engine, throttling on)", () => {
  const logger = pino({ level: "silent" });
  let engine: EmbeddedMongo;
  let db: Database;
  let app: FastifyInstance;
  let baseUrl: string;
  let engineStopped = false;

  beforeAll(async () => {
    engine = await startEmbeddedMongo();
    db = await connectToEmbeddedEngine(engine, "probes_test", logger);
    // THROTTLE is on (the default): /api/health would answer 429 after 50 calls an hour.
    app = await buildApp({ config: testConfig(), logger, db });
    baseUrl = await listen(app);
  });

  afterAll(async () => {
    await app.close();
    await (engineStopped ? db.connection.close() : db.close());
  });

  for (const url of ["/livez", "/readyz"]) {
    it(`${url} answers ${PROBE_CALLS} calls in a row with 200 {"status":"ok"}, uncached, never 429`, async () => {
      const statuses = new Map<number, number>();
      const bodies = new Set<string>();
      const cacheControls = new Set<string | null>();
      for (let call = 0; call < PROBE_CALLS; call += 1) {
        const answer = await get(`${baseUrl}${url}`);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        bodies.add(answer.text);
        cacheControls.add(answer.headers.get("cache-control"));
      }
      expect(Object.fromEntries(statuses)).toEqual({ 200: PROBE_CALLS });
      expect([...bodies]).toEqual([OK]);
      expect([...cacheControls]).toEqual(["no-store"]);
    });
  }

  it("counts no probe against any limit, while /api/health is counted", async () => {
    const windows = db.connection.collection("rate_limits");
    expect(await windows.countDocuments()).toBe(0);
    expect((await get(`${baseUrl}/api/health`)).status).toBe(200);
    expect(await windows.countDocuments()).toBeGreaterThan(0);
  });

  it("answers HEAD like GET without a body, refuses other methods with 405, and answers the CORS preflight", async () => {
    for (const url of ["/livez", "/readyz"]) {
      const head = await get(`${baseUrl}${url}`, "HEAD");
      expect(head).toMatchObject({ status: 200, text: "" });
      expect(head.headers.get("cache-control")).toBe("no-store");

      for (const method of ["POST", "PUT", "DELETE"]) {
        const refused = await get(`${baseUrl}${url}`, method);
        expect(refused.status).toBe(405);
        expect(refused.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
        expect(JSON.parse(refused.text)).toEqual({ error: "Method not allowed", code: "METHOD_NOT_ALLOWED" });
      }

      expect((await get(`${baseUrl}${url}`, "OPTIONS")).status).toBe(204);
    }
  });

  it("ignores a query string", async () => {
    expect(await get(`${baseUrl}/readyz?verbose=1`)).toMatchObject({ status: 200, text: OK });
  });

  // Last: it stops the engine.
  it("/readyz answers 503 once the database is gone, while /livez (no database call) still answers 200", async () => {
    await engine.stop();
    engineStopped = true;

    const ready = await get(`${baseUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get("content-type")).toMatch(/^application\/json/);
    expect(ready.headers.get("cache-control")).toBe("no-store");
    expect(JSON.parse(ready.text)).toEqual({ status: "unavailable", reason: "database" });
    expect((await get(`${baseUrl}/readyz`)).status).toBe(503);

    expect(await get(`${baseUrl}/livez`)).toMatchObject({ status: 200, text: OK });
  });
});

describe("/readyz during shutdown", () => {
  it("answers 503 shutting_down once closing has begun, while /livez still answers 200", async () => {
    const logger = pino({ level: "silent" });
    const engine = await startEmbeddedMongo();
    const db = await connectToEmbeddedEngine(engine, "probes_shutdown_test", logger);
    const app = await buildApp({ config: testConfig(), logger, db });
    const duringClose: Record<string, Answer> = {};
    let baseUrl = "";
    // A plugin registered after the app's own runs its preClose hook after theirs, while the server still listens:
    // what a load balancer polling /readyz sees in the moments before the instance stops accepting connections.
    await app.register(async (child) => {
      child.addHook("preClose", async () => {
        duringClose.readyz = await get(`${baseUrl}/readyz`);
        duringClose.livez = await get(`${baseUrl}/livez`);
      });
    });
    baseUrl = await listen(app);
    expect((await get(`${baseUrl}/readyz`)).status).toBe(200);

    await app.close();
    await db.close();

    expect(duringClose.readyz?.status).toBe(503);
    expect(JSON.parse(duringClose.readyz?.text ?? "")).toEqual({ status: "unavailable", reason: "shutting_down" });
    expect(duringClose.readyz?.headers.get("connection")).toBe("close");
    expect(duringClose.livez).toMatchObject({ status: 200, text: OK });
  });
});
