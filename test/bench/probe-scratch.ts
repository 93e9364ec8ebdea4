import "./build-root";
import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import type { Plan } from "../../src/modules/plans/plan.model";
import type { Customer } from "../../src/modules/customers/customer.model";
import { startTestPlatform } from "../support/platform";
import { measureAsync, formatTable, type Measurement } from "./measure";

async function main(): Promise<void> {
  const p = await startTestPlatform({ env: { THROTTLE: "off", PLAYGROUND: "0" } });
  const customer = await p.services.customers.create({ email: `probe${Date.now()}@example.com`, name: "P" }, SYSTEM_ACTOR);
  const { key, license } = await p.services.licenses.issue({ customerId: customer._id, plan: "pro" }, SYSTEM_ACTOR);
  const m = p.services.models;
  const W = Number(process.env.W ?? 1500);
  const ops: Record<string, () => Promise<unknown>> = {
    "findByKey": () => p.services.licenses.findByKey(key),
    "Plan.findById lean": () => m.Plan.findById(license.plan_id).lean<Plan>().exec(),
    "Customer.findById lean": () => m.Customer.findById(license.customer_id).lean<Customer>().exec(),
    "usage.monthCounters": () => p.services.usage.monthCounters([license._id], new Date()),
    "licenseCheck.check": () => p.services.licenseCheck.check(key),
    "db ping (admin command)": () => p.db.connection.db!.command({ ping: 1 }),
    "HTTP POST /api/validate (fetch)": async () => (await fetch(`${p.baseUrl}/api/validate`, { method: "POST", headers: { "x-license-key": key } })).text(),
  };
  const rows: Measurement[] = [];
  for (const c of (process.env.C ?? "1,16").split(",").map(Number)) {
    for (const [name, op] of Object.entries(ops)) {
      await measureAsync(name, c, 300, op);
      rows.push(await measureAsync(name, c, W, op));
    }
  }
  console.log(formatTable(rows));
  await p.stop();
}
main().catch((e) => { console.error(e); process.exitCode = 1; });
