/**
 * Speed of POST /api/validate (issue: "requests/s and p50/p99 latency of POST /api/validate with a valid key, next
 * to the same figures for a bare Fastify route that returns the same JSON without any work (the ceiling on this
 * machine), and their ratio ... report one run with throttling on as well. Goal: at least half the ceiling, p99
 * under 10 ms."). Prints a table; exits non-zero only when the main run's answers are not all 200 `valid: true`.
 *
 *   npm run bench:validate                     (see test/bench/tsconfig.json for the build)
 *   BENCH_DURATION_S=3 npm run bench:validate  (shorter measured runs; warm-up is BENCH_WARMUP_S, default 2)
 *   BENCH_LOAD=in-process npm run bench:validate   (autocannon in this process instead of a child process)
 *   BENCH_KEYS=1 npm run bench:validate        (the throttled run with 1 key: mostly 429s, as without rotation)
 *
 * The platform runs in this process on an in-memory embedded engine (as in production without MONGODB_URI, minus
 * the journal). Runs, each after a discarded warm-up:
 *   1. ceiling: a bare Fastify app (no hooks, no plugins) answering POST /api/validate with the captured JSON;
 *   2. validate with THROTTLE=off: the license check itself;
 *  2b. the same over 1 connection: the time one validation takes (at 50 connections, latency is mostly queueing:
 *      50 connections at N req/s wait about 50/N s);
 *   3. validate with throttling on (a second platform): the same plus the per-key rate windows and the
 *      failed-lookup guard. Each key may make 50 requests an hour, so the run rotates enough fresh keys that none
 *      reaches its limit; 429s are counted, not hidden.
 */
import "./build-root";
import * as os from "node:os";
import type { AddressInfo } from "node:net";
import Fastify from "fastify";
import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import type { Customer } from "../../src/modules/customers/customer.model";
import { startTestPlatform, type TestPlatform } from "../support/platform";
import { runLoad, runLoadInChild, type LoadOptions, type LoadResult } from "./load";

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const LOAD_MODE = process.env.BENCH_LOAD === "in-process" ? "in-process" : "child process";
/** Requests each key may make in the throttled run: under the 50/hour limit, with room for the warm-up's share. */
const REQUESTS_PER_KEY = 40;
const MAX_KEYS = 20_000;
const VALID_PREFIX = '{"valid":true';

interface Row {
  run: string;
  result: LoadResult;
  /** Not at 50 connections, so no ratio to the ceiling is shown. */
  note?: string;
}

const load = (options: LoadOptions): Promise<LoadResult> => (LOAD_MODE === "in-process" ? runLoad(options) : runLoadInChild(options));

async function newCustomer(platform: TestPlatform, label: string): Promise<Customer> {
  const email = `bench-${label}-${process.pid}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  return platform.services.customers.create({ email, name: `Bench ${label}` }, SYSTEM_ACTOR);
}

/** Issues `count` pro licenses through the license service (a few at a time) and returns their keys. */
async function issueKeys(platform: TestPlatform, count: number): Promise<string[]> {
  const customer = await newCustomer(platform, "throttled");
  const keys: string[] = [];
  let issued = 0;
  const worker = async (): Promise<void> => {
    while (issued < count) {
      issued++;
      keys.push((await platform.services.licenses.issue({ customerId: customer._id, plan: "pro" }, SYSTEM_ACTOR)).key);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return keys;
}

async function validateOnce(baseUrl: string, key: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${baseUrl}/api/validate`, { method: "POST", headers: { "x-license-key": key } });
  return { status: response.status, text: await response.text() };
}

const ms = (value: number): string => (Number.isFinite(value) ? value.toFixed(2) : "-");

