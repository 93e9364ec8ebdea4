import "./build-root";
import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import { startTestPlatform } from "../support/platform";

const stats = new Map<string, number[]>();
const rec = (k: string, us: number) => { let a = stats.get(k); if (!a) stats.set(k, (a = [])); a.push(us); };
function wrap(obj: any, name: string, label: string) {
  const orig = obj[name].bind(obj);
  obj[name] = async (...args: unknown[]) => { const t = process.hrtime.bigint(); try { return await orig(...args); } finally { rec(label, Number(process.hrtime.bigint() - t) / 1000); } };
}
async function main(): Promise<void> {
  const p = await startTestPlatform({ env: { THROTTLE: "off", PLAYGROUND: "0" } });
  const customer = await p.services.customers.create({ email: `probe${Date.now()}@example.com`, name: "P" }, SYSTEM_ACTOR);
  const { key } = await p.services.licenses.issue({ customerId: customer._id, plan: "pro" }, SYSTEM_ACTOR);
  wrap(p.services.licenseCheck, "check", "licenseCheck.check");
  wrap(p.services.usage, "monthCounters", "usage.monthCounters");
  wrap(p.services.licenses, "findByKey", "findByKey");
  p.app.server.prependListener("request", (_req: any, res: any) => { const t = process.hrtime.bigint(); res.on("finish", () => rec("server request->finish", Number(process.hrtime.bigint() - t) / 1000)); });
  const N = Number(process.env.N ?? 2000);
  const C = Number(process.env.C ?? 1);
  let i = 0;
  const t0 = Date.now();
  await Promise.all(Array.from({ length: C }, async () => { while (i++ < N) { const t = process.hrtime.bigint(); await (await fetch(`${p.baseUrl}/api/validate`, { method: "POST", headers: { "x-license-key": key } })).text(); rec("client fetch", Number(process.hrtime.bigint() - t) / 1000); } }));
  console.log(`C=${C} ${(N / ((Date.now() - t0) / 1000)).toFixed(0)} req/s`);
  for (const [k, a] of stats) { a.sort((x, y) => x - y); const s = a.slice(Math.floor(a.length / 5)); console.log(k.padEnd(28), "n", a.length, "p50", a[a.length >> 1].toFixed(0), "p99", a[Math.floor(a.length * 0.99)].toFixed(0), "mean(after 20%)", (s.reduce((x, y) => x + y, 0) / s.length).toFixed(0)); }
  await p.stop();
}
main().catch((e) => { console.error(e); process.exitCode = 1; });
