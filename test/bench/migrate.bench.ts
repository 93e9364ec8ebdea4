/**
 * Speed and memory of the MariaDB importer (issue: "1,000,000 usage-log rows from MariaDB into the embedded engine:
 * rows/s and peak RSS printed. Goal: >= 20,000 rows/s on this 2-core machine and memory that does not grow with
 * the row count (streamed, batched writes)."). Prints the figures; asserts nothing.
 *
 *   npm run bench:migrate                      (see test/bench/tsconfig.json for the build)
 *   BENCH_ROWS=200000 npm run bench:migrate    (fewer rows)
 *   MARIADB_URL=mysql://root:pw@host:3306 npm run bench:migrate   (an existing server instead of a private one)
 *
 * A private MariaDB (Debian's mariadb-server) gets the v1 schema, 1,000 licenses and the usage rows (generated in
 * the server from its SEQUENCE engine). The importer runs in this process; the target is an in-memory embedded
 * engine in a child process of its own (reached over TCP, as a real MongoDB would be), so this process's RSS is the
 * importer's alone: it is sampled every 100 ms and printed after each quarter of the usage rows, which is what shows
 * whether the importer's memory grows with the row count. The engine's RSS (it holds the data) is printed beside it.
 */
import "./build-root";
import * as os from "node:os";
import { mongoose } from "@typegoose/typegoose";
import type { TableReport } from "../../src/migration/migration.report";
import type { Progress } from "../../src/migration/migration.progress";
import { startMariadb } from "../support/mariadb-server";
import { createV1Schema, v1Key } from "../support/mariadb-v1";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import pino from "pino";
import { connectDatabase } from "../../src/db/connect";
import { createModels } from "../../src/db/models";
import { SetupService } from "../../src/modules/setup/setup.service";
import { createServices } from "../../src/services";
import { testConfig } from "../support/platform";
import { migrate } from "../migration/migrate.helpers";

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const LICENSES = 1000;
const MB = 1024 * 1024;

async function main(): Promise<void> {
  const cpus = os.cpus();
  console.log(`machine: ${cpus.length} x ${cpus[0]?.model ?? "unknown cpu"}, node ${process.version}`);
  const server = await startMariadb();
  const { url, admin } = await server.createDatabase("v1_bench");
  await createV1Schema(admin);
  await admin.query("SET SESSION time_zone = '+00:00'");
  await admin.query("INSERT INTO customers (id, email) SELECT seq, CONCAT('c', seq, '@example.com') FROM seq_1_to_" + LICENSES);
  const keys = Array.from({ length: LICENSES }, (_, i) => [i + 1, v1Key(i + 1), i + 1, 2]);
  await admin.query("INSERT INTO licenses (id, license_key, customer_id, plan_id) VALUES ?", [keys]);
  let filled = Date.now();
  await admin.query(
    `INSERT INTO usage_logs (license_id, endpoint, tokens_used, response_time_ms, ip_address, user_agent, created_at) ` +
      `SELECT 1 + seq % ${LICENSES}, 'chat', seq % 700, 200 + seq % 900, '203.0.113.7', 'WordPress/6.5; https://shop.example', ` +
      `NOW() - INTERVAL (seq % 5000000) SECOND FROM seq_1_to_${ROWS}`,
  );
  filled = Date.now() - filled;
  console.log(
    `source: ${ROWS.toLocaleString("en-US")} usage_logs rows for ${LICENSES} licenses (generated in ${(filled / 1000).toFixed(1)} s)\n`,
  );

  const engine = await startEngineProcess();
  const db = await connectDatabase(
    { ...testConfig(), mongodbUri: engine.uri, mongodbDatabase: "chatello_bench" },
    pino({ level: "silent" }),
  );
  const services = createServices(createModels(db.connection), testConfig());
  await new SetupService(services).init();
  const platform = { services, db };
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  const quarters: string[] = [];
  let done = 0;
  let table = "";
  // CPU seconds of the importer and of the engine over the usage_logs import: which side the speed waits on.
  let cpuAtStart = { importer: 0, engine: 0 };
  const cpuNow = (): { importer: number; engine: number } => ({
    importer: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6,
    engine: engine.cpuSeconds(),
  });
  let usageCpu = { importer: 0, engine: 0 };
  const progress: Progress = {
    start: (name) => {
      if (table === "usage_logs") {
        const now = cpuNow();
        usageCpu = { importer: now.importer - cpuAtStart.importer, engine: now.engine - cpuAtStart.engine };
      }
      if (name === "usage_logs") cpuAtStart = cpuNow();
      table = name;
      done = 0;
    },
    advance: (rows) => {
      done += rows;
      if (table === "usage_logs" && done >= ((quarters.length + 1) * ROWS) / 4)
        quarters.push(
          `${done.toLocaleString("en-US")} rows: importer RSS ${Math.round(process.memoryUsage().rss / MB)} MB, engine RSS ${engine.rssMb()} MB`,
        );
    },
    finish: () => undefined,
  };
  const started = Date.now();
  const report = await migrate(url, platform, { mode: "import", progress });
  const seconds = (Date.now() - started) / 1000;
  clearInterval(sampler);

  const usage = report.tables.find((t) => t.table === "usage_logs") as TableReport;
  const verify = usage.verification;
  console.log(
    `usage_logs import: ${usage.inserted.toLocaleString("en-US")} rows in ${usage.seconds.toFixed(1)} s = ${Math.round(usage.inserted / usage.seconds).toLocaleString("en-US")} rows/s`,
  );
  console.log(
    `CPU during the usage_logs import: importer ${usageCpu.importer.toFixed(1)} s, engine ${usageCpu.engine.toFixed(1)} s (of ${usage.seconds.toFixed(1)} s)`,
  );
  for (const t of report.tables) console.log(`  ${t.table}: ${t.sourceRows} rows, ${t.seconds.toFixed(2)} s`);
  console.log(`whole run (7 tables, counters, then verification of everything): ${seconds.toFixed(1)} s`);
  console.log(
    `verification: ${report.verified ? "equal" : "MISMATCH"} (usage_logs ${verify?.sourceCount} source, ${verify?.targetCount} target)`,
  );
  console.log(`RSS during usage_logs: ${quarters.join("; ")}`);
  console.log(`importer peak RSS: ${Math.round(peak / MB)} MB (heap now ${Math.round(process.memoryUsage().heapUsed / MB)} MB)`);
  console.log(`goal: >= 20,000 rows/s → ${usage.inserted / usage.seconds >= 20_000 ? "met" : "NOT met"}`);

  await db.close();
  engine.stop();
  await server.stop();
  await mongoose.disconnect();
}

/** The embedded engine, in memory, in a child process (the compiled one next to this benchmark). */
async function startEngineProcess(): Promise<{ uri: string; rssMb: () => number; cpuSeconds: () => number; stop: () => void }> {
  const index = path.join(__dirname, "..", "..", "src", "db", "embedded", "index.js");
  const script = `require(${JSON.stringify(index)}).startEmbeddedMongo({ port: 0 }).then((m) => console.log(m.uri))`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  const uri = await new Promise<string>((resolve, reject) => {
    child.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once("exit", (code) => reject(new Error(`the engine process exited (${code})`)));
  });
  const rssMb = (): number => {
    const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
    return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
  };
  const cpuSeconds = (): number => {
    // utime and stime, fields 14 and 15 of /proc/<pid>/stat (after the command name in parentheses), in clock ticks.
    const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8")
      .replace(/^.*\) /, "")
      .split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  };
  return { uri, rssMb, cpuSeconds, stop: () => child.kill("SIGKILL") };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
