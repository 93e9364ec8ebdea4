import type { Command } from "commander";
import { MAX_PAGE_SIZE } from "../db/pagination";
import { CustomerFilterInput } from "../modules/customers/customer.inputs";
import type { License } from "../modules/licenses/license.model";
import type { Plan } from "../modules/plans/plan.model";
import { withPlatform } from "./context";
import { validInput } from "./input";
import { createOutput } from "./output";

export function registerCustomerCommands(program: Command): void {
  program
    .command("customer:find")
    .description("find customers by part of their email (or name, or company), case-insensitive, with their licenses")
    .argument("<email-or-part>", "an email, or any part of one")
    .addHelpText(
      "after",
      `
Examples:
  $ platform customer:find ada@example.com
  $ platform customer:find @example.com        # everybody at that domain (the first ${MAX_PAGE_SIZE})
  $ platform --json customer:find ADA`,
    )
    .action(async (text: string) => {
      const out = createOutput(program.opts().json === true);
      // The same search, with the same rules, as the customers query's filter.
      const filter = await validInput(CustomerFilterInput, { search: text });
      await withPlatform(async ({ services }) => {
        const page = await services.customers.list({ search: filter.search }, { first: MAX_PAGE_SIZE });
        const ids = page.nodes.map((customer) => customer._id);
        const [licenses, plans] = await Promise.all([
          services.models.License.find({ customer_id: { $in: ids } })
            .sort({ _id: 1 })
            .lean<License[]>()
            .exec(),
          services.models.Plan.find({}, { name: 1 }).lean<Array<Pick<Plan, "_id" | "name">>>().exec(),
        ]);
        const planNames = new Map(plans.map((plan) => [plan._id.toHexString(), plan.name]));
        const customers = page.nodes.map((customer) => ({
          id: customer._id.toHexString(),
          email: customer.email,
          name: customer.name ?? null,
          status: customer.status,
          licenses: licenses
            .filter((license) => license.customer_id.equals(customer._id))
            .map((license) => ({
              id: license._id.toHexString(),
              keyLast4: license.key_last4,
              plan: planNames.get(license.plan_id.toHexString()) ?? "(unknown plan)",
              status: license.status,
            })),
        }));
        out.result({ ok: true, customers, more: page.hasNextPage }, () => {
          if (customers.length === 0) out.line("No customer matches.");
          for (const customer of customers) {
            out.line(`${customer.email}${customer.name ? ` (${customer.name})` : ""}  id ${customer.id}, ${customer.status}`);
            if (customer.licenses.length === 0) out.line("  no licenses");
            for (const license of customer.licenses)
              out.line(`  …${license.keyLast4}  ${license.plan.padEnd(8)} ${license.status.padEnd(9)} id ${license.id}`);
          }
          if (page.hasNextPage) out.line(`Only the newest ${MAX_PAGE_SIZE} are shown: narrow the search.`);
        });
      });
    });
}
