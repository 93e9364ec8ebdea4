import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from "fastify";
import type { ResolvedConfig } from "./config";
import type { Database } from "./db/connect";
import { createModels } from "./db/models";
import { registerGraphQL } from "./graphql/graphql.route";
import { startReservationSweeper } from "./ai/reservation-sweeper";
import { BackupScheduler } from "./backup/backup.scheduler";
import { buildApiSchema } from "./graphql/schema";
import { answerClientError, answerFrameworkError, clientErrorBody } from "./rest/client-errors";
import { addPreflight, CORS_HEADERS } from "./rest/cors";
import { refuseOtherMethods } from "./rest/method-not-allowed";
import { apiSurface } from "./rest/api.plugin";
import { registerApiDocs } from "./rest/docs/api-docs";
import { v1Surface } from "./rest/v1.plugin";
import { defaultPlaygroundDir, registerPlayground } from "./playground/playground.route";
import { defaultDashboardDir, registerDashboard } from "./admin/admin.route";
import { createServices, type Services } from "./services";
import { healthRoutes } from "./modules/health/health.route";
import { probeRoutes } from "./modules/health/probes.route";
import { logRequests } from "./observability/request-log";
import { requestIdOf } from "./observability/request-id";
import { APP_VERSION } from "./version";
import { registerMetrics } from "./observability/metrics.route";
import { paddleWebhookRoute } from "./modules/billing/paddle-webhook.route";
import { startWebhookWorker } from "./modules/billing/webhook-worker";
import { startNotificationWorker } from "./modules/notifications/notification-worker";
import { startGraceSweeper } from "./modules/billing/grace-sweeper";
import { SnapshotScheduler } from "./modules/analytics/snapshot.scheduler";
import { analyticsCsvRoute } from "./modules/analytics/analytics-csv.route";

export interface AppDependencies {
  config: ResolvedConfig;
  /** Typed as Fastify's logger: a pino.Logger type would make the app incompatible with plugins (stack.md pitfall 8). */
  logger: FastifyBaseLogger;
  db: Database;
  /** Defaults to services over `db`; tests pass their own to share them with the test body. */
  services?: Services;
  /**
   * The timers that work in the background (webhook and notification workers, sweepers, daily snapshots). Default
   * true; false only for tests that count the database commands of one request, which those timers would add to.
   */
  backgroundWork?: boolean;
}

// The plugin REST contract caps bodies at 1 MiB (§1.7).
const BODY_LIMIT_BYTES = 1024 * 1024;

export async function buildApp({ config, logger, db, services: given, backgroundWork = true }: AppDependencies): Promise<FastifyInstance> {
  const services = given ?? createServices(createModels(db.connection), config);
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: BODY_LIMIT_BYTES,
    forceCloseConnections: "idle",
    // Fastify's two lines per request are replaced by one line of our own (observability/request-log.ts).
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: "request_id" }),
    // A proxy's X-Request-Id when well-formed, else a UUID: unique across instances, so a request id quoted by a
    // user finds its log lines.
    genReqId: requestIdOf,
    // Requests that still arrive while closing (kept-alive connections) get real answers, e.g. /readyz's own 503.
    return503OnClosing: false,
    // Fastify's defaults strip unknown properties and coerce types, accepting bodies we mean to reject.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
    clientErrorHandler: answerClientError,
    // The legacy usage route takes a license key in the path; keys of any length must reach it (and get a 404).
    routerOptions: { maxParamLength: 4096 },
    frameworkErrors: answerFrameworkError,
  });

  addResponseHeaders(app);
  addErrorReplies(app);
  addPreflight(app);
  if (config.logRequests) logRequests(app);
  await registerApiDocs(app);
  const backups = scheduleBackups(config, db, app.log);
  // Before every route, so that its request timing hook applies to all of them.
  await registerMetrics(app, { services, db, config: { ...config.metrics, host: config.host }, backups });
  await app.register(healthRoutes, {
    db,
    version: APP_VERSION,
    throttle: { services, enabled: config.throttle },
    backups: backups && (() => backups.health()),
  });
  await app.register(probeRoutes, { db });
  await app.register(apiSurface, { services, throttle: config.throttle });
  await app.register(v1Surface, { services });
  await app.register(paddleWebhookRoute, {
    paddle: config.paddle,
    events: services.webhookEvents,
    processor: services.webhookProcessor,
  });
  refuseOtherMethods(app, "/webhooks/paddle", ["POST"]);
  await app.register(analyticsCsvRoute, { services });
  await registerGraphQL(app, { schema: await buildApiSchema(), services, config });
  refuseOtherMethods(app, "/graphql", ["GET", "POST"]);
  for (const url of ["/api/health", "/admin/health"]) refuseOtherMethods(app, url, ["GET"]);
  if (config.playground) await registerPlayground(app, { dir: defaultPlaygroundDir() });
  if (config.dashboard) await registerDashboard(app, { dir: defaultDashboardDir() });
  if (backgroundWork) startBackgroundWork(app, services, config);
  if (backups) {
    // Started once the app is ready (an app that is built but never started takes no backups); stopped before the
    // database closes, so a backup in progress is cut short cleanly.
    app.addHook("onReady", async () => backups.start());
    app.addHook("onClose", async () => backups.stop());
  }
  return app;
}

