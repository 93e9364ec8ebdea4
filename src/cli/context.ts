import pino from "pino";
import { loadConfig, resolveAppSecret, type ResolvedConfig } from "../config";
import { connectDatabase, type Database } from "../db/connect";
import { createModels } from "../db/models";
import { createServices, type Services } from "../services";

export interface CliContext {
  config: ResolvedConfig;
  db: Database;
  services: Services;
}

/**
 * Connects the way the platform does (same configuration), but attaches to the engine of a running platform
 * when one owns DATA_DIR, instead of opening its files a second time.
 */
export async function withPlatform<T>(run: (ctx: CliContext) => Promise<T>): Promise<T> {
  const config = await resolveAppSecret(loadConfig());
  const logger = pino({ level: config.logLevel === "info" ? "warn" : config.logLevel });
  const db = await connectDatabase(config, logger, { attachToRunningEngine: true });
  try {
    return await run({ config, db, services: createServices(createModels(db.connection), config) });
  } finally {
    await db.close();
  }
}
