import { loadConfig, resolveAppSecret, type ResolvedConfig } from "../config";
import { connectDatabase, type Database } from "../db/connect";
import { createModels } from "../db/models";
import { checkAppSecret } from "../modules/setup/app-secret.check";
import { createServices, type Services } from "../services";
import { createCliLogger } from "./cli.logger";

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
  const logger = createCliLogger(config);
  const db = await connectDatabase(config, logger, { attachToRunningEngine: true });
  try {
    const services = createServices(createModels(db.connection), config);
    // A token or license made under another secret would be unusable by the platform.
    await checkAppSecret(services.models, services.secrets, config.appSecretOrigin ?? { kind: "environment" });
    return await run({ config, db, services });
  } finally {
    await db.close();
  }
}
