import type { Command } from "commander";
import { SYSTEM_ACTOR } from "../modules/activity/activity.service";
import { withPlatform } from "./context";
import { createOutput } from "./output";

export function registerLicenseCommands(program: Command): void {
  program
    .command("license:issue")
    .description("issue a license (creating the customer if needed) and print its key; Founders seats are capped as everywhere")
    .requiredOption("--email <email>", "the customer's email")
    .requiredOption("--plan <plan>", "starter, pro, agency or founders")
    .option("--name <name>", "the customer's name, when the customer is new")
    .action(async (options: { email: string; plan: string; name?: string }) => {
      const out = createOutput(program.opts().json === true);
      await withPlatform(async ({ services }) => {
        const existing = await services.models.Customer.findOne({ email: options.email.trim().toLowerCase() }).lean().exec();
        const customer = existing ?? (await services.customers.create({ email: options.email, name: options.name ?? null }, SYSTEM_ACTOR));
        const { key, license } = await services.licenses.issue({ customerId: customer._id, plan: options.plan }, SYSTEM_ACTOR);
        out.result(
          { ok: true, key, licenseId: license._id.toHexString(), customerId: customer._id.toHexString(), plan: options.plan },
          () => {
            out.line(
              `Issued a ${options.plan} license to ${customer.email}${existing ? "" : " (new customer)"}. The key is shown only now:`,
            );
            out.line(key);
          },
        );
      });
    });
}