function formatRows(rows: Row[], ceiling: number): string {
  const header = ["run", "req/s", "p50 ms", "p99 ms", "max ms", "non-2xx", "x ceiling"];
  const cells = rows.map(({ run, result, note }) => [
    run,
    Math.round(result.reqPerSec).toLocaleString("en-US"),
    ms(result.p50Ms),
    ms(result.p99Ms),
    ms(result.maxMs),
    result.non2xx === 0
      ? "0"
      : `${result.non2xx.toLocaleString("en-US")} (${((100 * result.non2xx) / Math.max(1, result.responses)).toFixed(1)}%)`,
    note ?? (result.reqPerSec / ceiling).toFixed(2),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((cell) => cell[i].length)));
  const line = (cell: string[]): string => cell.map((text, i) => (i === 0 ? text.padEnd(widths[i]) : text.padStart(widths[i]))).join("  ");
  return [line(header), widths.map((width) => "-".repeat(width)).join("  "), ...cells.map(line)].join("\n");
}

/** Problems with a run's answers (none expected: every answer 200 and `valid: true`). */
function problems(result: LoadResult): string[] {
  const found: string[] = [];
  if (result.non2xx > 0) found.push(`${result.non2xx} non-2xx answers (${JSON.stringify(result.statusCounts)})`);
  if (result.badBodies > 0) found.push(`${result.badBodies} 2xx answers without valid: true`);
  if (result.errors > 0) found.push(`${result.errors} connection errors`);
  if (result.timeouts > 0) found.push(`${result.timeouts} timeouts`);
  return found;
}

