import "./build-root";
import { writeFileSync } from "node:fs";
import pino from "pino";
import { buildApp } from "../../src/app";
import { connectToEmbeddedEngine } from "../../src/db/connect";
import { startEmbeddedMongo } from "../../src/db/embedded";
import { createModels } from "../../src/db/models";
import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import { SetupService } from "../../src/modules/setup/setup.service";
import { createServices } from "../../src/services";
import { testConfig } from "../support/platform";

async function main(): Promise<void> {
  const config = testConfig({ THROTTLE: process.env.THROTTLE ?? "off", PLAYGROUND: "0" });
  const engine = await startEmbeddedMongo();
  const counts = new Map<string, number>();
  const inner = (engine as any).engine;
  if (inner?.execute) {
    const orig = inner.execute.bind(inner);
    inner.execute = (db: string, command: Record<string, unknown>, ctx: unknown) => { const name = Object.keys(command)[0]; const coll = String(command[name]); const k = `${name} ${coll}`; counts.set(k, (counts.get(k) ?? 0) + 1); return orig(db, command, ctx); };
  }
  const logger = pino({ level: "silent" });
  const db = await connectToEmbeddedEngine(engine, "serve", logger);
  const services = createServices(createModels(db.connection), config.appSecret);
  await new SetupService(services).init();
  const app = await buildApp({ config, logger, db, services });
  let requests = 0;
  app.server.on("request", () => requests++);
  await app.listen({ host: "127.0.0.1", port: 0 });
  const customer = await services.customers.create({ email: `probe${Date.now()}@example.com`, name: "P" }, SYSTEM_ACTOR);
  const { key } = await services.licenses.issue({ customerId: customer._id, plan: "pro" }, SYSTEM_ACTOR);
  await fetch(`http://127.0.0.1:${(app.server.address() as any).port}/api/validate`, { method: "POST", headers: { "x-license-key": key } });
  counts.clear(); requests = 0;
  writeFileSync(".scratch/serve.json", JSON.stringify({ url: `http://127.0.0.1:${(app.server.address() as any).port}/api/validate`, key, pid: process.pid }));
  let last = process.cpuUsage(); let lastT = Date.now();
  setInterval(() => { const u = process.cpuUsage(last); const dt = Date.now() - lastT; last = process.cpuUsage(); lastT = Date.now(); if (process.env.CPU) console.error(`cpu ${(100 * (u.user + u.system) / 1000 / dt).toFixed(0)}%`); }, 1000).unref();
  process.on("SIGTERM", () => {
    console.error(`requests ${requests}; engine commands per request: ${[...counts].map(([k, v]) => `${k}=${(v / Math.max(1, requests)).toFixed(2)}`).join(", ")}`);
    void app.close().then(() => db.close()).then(() => process.exit(0));
  });
}
main().catch((e) => { console.error(e); process.exitCode = 1; });
