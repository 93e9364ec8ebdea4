import "reflect-metadata";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { buildBareSchema, printApiSchema } from "./schema";

/** Writes schema/schema.graphql (run by `npm run emit-schema` after a build). */
async function main(): Promise<void> {
  const target = path.resolve(process.argv[2] ?? "schema/schema.graphql");
  writeFileSync(target, printApiSchema(await buildBareSchema()));
  process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
