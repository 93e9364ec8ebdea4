import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { buildBareSchema, printApiSchema } from "../../src/graphql/schema";

// The committed SDL and the typed operations generated from it must be what the code produces today; otherwise the
// dashboard and the typecheck work against a schema that no longer exists.

const ROOT = path.resolve(__dirname, "../..");
const GENERATED = "test/__generated__/operations.ts";

describe("committed schema artefacts", () => {
  it("schema/schema.graphql is what the resolvers build", async () => {
    const committed = readFileSync(path.join(ROOT, "schema/schema.graphql"), "utf8");
    const fresh = printApiSchema(await buildBareSchema());
    if (fresh !== committed) throw new Error("schema/schema.graphql is stale: run npm run emit-schema");
    expect(fresh).toBe(committed);
  });

  it(`${GENERATED} is what codegen.yml generates from the committed schema and operations`, async () => {
    // The codegen CLI is ESM (yargs), which Jest on Node 20 cannot load (stack.md pitfall 12): run it as a process,
    // with codegen.yml's output redirected to a temporary folder.
    const temp = mkdtempSync(path.join(tmpdir(), "codegen-"));
    try {
      const config = readFileSync(path.join(ROOT, "codegen.yml"), "utf8");
      expect(config).toContain(`  ${GENERATED}:`);
      const output = path.join(temp, "operations.ts");
      const tempConfig = path.join(temp, "codegen.yml");
      writeFileSync(tempConfig, config.replace(`  ${GENERATED}:`, `  ${JSON.stringify(output)}:`));
      const bin = require.resolve("@graphql-codegen/cli/package.json").replace(/package\.json$/, "esm/bin.js");
      await promisify(execFile)(process.execPath, [bin, "--config", tempConfig, "--silent"], { cwd: ROOT });
      const fresh = readFileSync(output, "utf8");
      const committed = readFileSync(path.join(ROOT, GENERATED), "utf8");
      if (fresh !== committed) throw new Error(`${GENERATED} is stale: run npm run codegen`);
      expect(fresh).toBe(committed);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  });
});
