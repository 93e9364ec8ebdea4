import { runMongoMigration, type MongoMigrationOptions } from "../../src/migration/mongo/mongo.importer";
import { MongoV2Source } from "../../src/migration/mongo/mongo.source";
import { parseMongoUrl } from "../../src/migration/mongo/mongo.url";
import type { MigrationReport } from "../../src/migration/migration.report";
import type { TestPlatform } from "../support/platform";

/** Runs the v2 importer in this process against a test platform (the CLI test runs the same through the real CLI). */
export async function migrateV2(
  url: string,
  database: string,
  platform: Pick<TestPlatform, "services" | "db">,
  options: MongoMigrationOptions,
): Promise<MigrationReport> {
  const source = await MongoV2Source.open(parseMongoUrl(url, database));
  try {
    return await runMongoMigration(source, platform.services, platform.db, options);
  } finally {
    await source.close();
  }
}
