/**
 * The database commands one POST /api/validate sends in the production configuration (throttling on, 5 s license
 * cache), for issue 14's profile: a cold key alone, the same key again (cached), and 50 cold keys at once from one
 * IP (as the benchmark's 50 connections are), where the failed-lookup guard's in-flight cap makes lookups retry.
 *
 *   tsc -p test/bench/tsconfig.json && node .bench-build/test/bench/commands-per-request.js
 */
import "./build-root";
import { startMonitoredPlatform, type RecordedCommand } from "../support/monitored-platform";
import { insertLicenses } from "./bench-licenses";

const CONCURRENT = 50;

function summary(commands: RecordedCommand[], requests: number): string {
  const byName = new Map<string, number>();
  for (const { name, collection } of commands) {
    const label = `${name} ${collection ?? ""}`.trim();
    byName.set(label, (byName.get(label) ?? 0) + 1);
  }
  const parts = [...byName.entries()].sort((a, b) => b[1] - a[1]).map(([label, count]) => `${label} ${(count / requests).toFixed(2)}`);
  return `${(commands.length / requests).toFixed(2)} commands per request: ${parts.join(", ")}`;
}

async function main(): Promise<void> {
  const platform = await startMonitoredPlatform({ env: { PLAYGROUND: "0", LICENSE_CACHE_TTL_MS: "5000" } });
  try {
    const keys = await insertLicenses(platform, "pro", CONCURRENT + 1);
    const validate = async (key: string): Promise<void> => {
      const response = await fetch(`${platform.baseUrl}/api/validate`, { method: "POST", headers: { "x-license-key": key } });
      if (response.status !== 200) throw new Error(`validate answered ${response.status}: ${await response.text()}`);
      await response.text();
    };
    const cold = await platform.commands.during(() => validate(keys[CONCURRENT]));
    console.log(`one cold key: ${summary(cold.commands, 1)}`);
    const warm = await platform.commands.during(() => validate(keys[CONCURRENT]));
    console.log(`the same key again (cached): ${summary(warm.commands, 1)}`);
    const many = await platform.commands.during(() => Promise.all(keys.slice(0, CONCURRENT).map(validate)));
    console.log(`${CONCURRENT} cold keys at once, one IP: ${summary(many.commands, CONCURRENT)}`);
  } finally {
    await platform.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
