import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import type { Registry } from "prom-client";
import type { CommandFailedEvent, CommandStartedEvent, CommandSucceededEvent } from "mongodb";
import type { BackupScheduler } from "../backup/backup.scheduler";
import type { MetricsConfig } from "../config";
import type { Database } from "../db/connect";
import type { Services } from "../services";
import { addScrapeTimeMetrics } from "./scrape.metrics";

export const METRICS_PATH = "/metrics";

export interface MetricsDependencies {
  services: Services;
  db: Database;
  config: MetricsConfig & { host: string };
  backups?: BackupScheduler;
}

const wiredRegistries = new WeakSet<Registry>();

/** Where a separate metrics listener (METRICS_PORT) is listening, for tests and the boot message. */
const separateListeners = new WeakMap<FastifyInstance, Server>();

export function metricsAddress(app: FastifyInstance): AddressInfo | undefined {
  const address = separateListeners.get(app)?.address();
  return address !== null && typeof address === "object" ? address : undefined;
}

/**
 * Prometheus metrics for this instance: times every request, times the database commands, and serves the
 * registry at /metrics, on the main port or, with METRICS_PORT, on a port of its own (then only there). It is
 * outside the throttled surfaces; METRICS_TOKEN, when set, is required as a Bearer token.
 */
export async function registerMetrics(app: FastifyInstance, deps: MetricsDependencies): Promise<void> {
  const { metrics } = deps.services;
  // Two apps over the same services (a test of two instances sharing state) share the registry: its process,
  // scrape-time and database families are made once, by the first; each app still times its own requests.
  if (!wiredRegistries.has(metrics.registry)) {
    wiredRegistries.add(metrics.registry);
    metrics.collectProcessMetrics();
    addScrapeTimeMetrics(metrics.registry, { ...deps, logger: app.log });
    timeDatabaseCommands(app, deps);
  }
  timeRequests(app, deps);

  const scrape = async (authorization: string | undefined): Promise<{ status: number; type: string; body: string }> => {
    if (!authorized(authorization, deps.config.token)) {
      return {
        status: 401,
        type: "application/json; charset=utf-8",
        body: JSON.stringify({ error: "Unauthorized", code: "UNAUTHORIZED" }),
      };
    }
    return { status: 200, type: metrics.registry.contentType, body: await metrics.registry.metrics() };
  };

  if (deps.config.port === undefined) {
    app.get(METRICS_PATH, async (request, reply) => {
      const answer = await scrape(request.headers.authorization);
      return reply.code(answer.status).type(answer.type).header("cache-control", "no-store").send(answer.body);
    });
    return;
  }
  const server = createServer((request, response) => void answerSeparately(request, response, scrape, app));
  separateListeners.set(app, server);
  // Listening when the app is ready, so a port already taken fails the boot like the main port would.
  app.addHook("onReady", async () => {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(deps.config.port, deps.config.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  });
  app.addHook("onClose", async () => {
    if (!server.listening) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
}

async function answerSeparately(
  request: IncomingMessage,
  response: ServerResponse,
  scrape: (authorization: string | undefined) => Promise<{ status: number; type: string; body: string }>,
  app: FastifyInstance,
): Promise<void> {
  const path = (request.url ?? "").split("?")[0];
  let answer: { status: number; type: string; body: string };
  if (path !== METRICS_PATH) {
    answer = { status: 404, type: "application/json; charset=utf-8", body: JSON.stringify({ error: "Not found", code: "NOT_FOUND" }) };
  } else if (request.method !== "GET" && request.method !== "HEAD") {
    answer = {
      status: 405,
      type: "application/json; charset=utf-8",
      body: JSON.stringify({ error: "Method not allowed", code: "METHOD_NOT_ALLOWED" }),
    };
  } else {
    try {
      answer = await scrape(request.headers.authorization);
    } catch (error) {
      app.log.error({ err: error }, "metrics: the scrape failed");
      answer = {
        status: 500,
        type: "application/json; charset=utf-8",
        body: JSON.stringify({ error: "Internal server error", code: "INTERNAL_ERROR" }),
      };
    }
  }
  response.writeHead(answer.status, { "content-type": answer.type, "cache-control": "no-store" });
  response.end(request.method === "HEAD" ? undefined : answer.body);
}

/** Constant-time: both sides are hashed first, so neither the content nor the length of the token leaks. */
function authorized(header: string | undefined, token: string | undefined): boolean {
  if (token === undefined) return true;
  const given = /^Bearer (.+)$/i.exec(header ?? "")?.[1] ?? "";
  const digest = (text: string): Buffer => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(token));
}

function timeRequests(app: FastifyInstance, deps: MetricsDependencies): void {
  const { duration } = deps.services.metrics.http;
  // onResponse runs after the last byte is sent; synchronous, so timing costs a label lookup and an addition.
  app.addHook("onResponse", (request, reply, done) => {
    // The route pattern (`/api/usage/:key`), never the URL: a URL holds keys and ids and would make a series per caller.
    const route = request.routeOptions.url ?? "unmatched";
    if (route !== METRICS_PATH) {
      duration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
    }
    done();
  });
}

/** Commands in flight are few (one per pooled connection); more than this means events were lost, so start over. */
const MAX_COMMANDS_IN_FLIGHT = 10_000;

function timeDatabaseCommands(app: FastifyInstance, deps: MetricsDependencies): void {
  const { commandDuration, commandFailures } = deps.services.metrics.db;
  // Undefined for a connection that was never opened (tests that build the app over no database).
  const client = deps.db.connection.getClient() as ReturnType<Database["connection"]["getClient"]> | undefined;
  if (client === undefined) return;
  // The driver's own `duration` is in whole milliseconds, too coarse for the embedded engine's tens of
  // microseconds: each command is timed here from its started event, keyed by its request id (unique per process).
  const startedAt = new Map<number, bigint>();
  const secondsSince = (requestId: number): number | undefined => {
    const started = startedAt.get(requestId);
    if (started === undefined) return undefined;
    startedAt.delete(requestId);
    return Number(process.hrtime.bigint() - started) / 1e9;
  };
  const started = (event: CommandStartedEvent): void => {
    if (startedAt.size >= MAX_COMMANDS_IN_FLIGHT) startedAt.clear();
    startedAt.set(event.requestId, process.hrtime.bigint());
  };
  const succeeded = (event: CommandSucceededEvent): void => {
    commandDuration.observe({ command: event.commandName }, secondsSince(event.requestId) ?? event.duration / 1000);
  };
  const failed = (event: CommandFailedEvent): void => {
    commandDuration.observe({ command: event.commandName }, secondsSince(event.requestId) ?? event.duration / 1000);
    commandFailures.inc({ command: event.commandName });
  };
  client.on("commandStarted", started);
  client.on("commandSucceeded", succeeded);
  client.on("commandFailed", failed);
  app.addHook("onClose", async () => {
    client.off("commandStarted", started);
    client.off("commandSucceeded", succeeded);
    client.off("commandFailed", failed);
  });
}
