/**
 * CPU profile of the platform under load, split by component (test/bench/profile-split.ts), for issue 14's
 * "measure first". The platform runs in this process; the load generator (and the provider stub) in child
 * processes, so the profile holds only the platform and its embedded engine. The profiler (node:inspector, the
 * same sampler as `node --cpu-prof`) runs only during the measured load, after a warm-up.
 *
 *   npm run bench:profile                                  (all three workloads)
 *   BENCH_PROFILE=validate npm run bench:profile           (one of: validate, chat-json, chat-sse)
 *   BENCH_PROFILE_DIR=/tmp/prof npm run bench:profile      (where the .cpuprofile files go; default .bench-build/profiles)
 *   BENCH_DURATION_S=4 npm run bench:profile               (seconds of each chat workload, default 8)
 *
 * Workloads, 50 connections each:
 *   validate:  POST /api/validate in the production configuration (throttling on, 5 s license cache), 10,000 keys
 *              each sent once (BENCH_COLD_KEYS), after a warm-up of 2,000 other keys;
 *   chat-json: POST /api/chat, non-streamed, against the OpenAI stub (instant answers) in its own process, with the
 *              proxy benchmark's configuration (THROTTLE=off, 5 s cache, an unlimited plan), 8 s after a 2 s warm-up;
 *   chat-sse:  the same, streamed.
 */
import "./build-root";
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import path from "node:path";
import { startTestPlatform } from "../support/platform";
import { insertLicenses, newBenchLicense } from "./bench-licenses";
import { runLoadInChild } from "./load";
import { formatSplit, splitProfile, type CpuProfile } from "./profile-split";
import { startStubProcess } from "./stub-process";
import { runTtfbLoadInChild, type TtfbLoadOptions } from "./ttfb-load";

const CONNECTIONS = 50;
const COLD_KEYS = Number(process.env.BENCH_COLD_KEYS ?? 10_000);
const WARMUP_KEYS = 2_000;
const CHAT_SECONDS = Number(process.env.BENCH_DURATION_S ?? 8);
const SAMPLING_INTERVAL_US = 250;
const OUT_DIR = process.env.BENCH_PROFILE_DIR ?? path.join(__dirname, "..", "..", "profiles");
const WORKLOADS = ["validate", "chat-json", "chat-sse"] as const;
type Workload = (typeof WORKLOADS)[number];

function post(session: Session, method: string, params: object = {}): Promise<unknown> {
  return new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
}

/** Runs `work` under the CPU profiler; returns the profile and what `work` returned. */
async function profiled<T>(work: () => Promise<T>): Promise<{ profile: CpuProfile; result: T }> {
  const session = new Session();
  session.connect();
  await post(session, "Profiler.enable");
  await post(session, "Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_US });
  await post(session, "Profiler.start");
  const result = await work();
  const { profile } = (await post(session, "Profiler.stop")) as { profile: CpuProfile };
  session.disconnect();
  return { profile, result };
}

async function profileValidate(): Promise<{ profile: CpuProfile; requests: number; summary: string }> {
  const platform = await startTestPlatform({ env: { PLAYGROUND: "0", LICENSE_CACHE_TTL_MS: "5000" } });
  try {
    const keys = await insertLicenses(platform, "pro", COLD_KEYS + WARMUP_KEYS);
    const options = (chosen: string[]) => ({
      url: `${platform.baseUrl}/api/validate`,
      connections: CONNECTIONS,
      durationS: 0,
      warmupS: 0,
      amount: chosen.length,
      method: "POST",
      keys: chosen,
      expectBodyPrefix: '{"valid":true',
    });
    await runLoadInChild(options(keys.slice(COLD_KEYS)));
    const cpuBefore = process.cpuUsage();
    const { profile, result } = await profiled(() => runLoadInChild(options(keys.slice(0, COLD_KEYS))));
    const cpu = process.cpuUsage(cpuBefore);
    const summary =
      `${result.responses} answers (${JSON.stringify(result.statusCounts)}, ${result.badBodies} bad bodies) in ${result.seconds.toFixed(1)} s: ` +
      `${Math.round(result.reqPerSec)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms; ` +
      `process CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms (${((cpu.user + cpu.system) / result.responses).toFixed(0)} µs per request, profiler included)`;
    return { profile, requests: result.responses, summary };
  } finally {
    await platform.stop();
  }
}

async function profileChat(stream: boolean): Promise<{ profile: CpuProfile; requests: number; summary: string }> {
  const stub = await startStubProcess();
  const platform = await startTestPlatform({
    env: {
      THROTTLE: "off",
      PLAYGROUND: "0",
      LICENSE_CACHE_TTL_MS: "5000",
      OPENAI_API_KEY: "sk-bench-openai-0000",
      OPENAI_BASE_URL: stub.baseUrl,
    },
  });
  try {
    const { key } = await newBenchLicense(platform);
    const content = "Please summarise the following paragraph about licensing WordPress plugins in two short sentences. "
      .repeat(11)
      .slice(0, 1024);
    const options = (durationS: number): TtfbLoadOptions => ({
      url: `${platform.baseUrl}/api/chat`,
      method: "POST",
      headers: { "content-type": "application/json", "x-license-key": key },
      body: JSON.stringify({ messages: [{ role: "user", content }], ...(stream ? { stream: true } : {}) }),
      connections: CONNECTIONS,
      durationS,
      warmupS: 0,
      expect: stream ? { prefix: "data: ", contains: ["event: chatello.usage"] } : { prefix: '{"success":true' },
    });
    await runTtfbLoadInChild(options(2));
    const cpuBefore = process.cpuUsage();
    const { profile, result } = await profiled(() => runTtfbLoadInChild(options(CHAT_SECONDS)));
    const cpu = process.cpuUsage(cpuBefore);
    const summary =
      `${result.responses} answers (${JSON.stringify(result.statusCounts)}, ${result.badBodies} bad bodies) in ${result.seconds.toFixed(1)} s: ` +
      `${Math.round(result.reqPerSec)} req/s, ttfb p50 ${result.ttfb.p50Ms.toFixed(2)} ms, total p50 ${result.total.p50Ms.toFixed(2)} ms, p99 ${result.total.p99Ms.toFixed(2)} ms; ` +
      `process CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms (${((cpu.user + cpu.system) / result.responses).toFixed(0)} µs per request, profiler included)`;
    return { profile, requests: result.responses, summary };
  } finally {
    await platform.stop();
    await stub.stop();
  }
}

async function main(): Promise<void> {
  const chosen = process.env.BENCH_PROFILE;
  const workloads: readonly Workload[] = chosen ? WORKLOADS.filter((name) => name === chosen) : WORKLOADS;
  if (workloads.length === 0) throw new Error(`BENCH_PROFILE must be one of ${WORKLOADS.join(", ")}`);
  mkdirSync(OUT_DIR, { recursive: true });
  for (const workload of workloads) {
    const { profile, requests, summary } = workload === "validate" ? await profileValidate() : await profileChat(workload === "chat-sse");
    const file = path.join(OUT_DIR, `${workload}-${new Date().toISOString().replace(/[:.]/g, "-")}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    console.log(`\n## ${workload}\n${summary}\nprofile: ${file} (sampled every ${SAMPLING_INTERVAL_US} µs)\n`);
    console.log(formatSplit(splitProfile(profile), requests));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
