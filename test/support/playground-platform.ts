// The real app (src/app.ts, with /graphql) on an in-memory embedded engine, with the playground mounted.
// Like test/support/platform.ts, except that the playground is registered before the app starts listening.
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { buildApp } from "../../src/app";
import { connectToEmbeddedEngine, type Database } from "../../src/db/connect";
import { startEmbeddedMongo } from "../../src/db/embedded";
import { createModels } from "../../src/db/models";
import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import type { AdminRole } from "../../src/modules/admins/admin.model";
import { registerPlayground } from "../../src/playground/playground.route";
import { createServices, type Services } from "../../src/services";
import { testConfig } from "./platform";

export interface PlaygroundPlatform {
  app: FastifyInstance;
  /** http://127.0.0.1:<port>, once listen() was called. */
  origin: string;
  services: Services;
  listen(): Promise<void>;
  /** A fresh admin token with this role, created through the service as the CLI does. */
  token(role: AdminRole): Promise<string>;
  stop(): Promise<void>;
}

export async function startPlaygroundPlatform(playgroundDir: string): Promise<PlaygroundPlatform> {
  const config = testConfig();
  const logger = pino({ level: "silent" });
  const engine = await startEmbeddedMongo();
  const db: Database = await connectToEmbeddedEngine(engine, `playground_${process.pid}`, logger);
  const services = createServices(createModels(db.connection), config);
  const app = await buildApp({ config, logger, db, services });
  // Once src/app.ts mounts the playground itself, this becomes a no-op rather than a duplicate route.
  if (!app.hasRoute({ method: "GET", url: "/playground/" })) await registerPlayground(app, { dir: playgroundDir });

  const platform: PlaygroundPlatform = {
    app,
    origin: "",
    services,
    async listen() {
      await app.listen({ host: "127.0.0.1", port: 0 });
      platform.origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    },
    async token(role) {
      return (await services.admins.create(`playground test ${role}`, role, SYSTEM_ACTOR)).token;
    },
    async stop() {
      await app.close();
      await db.close();
    },
  };
  return platform;
}
