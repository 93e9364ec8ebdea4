import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import pino from "pino";
import { connectToEmbeddedEngine, type Database } from "../../src/db/connect";
import { startEmbeddedMongo, type EmbeddedMongo } from "../../src/db/embedded";
import { createModels } from "../../src/db/models";
import { SetupService } from "../../src/modules/setup/setup.service";
import { createServices, type Services } from "../../src/services";
import { ensureBuilt, ROOT } from "./build";
import { postGraphQL, testConfig, TEST_APP_SECRET, type GraphQLResponse } from "./platform";

const LISTENING = /Chatello platform listening on (http:\/\/127\.0\.0\.1:\d+)/;

/** The platform running as its own operating-system process (dist/main.js), as production runs it. */
export interface PlatformProcess {
  baseUrl: string;
  child: ChildProcess;
  graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  /** SIGKILL: no shutdown hook runs, nothing is flushed, in-flight requests die with it. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/** One database (an embedded engine in this test process, reached over TCP) shared by platform processes. */
export interface SharedDatabase {
  engine: EmbeddedMongo;
  db: Database;
  /** Services over the same database, for the test's own setup and its invariant checks. */
  services: Services;
  /** Starts one more platform process on this database. */
  startPlatform(env?: Record<string, string>): Promise<PlatformProcess>;
  stop(): Promise<void>;
}

export async function startSharedDatabase(): Promise<SharedDatabase> {
  await ensureBuilt();
  const engine = await startEmbeddedMongo();
  const dbName = `shared_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const db = await connectToEmbeddedEngine(engine, dbName, pino({ level: "silent" }));
  const services = createServices(createModels(db.connection), testConfig());
  await new SetupService(services).init();
  const platforms: PlatformProcess[] = [];
  return {
    engine,
    db,
    services,
    async startPlatform(env = {}) {
      const platform = await spawnPlatform({ MONGODB_URI: engine.uri, MONGODB_DATABASE: dbName, ...env });
      platforms.push(platform);
      return platform;
    },
    async stop() {
      await Promise.all(platforms.map((platform) => platform.stop()));
      await db.close();
    },
  };
}

async function spawnPlatform(env: Record<string, string>): Promise<PlatformProcess> {
  // Only PATH is inherited: Jest's own NODE_ENV and a MONGODB_URI from the shell must not leak in.
  const child = spawn(process.execPath, [path.join(ROOT, "dist", "main.js")], {
    cwd: ROOT,
    env: {
      PATH: process.env["PATH"] ?? "",
      NODE_ENV: "test",
      APP_SECRET: TEST_APP_SECRET,
      PORT: "0",
      LOG_LEVEL: "info",
      LICENSE_CACHE_TTL_MS: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the platform did not start within 20 s:\n${output}`)), 20_000);
    const look = (): void => {
      const match = LISTENING.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve(match[1] ?? "");
    };
    child.stdout?.on("data", look);
    child.once("exit", () => {
      clearTimeout(timer);
      reject(new Error(`the platform exited before listening:\n${output}`));
    });
  });
  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    baseUrl,
    child,
    graphql: (query, variables, headers) => postGraphQL(baseUrl, query, variables, headers),
    kill9: () => kill("SIGKILL"),
    stop: () => kill("SIGTERM"),
  };
}
