import "reflect-metadata";
import { rm } from "node:fs/promises";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { buildApp } from "./app";
import { ConfigError, loadConfig, resolveAppSecret, type ResolvedConfig } from "./config";
import { connectDatabase, DatabaseStartError, type Database } from "./db/connect";
import { createModels } from "./db/models";
import { createLogger } from "./logger";
import { SYSTEM_ACTOR } from "./modules/activity/activity.service";
import { AdminRole } from "./modules/admins/admin.model";
import { SetupService, type DemoLicense } from "./modules/setup/setup.service";
import { AppSecretMismatchError, checkAppSecret } from "./modules/setup/app-secret.check";
import { createServices, type Services } from "./services";

// Long enough for in-flight requests and the journal flush, short enough for an orchestrator's grace period.
const FORCED_EXIT_AFTER_MS = 15_000;

async function main(): Promise<void> {
  const config = await loadResolvedConfig();
  const logger = createLogger(config);
  let db: Database;
  try {
    db = await connectDatabase(config, logger);
  } catch (error) {
    exitOnBootFailure(logger, error);
  }
  try {
    const services = createServices(createModels(db.connection), config);
    await checkSecret(services, config);
    const firstRun = await prepareDatabase(db, services, config, logger);
    const app = await buildApp({ config, logger, db, services });
    stopOnSignals(app, db, logger);
    const address = await app.listen({
      host: config.host,
      port: config.port,
      // Replaces Fastify's own "Server listening at" line, so one line says everything about the boot.
      listenTextResolver: (address) => `Chatello platform listening on ${address} (database: ${describeDatabase(db, config)})`,
    });
    // Plain text on stderr: stdout carries only JSON log lines, and a log collector must never receive these secrets.
    if (firstRun) process.stderr.write(welcome(address, firstRun, config));
  } catch (error) {
    // Stopping the engine flushes its journal and frees the data folder for the next attempt.
    await db.close().catch((closeError: unknown) => logger.error({ err: closeError }, "closing the database failed"));
    exitOnBootFailure(logger, error);
  }
}

interface FirstRun {
  ownerToken: string;
  licenses: DemoLicense[];
}

/**
 * Indexes, plans and counter repairs on every boot (idempotent). An empty embedded database outside production is
 * a first run on a developer's machine: it also gets demo data and an owner token, printed once so the playground
 * can be tried straight away. Production never gets either: demo licenses would be real licenses on the platform's
 * provider keys, and secrets do not belong in a log stream. Its operator makes the first owner token with the CLI.
 */
async function prepareDatabase(db: Database, services: Services, config: ResolvedConfig, logger: Logger): Promise<FirstRun | undefined> {
  const setup = new SetupService(services);
  const firstRun = config.nodeEnv !== "production" && db.type === "embedded" && (await setup.isEmpty());
  const { countersRepaired } = await setup.init();
  if (countersRepaired.seats + countersRepaired.lifetimeSold > 0) {
    logger.warn({ countersRepaired }, "repaired counters that disagreed with their records (site seats, lifetime sales)");
  }
  if (config.nodeEnv === "production" && (await services.admins.countActive()) === 0) {
    logger.info(
      "no admin token works yet: create the first owner token with `npm run cli -- admin:token create --role owner --name <you>`",
    );
  }
  if (!firstRun) return undefined;
  const { licenses } = await setup.sample();
  const { token } = await services.admins.create("owner (created at first start)", AdminRole.owner, SYSTEM_ACTOR);
  return { ownerToken: token, licenses };
}

/** Refuses to run with a secret other than the database's; a secret file made just now for it is taken back. */
async function checkSecret(services: Services, config: ResolvedConfig): Promise<void> {
  try {
    await checkAppSecret(services.models, services.secrets, config.appSecretOrigin ?? { kind: "environment" });
  } catch (error) {
    const origin = config.appSecretOrigin;
    if (error instanceof AppSecretMismatchError && origin?.kind === "file" && origin.createdNow) await rm(origin.path, { force: true });
    throw error;
  }
}

function welcome(address: string, firstRun: FirstRun, config: Pick<ResolvedConfig, "playground" | "dashboard">): string {
  const lines = [
    "",
    "First start on an empty database: demo data added.",
    ...(config.dashboard ? [`  Admin dashboard: ${address}/admin/ (sign in with the owner token)`] : []),
    config.playground ? `  GraphQL playground: ${address}/playground` : `  GraphQL API: ${address}/graphql`,
    `  Owner token (shown once; paste into the playground's Headers as {"Authorization": "Bearer <token>"}):`,
    `    ${firstRun.ownerToken}`,
    "  Demo license keys (X-License-Key):",
    ...firstRun.licenses.map((license) => `    ${license.plan.padEnd(9)} ${license.key}`),
    "  More tokens: npm run cli -- admin:token create --role admin --name <who>",
    "",
  ];
  return `${lines.join("\n")}\n`;
}

async function loadResolvedConfig(): Promise<ResolvedConfig> {
  try {
    return await resolveAppSecret(loadConfig());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

function describeDatabase(db: Database, config: ResolvedConfig): string {
  return db.type === "embedded" ? `embedded at ${db.uri}, data in ${config.dataDir}` : `MongoDB at ${db.uri}`;
}

function exitOnBootFailure(logger: Logger, error: unknown): never {
  logger.fatal({ err: error }, "boot failed");
  // The operator needs the reason even when logging is silenced.
  process.stderr.write(`Cannot start: ${describeBootError(error)}\n`);
  logger.flush();
  process.exit(1);
}

// Expected failures (database unreachable, port taken) read best as one line; anything else needs its stack.
function describeBootError(error: unknown): string {
  if (error instanceof DatabaseStartError || error instanceof AppSecretMismatchError) return error.message;
  if (error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string") return error.message;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

function stopOnSignals(app: FastifyInstance, db: Database, logger: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, "second signal: exiting now without waiting");
      logger.flush();
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, "shutting down: finishing in-flight requests");
    setTimeout(() => {
      logger.error(`shutdown took longer than ${FORCED_EXIT_AFTER_MS / 1000} s: forcing exit`);
      logger.flush();
      process.exit(1);
    }, FORCED_EXIT_AFTER_MS).unref();
    stop(app, db, logger).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}

async function stop(app: FastifyInstance, db: Database, logger: Logger): Promise<void> {
  try {
    await app.close();
    await db.close();
    logger.info(db.type === "embedded" ? "stopped: database journal flushed" : "stopped");
  } catch (error) {
    logger.error({ err: error }, "shutdown failed");
    throw error;
  } finally {
    logger.flush();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Cannot start: ${describeBootError(error)}\n`);
  process.exit(1);
});
