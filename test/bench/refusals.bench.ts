/**
 * Timing of refused keys (reliability K4, contract §1.5: "Unknown, inactive and suspended keys take the same time
 * to answer"). Sends SAMPLES requests per kind of bad key, one at a time, kinds interleaved in a shuffled order each
 * round, and prints p50/p90/p99 per kind and each p50's difference from the unknown key's.
 *
 *   npm run bench:refusals
 *   BENCH_SAMPLES=200 npm run bench:refusals
 *
 * Runs with throttling on (the failed-lookup guard's writes are part of the cost), once with the production
 * license cache (5 s) and once without it (every request reads the database). The rate windows are emptied every
 * few rounds, between samples, so that neither the per-key limit nor the failed-lookup guard answers 429 instead.
 */
import "./build-root";
import type { Types } from "mongoose";
import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import { LicenseStatus } from "../../src/modules/licenses/license.model";
import { startTestPlatform, type TestPlatform } from "../support/platform";

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 1000);
/** Three kinds are unknown keys: six rounds stay under the guard's 20 failed lookups. */
const ROUNDS_BETWEEN_RESETS = 6;
const ROUTES = [
  { method: "POST", path: "/api/validate" },
  { method: "GET", path: "/api/sites" },
];

async function badKeys(platform: TestPlatform): Promise<Record<string, string>> {
  const { services } = platform;
  const issue = async (label: string): Promise<{ key: string; licenseId: Types.ObjectId; customerId: Types.ObjectId }> => {
    const customer = await services.customers.create({ email: `refusals-${label}-${process.pid}@example.com`, name: label }, SYSTEM_ACTOR);
    const { key, license } = await services.licenses.issue({ customerId: customer._id, plan: "pro" }, SYSTEM_ACTOR);
    return { key, licenseId: license._id, customerId: customer._id };
  };
  const revoked = await issue("revoked");
  await services.models.License.updateOne({ _id: revoked.licenseId }, { $set: { status: LicenseStatus.cancelled } }).exec();
  const suspended = await issue("suspended");
  await services.models.License.updateOne({ _id: suspended.licenseId }, { $set: { status: LicenseStatus.suspended } }).exec();
  const customerSuspended = await issue("customer-suspended");
  await services.models.Customer.updateOne({ _id: customerSuspended.customerId }, { $set: { status: "suspended" } }).exec();
  return {
    unknown: "CHA-0BADC0DE-00000000-00000000-00000000",
    "malformed (5,000 chars)": "x".repeat(5000),
    "wrong shape": "not a key",
    "revoked (cancelled)": revoked.key,
    "suspended license": suspended.key,
    "suspended customer": customerSuspended.key,
  };
}

function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function measure(
  platform: TestPlatform,
  keys: Record<string, string>,
  route: { method: string; path: string },
): Promise<Map<string, number[]>> {
  const samples = new Map<string, number[]>(Object.keys(keys).map((kind) => [kind, []]));
  const statuses = new Map<string, Set<number>>(Object.keys(keys).map((kind) => [kind, new Set()]));
  for (let round = 0; round < SAMPLES; round++) {
    if (round % ROUNDS_BETWEEN_RESETS === 0) await platform.services.models.RateWindow.deleteMany({}).exec();
    for (const kind of shuffled(Object.keys(keys))) {
      const started = process.hrtime.bigint();
      const response = await fetch(`${platform.baseUrl}${route.path}`, { method: route.method, headers: { "x-license-key": keys[kind] } });
      await response.arrayBuffer();
      samples.get(kind)?.push(Number(process.hrtime.bigint() - started) / 1e6);
      statuses.get(kind)?.add(response.status);
    }
  }
  for (const [kind, seen] of statuses) {
    if (seen.has(429) || seen.has(200) || seen.has(500))
      throw new Error(`${route.path} answered ${[...seen].join("/")} to the ${kind} key: not a refusal`);
  }
  return samples;
}

function report(title: string, samples: Map<string, number[]>): void {
  const rows = [...samples].map(([kind, values]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { kind, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99) };
  });
  const base = rows[0].p50;
  console.log(`\n${title}`);
  console.log(`${"kind".padEnd(26)}${"p50 ms".padStart(9)}${"p90 ms".padStart(9)}${"p99 ms".padStart(9)}${"p50 - unknown".padStart(15)}`);
  for (const row of rows) {
    const delta = row.p50 - base;
    console.log(
      `${row.kind.padEnd(26)}${row.p50.toFixed(3).padStart(9)}${row.p90.toFixed(3).padStart(9)}${row.p99.toFixed(3).padStart(9)}${`${delta >= 0 ? "+" : ""}${delta.toFixed(3)}`.padStart(15)}`,
    );
  }
  const spread = Math.max(...rows.map((row) => row.p50)) - Math.min(...rows.map((row) => row.p50));
  console.log(`largest p50 difference: ${spread.toFixed(3)} ms (goal: under ~1 ms)`);
}

async function main(): Promise<void> {
  console.log(`${SAMPLES} sequential samples per kind and route, throttling on, kinds shuffled every round`);
  for (const cacheMs of ["5000", "0"]) {
    const platform = await startTestPlatform({ env: { PLAYGROUND: "0", LICENSE_CACHE_TTL_MS: cacheMs } });
    try {
      const keys = await badKeys(platform);
      for (const route of ROUTES) {
        report(
          `${route.method} ${route.path}, license cache ${cacheMs === "0" ? "off" : `${cacheMs} ms`}`,
          await measure(platform, keys, route),
        );
      }
    } finally {
      await platform.stop();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