async function main(): Promise<void> {
  const started = Date.now();
  const cpus = os.cpus();
  console.log(
    `machine: ${cpus.length} x ${cpus[0]?.model ?? "unknown cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.arch()}, node ${process.version}`,
  );
  console.log(
    `load: autocannon 9 (${LOAD_MODE}), ${CONNECTIONS} connections, ${DURATION_S} s measured after a ${WARMUP_S} s warm-up, POST /api/validate with x-license-key`,
  );
  console.log("server: this process (Fastify + mongoose + the embedded engine over loopback TCP, in memory)\n");

  const rows: Row[] = [];
  let failed = false;
  const options = (url: string, keys: string[]): LoadOptions => ({
    url,
    connections: CONNECTIONS,
    durationS: DURATION_S,
    warmupS: WARMUP_S,
    method: "POST",
    keys,
    expectBodyPrefix: VALID_PREFIX,
  });

  // The platform with THROTTLE=off, one pro license issued through the services, and one real answer.
  // Production defaults apart from the throttle: license-check reads cached for up to 5 s.
  const platform = await startTestPlatform({ env: { THROTTLE: "off", PLAYGROUND: "0", LICENSE_CACHE_TTL_MS: "5000" } });
  const customer = await newCustomer(platform, "main");
  const { key } = await platform.services.licenses.issue({ customerId: customer._id, plan: "pro" }, SYSTEM_ACTOR);
  const sample = await validateOnce(platform.baseUrl, key);
  if (sample.status !== 200 || !sample.text.startsWith(VALID_PREFIX))
    throw new Error(`POST /api/validate answered ${sample.status}: ${sample.text}`);
  const body = JSON.parse(sample.text) as Record<string, unknown>;

  // The ceiling: no hooks, no plugins, no logger; the same JSON, serialised per request as the platform does.
  const bare = Fastify();
  bare.post("/api/validate", async () => body);
  await bare.listen({ host: "127.0.0.1", port: 0 });
  const bareUrl = `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}/api/validate`;
  const bareSample = await validateOnce(bareUrl.replace(/\/api\/validate$/, ""), key);
  if (bareSample.text !== sample.text) throw new Error("the bare route does not answer the same JSON");

  const ceiling = await load(options(bareUrl, [key]));
  rows.push({ run: "1. ceiling: bare Fastify, same JSON", result: ceiling });
  await bare.close();

  const validate = await load(options(`${platform.baseUrl}/api/validate`, [key]));
  rows.push({ run: "2. /api/validate, THROTTLE=off", result: validate });
  const mainProblems = problems(validate);
  if (mainProblems.length > 0) {
    failed = true;
    console.error(`ERROR: the THROTTLE=off run should answer only 200 valid: true, but had ${mainProblems.join(", ")}`);
  }

  // The same over one connection: the time one validation takes, without queueing (at saturation, 50 connections
  // wait about 50 / (req/s) seconds, whatever the work per request). autocannon's overallRate is no substitute:
  // it sends each second's quota in a burst at the start of the second.
  const single = await load({ ...options(`${platform.baseUrl}/api/validate`, [key]), connections: 1 });
  rows.push({ run: "2b. /api/validate, THROTTLE=off, 1 connection", result: single, note: "(1 conn)" });
  const singleProblems = problems(single);
  if (singleProblems.length > 0) {
    failed = true;
    console.error(`ERROR: the one-connection THROTTLE=off run should answer only 200 valid: true, but had ${singleProblems.join(", ")}`);
  }
  await platform.stop();

  // Throttling on: a second platform (its own engine); enough keys that none reaches 50 requests in the hour.
  const throttled = await startTestPlatform({ env: { PLAYGROUND: "0", LICENSE_CACHE_TTL_MS: "5000" } });
  const expected = validate.reqPerSec * (DURATION_S + WARMUP_S);
  const keyCount = process.env.BENCH_KEYS
    ? Number(process.env.BENCH_KEYS)
    : Math.min(MAX_KEYS, Math.max(100, Math.ceil(expected / REQUESTS_PER_KEY)));
  const issueStarted = Date.now();
  const keys = await issueKeys(throttled, keyCount);
  const issueSeconds = (Date.now() - issueStarted) / 1000;
  const throttledSample = await validateOnce(throttled.baseUrl, keys[0]);
  if (throttledSample.status !== 200) throw new Error(`the throttled platform answered ${throttledSample.status}: ${throttledSample.text}`);
  const throttledResult = await load(options(`${throttled.baseUrl}/api/validate`, keys));
  rows.push({ run: `3. /api/validate, throttling on (${keyCount.toLocaleString("en-US")} keys)`, result: throttledResult });
  const throttledProblems = problems(throttledResult).filter((problem) => !problem.includes("non-2xx"));
  if (throttledProblems.length > 0) console.error(`WARNING: the throttled run had ${throttledProblems.join(", ")}`);
  await throttled.stop();

  console.log(formatRows(rows, ceiling.reqPerSec));
  console.log(
    `\nlatencies are of 2xx answers, measured by the load generator (connection to last byte); req/s counts every answer.` +
      `\nautocannon's own figures (whole ms): ${rows.map(({ run, result }) => `${run.slice(0, 2)} ${Math.round(result.autocannon.reqPerSecAvg)} req/s p50 ${result.autocannon.p50Ms} p99 ${result.autocannon.p99Ms}`).join("; ")}`,
  );
  if (throttledResult.non2xx > 0) console.log(`throttled run answers by status: ${JSON.stringify(throttledResult.statusCounts)}`);
  console.log(
    `throttled run: ${keyCount} keys issued through LicenseService.issue in ${issueSeconds.toFixed(1)} s (about ${Math.round(throttledResult.responses / keyCount)} measured requests per key)`,
  );

  const ratio = validate.reqPerSec / ceiling.reqPerSec;
  const goals = [
    `${ratio >= 0.5 ? "met" : "NOT met"}: validate at >= half the ceiling (${(100 * ratio).toFixed(0)}%)`,
    `${validate.p99Ms < 10 ? "met" : "NOT met"}: validate p99 < 10 ms (${ms(validate.p99Ms)} ms)`,
  ];
  console.log(`\ngoals (THROTTLE=off run): ${goals.join("; ")}`);
  console.log(
    `at saturation ${CONNECTIONS} connections wait ${CONNECTIONS} / (req/s) on average: p99 < 10 ms needs well over ${Math.round(CONNECTIONS / 0.01).toLocaleString("en-US")} req/s` +
      ` (the ceiling's own p99 is ${ms(ceiling.p99Ms)} ms); over 1 connection one validation takes p50 ${ms(single.p50Ms)} ms, p99 ${ms(single.p99Ms)} ms.`,
  );
  console.log(`total ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