/** Every instance runs these timers; each stops before the database closes. */
function startBackgroundWork(app: FastifyInstance, services: Services, config: ResolvedConfig): void {
  const stopSweeper = startReservationSweeper(services.quota, config.ai.timeoutMs, app.log);
  app.addHook("onClose", async () => stopSweeper());
  const stopWebhookWorker = startWebhookWorker(services.webhookProcessor, app.log.child({ component: "webhooks" }));
  app.addHook("onClose", async () => stopWebhookWorker());
  const stopNotificationWorker = startNotificationWorker(services.notificationDelivery, app.log.child({ component: "notifications" }));
  app.addHook("onClose", async () => stopNotificationWorker());
  const stopGraceSweeper = startGraceSweeper(services.graceSweeper, app.log.child({ component: "billing" }));
  app.addHook("onClose", async () => stopGraceSweeper());
  // Like backups: an app that is built but never started writes no snapshots.
  const snapshots = new SnapshotScheduler(services.snapshots, services.clock, app.log.child({ component: "analytics" }));
  app.addHook("onReady", async () => snapshots.start());
  app.addHook("onClose", async () => snapshots.stop());
}

function scheduleBackups(config: ResolvedConfig, db: Database, logger: FastifyBaseLogger): BackupScheduler | undefined {
  const { dir } = config.backup;
  if (dir === undefined) return undefined;
  return new BackupScheduler({
    connection: db.connection,
    config: { ...config.backup, dir },
    logger: logger.child({ component: "backup" }),
  });
}

function addResponseHeaders(app: FastifyInstance): void {
  // Without `connection: close`, a keep-alive client holds app.close() open for the 72 s keep-alive timeout.
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  // Set on arrival (synchronously: this runs for every request), so error and 404 replies carry them too.
  app.addHook("onRequest", (request, reply, done) => {
    reply.header("x-request-id", request.id);
    reply.headers(CORS_HEADERS);
    done();
  });
  // At send time, because requests already in flight when closing began must also say so.
  app.addHook("onSend", (_request, reply, payload, done) => {
    if (closing) reply.header("connection", "close");
    done(null, payload);
  });
}

function addErrorReplies(app: FastifyInstance): void {
  app.setNotFoundHandler(async (_request, reply) => reply.code(404).send({ error: "Not found", code: "NOT_FOUND" }));

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.code(status).send(clientErrorBody(error, status));
    }
    request.log.error({ err: error }, "unexpected error while handling a request");
    // The request id travels in the x-request-id header; the body is exactly the contract's.
    return reply.code(500).send({ error: "Internal server error", code: "INTERNAL_ERROR" });
  });
}
