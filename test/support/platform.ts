import type { AddressInfo } from "node:net";
import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import pino from "pino";
import { buildApp } from "../../src/app";
import { loadConfig, type ResolvedConfig } from "../../src/config";
import { connectToEmbeddedEngine, type Database } from "../../src/db/connect";
import { startEmbeddedMongo } from "../../src/db/embedded";
import { createModels } from "../../src/db/models";
import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import { type AdminRole } from "../../src/modules/admins/admin.model";
import { SetupService } from "../../src/modules/setup/setup.service";
import type { Clock } from "../../src/clock";
import { createServices, type Services } from "../../src/services";

export const TEST_APP_SECRET = "test-secret-0123456789abcdef0123456789abcdef";

/** A validated test configuration (NODE_ENV=test, a fixed APP_SECRET), with overrides as environment variables. */
export function testConfig(env: Record<string, string> = {}): ResolvedConfig {
  // No license-check cache unless a test asks for one: tests change data directly and read it back at once.
  const config = loadConfig({ NODE_ENV: "test", APP_SECRET: TEST_APP_SECRET, LICENSE_CACHE_TTL_MS: "0", ...env });
  return { ...config, appSecret: config.appSecret ?? TEST_APP_SECRET };
}

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

export interface TestPlatform {
  app: FastifyInstance;
  baseUrl: string;
  db: Database;
  services: Services;
  /** POSTs a GraphQL operation over real HTTP. */
  graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  /** A fresh admin token with this role (created through the service, as the CLI does). */
  token(role: AdminRole): Promise<string>;
  stop(): Promise<void>;
}

/** The whole platform on an in-memory embedded engine, listening on 127.0.0.1 (real HTTP, real TCP to the engine). */
export async function startTestPlatform(
  /** logger: the app's (default: silent), e.g. one writing to a stream the test reads. */
  /** backgroundWork: false for a test that runs the workers itself (drain()), e.g. on a pinned clock. */
  options: { env?: Record<string, string>; seed?: boolean; clock?: Clock; logger?: FastifyBaseLogger; backgroundWork?: boolean } = {},
): Promise<TestPlatform> {
  const config = testConfig(options.env);
  const engine = await startEmbeddedMongo();
  const logger = pino({ level: "silent" });
  const db = await connectToEmbeddedEngine(engine, `test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`, logger);
  const services = createServices(createModels(db.connection), config, { clock: options.clock });
  if (options.seed !== false) await new SetupService(services).init();
  return servePlatform(config, db, services, options.logger, { backgroundWork: options.backgroundWork });
}

/** Builds the app over a database and services, and listens on 127.0.0.1 (any free port). */
export async function servePlatform(
  config: ResolvedConfig,
  db: Database,
  services: Services,
  logger: FastifyBaseLogger = pino({ level: "silent" }),
  options: { backgroundWork?: boolean } = {},
): Promise<TestPlatform> {
  const app = await buildApp({ config, logger, db, services, backgroundWork: options.backgroundWork });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    app,
    baseUrl,
    db,
    services,
    graphql: (query, variables, headers) => postGraphQL(baseUrl, query, variables, headers),
    async token(role: AdminRole) {
      return (await services.admins.create(`test ${role}`, role, SYSTEM_ACTOR)).token;
    },
    async stop() {
      await app.close();
      await db.close();
    },
  };
}

/** POSTs a GraphQL operation to a running platform over real HTTP. */
export async function postGraphQL<T = Record<string, unknown>>(
  baseUrl: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, "status">;
  return { status: response.status, ...body };
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
export const licenseKeyHeader = (key: string): Record<string, string> => ({ "x-license-key": key });
