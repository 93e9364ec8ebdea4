import type { Command } from "commander";
import { SYSTEM_ACTOR } from "../modules/activity/activity.service";
import { CreateCustomerInput } from "../modules/customers/customer.inputs";
import { IssueLicenseInput } from "../modules/licenses/license.inputs";
import { withPlatform } from "./context";
import { validInput } from "./input";
import { findLicense } from "./license.lookup";
import { printLicense, viewLicense } from "./license.view";
import { createOutput } from "./output";

export function registerLicenseCommands(program: Command): void {
  program
    .command("license:issue")
    .description("issue a license (creating the customer if needed) and print its key; Founders seats are capped as everywhere")
    .requiredOption("--email <email>", "the customer's email")
    .requiredOption("--plan <plan>", "starter, pro, agency or founders")
    .option("--name <name>", "the customer's name, when the customer is new")
    .addHelpText(
      "after",
      `
Examples:
  $ platform license:issue --email ada@example.com --plan pro --name "Ada Lovelace"
  $ platform --json license:issue --email ada@example.com --plan founders     # {"ok":true,"key":"CHA-…",…}`,
    )
    .action(async (options: { email: string; plan: string; name?: string }) => {
      const out = createOutput(program.opts().json === true);
      // Checked as the GraphQL inputs are, before anything is written.
      const customerInput = await validInput(CreateCustomerInput, { email: options.email, name: options.name });
      const licenseInput = await validInput(IssueLicenseInput, { plan: options.plan });
      await withPlatform(async ({ services }) => {
        // An unknown plan is refused before a new customer is created for it.
        await services.plans.byName(licenseInput.plan);
        const existing = await services.models.Customer.findOne({ email: customerInput.email.trim().toLowerCase() }).lean().exec();
        const customer =
          existing ?? (await services.customers.create({ email: customerInput.email, name: customerInput.name ?? null }, SYSTEM_ACTOR));
        const { key, license } = await services.licenses.issue({ customerId: customer._id, plan: licenseInput.plan }, SYSTEM_ACTOR);
        out.result(
          { ok: true, key, licenseId: license._id.toHexString(), customerId: customer._id.toHexString(), plan: licenseInput.plan },
          () => {
            out.line(
              `Issued a ${licenseInput.plan} license to ${customer.email}${existing ? "" : " (new customer)"}. The key is shown only now:`,
            );
            out.line(key);
          },
        );
      });
    });

  program
    .command("license:show")
    .description("show a license: plan, status, customer, sites, this month's usage, expiry (the key only by its last 4)")
    .argument("<key-or-id>", "the license's full key, or its id (24 hexadecimal characters)")
    .addHelpText(
      "after",
      `
Examples:
  $ platform license:show CHA-0A1B2C3D-4E5F6071-8293A4B5-C6D7E8F9
  $ platform --json license:show 6571f0c2a9e4b1d2c3f4a5b6`,
    )
    .action(async (keyOrId: string) => {
      const out = createOutput(program.opts().json === true);
      await withPlatform(async ({ services }) => {
        const view = await viewLicense(services, await findLicense(services, keyOrId));
        out.result({ ok: true, license: view }, () => printLicense(out, view));
      });
    });
}
