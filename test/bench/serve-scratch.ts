import "./build-root";
import { writeFileSync } from "node:fs";
import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import { startTestPlatform } from "../support/platform";
async function main(): Promise<void> {
  const p = await startTestPlatform({ env: { THROTTLE: process.env.THROTTLE ?? "off", PLAYGROUND: "0" } });
  const customer = await p.services.customers.create({ email: `probe${Date.now()}@example.com`, name: "P" }, SYSTEM_ACTOR);
  const { key } = await p.services.licenses.issue({ customerId: customer._id, plan: "pro" }, SYSTEM_ACTOR);
  writeFileSync(".scratch/serve.json", JSON.stringify({ url: `${p.baseUrl}/api/validate`, key }));
  let last = process.cpuUsage(); let lastT = Date.now();
  setInterval(() => { const u = process.cpuUsage(last); const dt = Date.now() - lastT; last = process.cpuUsage(); lastT = Date.now(); if (process.env.CPU) console.error(`cpu ${(100 * (u.user + u.system) / 1000 / dt).toFixed(0)}%`); }, 1000).unref();
  process.on("SIGTERM", () => { void p.stop().then(() => process.exit(0)); });
}
main().catch((e) => { console.error(e); process.exitCode = 1; });
