import type { Command } from "commander";
import { SetupService } from "../modules/setup/setup.service";
import { withPlatform } from "./context";
import { createOutput } from "./output";

export function registerSetupCommands(program: Command): void {
  const setup = program.command("setup").description("prepare a database: check the connection, create indexes and plans, add demo data");

  setup
    .command("test")
    .description("connect to the database and report what is there")
    .action(async () => {
      const out = createOutput(program.opts().json === true);
      await withPlatform(async ({ db, services }) => {
        const names = (await db.connection.db?.listCollections({}, { nameOnly: true }).toArray())?.map((entry) => entry.name).sort() ?? [];
        const collections: Record<string, number> = {};
        for (const name of names) collections[name] = await db.connection.collection(name).estimatedDocumentCount();
        const plans = (await services.plans.list(true)).map((plan) => plan.name);
        out.result({ ok: true, database: { type: db.type, uri: db.uri, name: db.connection.name }, collections, plans }, () => {
          out.line(
            `Connected to ${db.type === "embedded" ? "the embedded engine" : "MongoDB"} at ${db.uri} (database ${db.connection.name})`,
          );
          out.line(
            names.length === 0
              ? "No collections yet: run `setup init`."
              : `Collections: ${names.map((name) => `${name} (${collections[name]})`).join(", ")}`,
          );
          out.line(plans.length === 0 ? "No plans yet: run `setup init`." : `Plans: ${plans.join(", ")}`);
        });
      });
    });

  setup
    .command("init")
    .description("create every index and insert the contract's plans (safe to run again)")
    .action(async () => {
      const out = createOutput(program.opts().json === true);
      await withPlatform(async ({ services }) => {
        out.line("Creating indexes and plans…");
        const result = await new SetupService(services).init();
        out.result({ ok: true, ...result }, () => {
          out.line(
            result.plansInserted.length > 0
              ? `Done. Plans added: ${result.plansInserted.join(", ")}.`
              : "Done. Indexes are in place; all plans already existed.",
          );
          const { seats, lifetimeSold } = result.countersRepaired;
          if (seats + lifetimeSold > 0)
            out.line(
              `Repaired counters that disagreed with their records: ${seats} licenses' site seats, ${lifetimeSold} plans' lifetime sales.`,
            );
        });
      });
    });

  setup
    .command("sample")
    .description("add demo customers, a license on every plan, payments and some AI usage (safe to run again)")
    .action(async () => {
      const out = createOutput(program.opts().json === true);
      await withPlatform(async ({ services }) => {
        const setupService = new SetupService(services);
        out.line("Creating indexes and plans…");
        await setupService.init();
        out.line("Adding demo customers and licenses…");
        const { licenses } = await setupService.sample();
        out.result({ ok: true, licenses }, () => {
          out.line("Demo license keys (X-License-Key):");
          for (const license of licenses) out.line(`  ${license.plan.padEnd(9)} ${license.key}  (${license.email})`);
        });
      });
    });
}
