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
 * the server from its SEQUENCE engine). The platform runs in this process on an in-memory embedded engine, as
 * `npm start` without MONGODB_URI does (minus the journal). RSS is sampled every 100 ms; it is also printed after
 * each quarter of the usage rows, which is what shows whether memory grows with the row count.
 */
import "./build-root";
import * as os from "node:os";
import { mongoose } from "@typegoose/typegoose";
import type { TableReport } from "../../src/migration/migration.report";
import type { Progress } from "../../src/migration/migration.progress";
import { startMariadb } from "../support/mariadb-server";
import { createV1Schema, v1Key } from "../support/mariadb-v1";
import { startTestPlatform } from "../support/platform";
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

  const platform = await startTestPlatform();
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  const quarters: string[] = [];
  let done = 0;
  let table = "";
  const progress: Progress = {
    start: (name) => {
      table = name;
      done = 0;
    },
    advance: (rows) => {
      done += rows;
      if (table === "usage_logs" && done >= ((quarters.length + 1) * ROWS) / 4)
        quarters.push(`${done.toLocaleString("en-US")} rows: RSS ${Math.round(process.memoryUsage().rss / MB)} MB`);
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
  for (const t of report.tables) console.log(`  ${t.table}: ${t.sourceRows} rows, ${t.seconds.toFixed(2)} s`);
  console.log(`whole run (7 tables, counters, then verification of everything): ${seconds.toFixed(1)} s`);
  console.log(
    `verification: ${report.verified ? "equal" : "MISMATCH"} (usage_logs ${verify?.sourceCount} source, ${verify?.targetCount} target)`,
  );
  console.log(`RSS during usage_logs: ${quarters.join("; ")}`);
  console.log(`peak RSS: ${Math.round(peak / MB)} MB (heap now ${Math.round(process.memoryUsage().heapUsed / MB)} MB)`);
  console.log(`goal: >= 20,000 rows/s → ${usage.inserted / usage.seconds >= 20_000 ? "met" : "NOT met"}`);

  await platform.stop();
  await server.stop();
  await mongoose.disconnect();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
