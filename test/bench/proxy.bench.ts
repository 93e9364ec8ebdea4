/**
 * Latency the AI proxy adds over calling the provider stub directly (issue 14, goal 2: "per-chat overhead at 1
 * connection p50 <= 1 ms; at 50 connections with a 250 ms provider p50 <= 3 ms and p99 <= 10 ms (streamed: time to
 * first byte); saturated >= 1,000 chats/s. Every answer still writes exactly one usage record and the counters stay
 * exact"). Prints a table, the overheads and the goals as met / not met; never fails on a figure. Exits non-zero
 * when an answer was not a 200 with a valid body, or when the usage records do not match the calls answered.
 * "Saturated" is judged on runs 2 and 4 (50 connections, instant provider).
 *
 *   npm run bench:proxy                      (see test/bench/tsconfig.json for the build)
 *   BENCH_DURATION_S=3 npm run bench:proxy   (shorter measured runs; warm-up is BENCH_WARMUP_S, default 2)
 *   BENCH_CONNECTIONS=20 npm run bench:proxy (the concurrent connections of the main runs, default 50)
 *   BENCH_PROVIDER_DELAY_MS=500 npm run bench:proxy (the provider latency of runs 9-12, default 250)
 *
 * Three processes: the OpenAI stub (test/support/ai-stubs.ts) in a child process of its own (test/bench/stub-
 * process.ts: a real provider is remote, it must not share the platform's event loop); the platform in this
 * process (Fastify + mongoose + the embedded engine over loopback TCP, in memory; THROTTLE=off, the production
 * 5 s license cache, OPENAI_BASE_URL at the stub); the load generator in another child process (test/bench/
 * ttfb-load.ts: node:http, one keep-alive socket per connection, per-request time to first body byte and to last
 * byte, in microseconds). The license is on a copy of the pro plan without request limits or budget, so no
 * answer is a 429/402.
 *
 * Runs, each after a discarded (but checked) warm-up, in pairs, so that each platform run is compared with the
 * direct run just before it:
 *   1. direct, non-streamed: POST <stub>/v1/chat/completions with the body and headers the platform sends upstream
 *      (captured from the stub: model gpt-4o-mini, max_tokens, temperature, messages; the SDK's headers);
 *   2. platform, non-streamed: POST /api/chat, x-license-key, {"messages":[{"role":"user","content":<1 KB>}]};
 *   3. direct, streamed: the same with stream: true, stream_options.include_usage (SSE);
 *   4. platform, streamed: POST /api/chat with "stream": true (the SSE passed through, then chatello.usage);
 *   5-8. the same four over 1 connection: the cost of one request without queueing;
 *   9-12. the first four again with a provider that takes BENCH_PROVIDER_DELAY_MS (default 250 ms) to answer, as
 *      real ones do: 50 requests in flight then arrive at a rate the platform can serve, instead of saturating it.
 * Overhead = platform figure - direct figure, per percentile (the percentiles of two distributions, not the
 * percentile of a per-request difference). For streamed runs the figure that counts is the time to first byte.
 *
 * Correctness under load, checked for every platform run (warm-up included): answers 200 == usage_logs written ==
 * provider calls the stub received; at the end the license's month counter holds no pending reservation.
 */
import "./build-root";
import * as os from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { monthWindow } from "../../src/modules/usage/usage-windows";
import { startTestPlatform } from "../support/platform";
import { newBenchLicense } from "./bench-licenses";
import { startStubProcess, type StubProcess } from "./stub-process";
import { runTtfbLoadInChild, type Figures, type TtfbLoadOptions, type TtfbLoadResult } from "./ttfb-load";

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const PROVIDER_DELAY_MS = Number(process.env.BENCH_PROVIDER_DELAY_MS ?? 250);
/** Issue 14, goal 2: overhead at 1 connection; at 50 connections with the slow provider; saturated throughput. */
const GOAL_SINGLE_P50_MS = 1;
const GOAL_P50_MS = 3;
const GOAL_P99_MS = 10;
const GOAL_CHATS_PER_S = 1_000;
const PROVIDER_KEY = "sk-bench-openai-0000";

/** About 1 KB of user text, the same in every request. */
const PROMPT = (() => {
  const sentence = "Please summarise the following paragraph about licensing WordPress plugins in two short sentences. ";
  return sentence.repeat(Math.ceil(1024 / sentence.length)).slice(0, 1024);
})();

type Target = "direct" | "platform";
type Kind = "json" | "sse";

interface Run {
  label: string;
  target: Target;
  kind: Kind;
  connections: number;
  result: TtfbLoadResult;
  /** CPU of this process (platform + embedded engine) during the run, in % of one core. */
  cpuPercent: number;
  /** Event-loop delay of this process during the run (p99, ms). */
  loopDelayP99Ms: number;
  /** Platform runs: warm-up + measured answers 200, usage_logs written, provider calls received by the stub. */
  ledger?: { answered200: number; usageLogs: number; providerCalls: number };
}

const ms = (value: number | null | undefined): string => (typeof value === "number" && Number.isFinite(value) ? value.toFixed(2) : "-");
const signedMs = (value: number): string => (Number.isFinite(value) ? `${value >= 0 ? "+" : ""}${value.toFixed(2)}` : "-");

async function post(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { method: "POST", headers, body });
  return { status: response.status, text: await response.text() };
}

/** The headers the platform's SDK sent upstream, minus the per-connection ones the load generator sets itself. */
function upstreamHeaders(recorded: Record<string, string | string[] | undefined>): Record<string, string> {
  const skip = new Set(["host", "content-length", "connection", "transfer-encoding", "keep-alive"]);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(recorded)) {
    if (value === undefined || skip.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

/** What a valid answer looks like, per target and kind (checked on every answer by the load generator). */
const EXPECT: Record<Target, Record<Kind, TtfbLoadOptions["expect"]>> = {
  direct: {
    json: { prefix: '{"id":"chatcmpl-', suffix: '"system_fingerprint":"fp_stub"}' },
    sse: { prefix: 'data: {"id":"chatcmpl-', suffix: "data: [DONE]\n\n", contains: ['"usage":{"prompt_tokens":'] },
  },
  platform: {
    json: {
      prefix: '{"success":true,"provider":"openai","model":"gpt-4o-mini","response":{"id":"chatcmpl-',
      suffix: "}}",
      contains: ['"usage":{"tokens":'],
    },
    // The provider's events unchanged up to [DONE], then the platform's usage event (chatello.error would fail it).
    sse: { prefix: 'data: {"id":"chatcmpl-', suffix: "}\n\n", contains: ["data: [DONE]\n\nevent: chatello.usage\ndata: {"] },
  },
};

function checkSample(label: string, sample: { status: number; text: string }, expect: TtfbLoadOptions["expect"]): void {
  const { prefix, suffix, contains = [] } = expect;
  const valid =
    sample.text.startsWith(prefix) &&
    (suffix === undefined || sample.text.endsWith(suffix)) &&
    contains.every((part) => sample.text.includes(part));
  if (sample.status !== 200 || !valid) throw new Error(`${label} answered ${sample.status}: ${sample.text.slice(0, 1000)}`);
}

/** Problems with a run's answers (none expected: every answer, warm-up included, a 200 with a valid body). */
function problems(run: Run): string[] {
  const found: string[] = [];
  const { result } = run;
  for (const [phase, counts] of [
    ["warm-up", result.warmup],
    ["measured", result],
  ] as const) {
    const non200 = counts.responses - (counts.statusCounts["200"] ?? 0);
    if (non200 > 0) found.push(`${phase}: ${non200} non-200 answers ${JSON.stringify(counts.statusCounts)}`);
    if (counts.badBodies > 0) found.push(`${phase}: ${counts.badBodies} 200 answers with an invalid body`);
    if (counts.errors > 0) found.push(`${phase}: ${counts.errors} requests without an answer`);
  }
  if (result.ok === 0) found.push("no valid answer at all");
  if (found.length > 0 && result.firstBadBody) found.push(`first bad answer: ${JSON.stringify(result.firstBadBody.slice(0, 300))}`);
  if (found.length > 0 && result.firstError) found.push(`first error: ${result.firstError}`);
  const { ledger } = run;
  if (ledger && !(ledger.answered200 === ledger.usageLogs && ledger.usageLogs === ledger.providerCalls)) {
    found.push(
      `answers 200 (${ledger.answered200}), usage_logs written (${ledger.usageLogs}) and provider calls (${ledger.providerCalls}) differ`,
    );
  }
  return found;
}

function formatTable(runs: Run[]): string {
  const header = [
    "run",
    "conns",
    "req/s",
    "ttfb p50",
    "ttfb p99",
    "p50 ms",
    "p99 ms",
    "max ms",
    "conns/(req/s)",
    "cpu %",
    "loop p99",
    "bytes",
  ];
  const cells = runs.map(({ label, connections, result, cpuPercent, loopDelayP99Ms }) => [
    label,
    String(connections),
    Math.round(result.reqPerSec).toLocaleString("en-US"),
    ms(result.ttfb.p50Ms),
    ms(result.ttfb.p99Ms),
    ms(result.total.p50Ms),
    ms(result.total.p99Ms),
    ms(result.total.maxMs),
    ms((1000 * connections) / result.reqPerSec),
    String(Math.round(cpuPercent)),
    ms(loopDelayP99Ms),
    String(Math.round(result.meanBodyBytes)),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((cell) => cell[i].length)));
  const line = (cell: string[]): string => cell.map((text, i) => (i === 0 ? text.padEnd(widths[i]) : text.padStart(widths[i]))).join("  ");
  return [line(header), widths.map((width) => "-".repeat(width)).join("  "), ...cells.map(line)].join("\n");
}

interface Overhead {
  what: string;
  p50: number;
  p99: number;
}

function overhead(what: string, direct: Figures, platform: Figures): Overhead {
  return { what, p50: platform.p50Ms - direct.p50Ms, p99: platform.p99Ms - direct.p99Ms };
}

async function main(): Promise<void> {
  const started = Date.now();
  const cpus = os.cpus();
  console.log(
    `machine: ${cpus.length} x ${cpus[0]?.model ?? "unknown cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.arch()}, node ${process.version}`,
  );
  console.log(
    `load: test/bench/ttfb-load.ts (node:http, child process), ${CONNECTIONS} and 1 connections, keep-alive, ${DURATION_S} s measured after a ${WARMUP_S} s warm-up; ` +
      `${Buffer.byteLength(PROMPT)}-byte user message`,
  );
  console.log("provider: the OpenAI stub (test/support/ai-stubs.ts, default answer) in a child process of its own");
  console.log(
    "platform: this process (Fastify + mongoose + the embedded engine over loopback TCP, in memory), THROTTLE=off, LICENSE_CACHE_TTL_MS=5000\n",
  );

  const stub: StubProcess = await startStubProcess();
  const platform = await startTestPlatform({
    env: { THROTTLE: "off", PLAYGROUND: "0", LICENSE_CACHE_TTL_MS: "5000", OPENAI_API_KEY: PROVIDER_KEY, OPENAI_BASE_URL: stub.baseUrl },
  });
  let failed = false;
  try {
    const { key, licenseId } = await newBenchLicense(platform);
    const chatUrl = `${platform.baseUrl}/api/chat`;
    const platformHeaders = { "content-type": "application/json", "x-license-key": key };
    const platformBody: Record<Kind, string> = {
      json: JSON.stringify({ messages: [{ role: "user", content: PROMPT }] }),
      sse: JSON.stringify({ messages: [{ role: "user", content: PROMPT }], stream: true }),
    };

    // One call of each kind through the platform, and what it sent upstream: the direct runs send exactly that.
    const direct: Record<Kind, { url: string; headers: Record<string, string>; body: string }> = {} as never;
    for (const kind of ["json", "sse"] as const) {
      const sample = await post(chatUrl, platformHeaders, platformBody[kind]);
      checkSample(`platform (${kind})`, sample, EXPECT.platform[kind]);
      const sent = await stub.last();
      if (!sent || sent.path !== "/v1/chat/completions")
        throw new Error(`the stub did not receive the platform's call: ${JSON.stringify(sent)}`);
      direct[kind] = { url: `${stub.baseUrl}/chat/completions`, headers: upstreamHeaders(sent.headers), body: JSON.stringify(sent.body) };
      checkSample(`direct (${kind})`, await post(direct[kind].url, direct[kind].headers, direct[kind].body), EXPECT.direct[kind]);
    }
    console.log(
      `upstream body (non-streamed), as the platform sends it: ${direct.json.body.replace(PROMPT, `<${Buffer.byteLength(PROMPT)} bytes>`)}`,
    );
    console.log(`upstream body (streamed): ${direct.sse.body.replace(PROMPT, `<${Buffer.byteLength(PROMPT)} bytes>`)}`);
    console.log(`upstream headers: ${Object.keys(direct.json.headers).join(", ")}\n`);

    const runs: Run[] = [];
    const measure = async (label: string, target: Target, kind: Kind, connections: number): Promise<Run> => {
      const request = target === "direct" ? direct[kind] : { url: chatUrl, headers: platformHeaders, body: platformBody[kind] };
      const options: TtfbLoadOptions = {
        ...request,
        method: "POST",
        connections,
        durationS: DURATION_S,
        warmupS: WARMUP_S,
        expect: EXPECT[target][kind],
      };
      const logsBefore = await platform.services.models.UsageLog.countDocuments({}).exec();
      const callsBefore = (await stub.stats()).served;
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      const cpuBefore = process.cpuUsage();
      const wallBefore = process.hrtime.bigint();
      const result = await runTtfbLoadInChild(options);
      const cpu = process.cpuUsage(cpuBefore);
      const wallUs = Number(process.hrtime.bigint() - wallBefore) / 1000;
      loop.disable();
      const logs = (await platform.services.models.UsageLog.countDocuments({}).exec()) - logsBefore;
      const calls = (await stub.stats()).served - callsBefore;
      const run: Run = {
        label,
        target,
        kind,
        connections,
        result,
        cpuPercent: (100 * (cpu.user + cpu.system)) / wallUs,
        loopDelayP99Ms: loop.percentile(99) / 1e6,
        ledger:
          target === "platform"
            ? {
                answered200: (result.warmup.statusCounts["200"] ?? 0) + (result.statusCounts["200"] ?? 0),
                usageLogs: logs,
                providerCalls: calls,
              }
            : undefined,
      };
      const found = problems(run);
      if (found.length > 0) {
        failed = true;
        console.error(`ERROR in "${label}": ${found.join("; ")}`);
      }
      runs.push(run);
      return run;
    };

    const directJson = await measure("1. direct, non-streamed", "direct", "json", CONNECTIONS);
    const platformJson = await measure("2. platform /api/chat, non-streamed", "platform", "json", CONNECTIONS);
    const directSse = await measure("3. direct, streamed", "direct", "sse", CONNECTIONS);
    const platformSse = await measure("4. platform /api/chat, streamed", "platform", "sse", CONNECTIONS);
    const directJson1 = await measure("5. direct, non-streamed", "direct", "json", 1);
    const platformJson1 = await measure("6. platform /api/chat, non-streamed", "platform", "json", 1);
    const directSse1 = await measure("7. direct, streamed", "direct", "sse", 1);
    const platformSse1 = await measure("8. platform /api/chat, streamed", "platform", "sse", 1);
    await stub.setDelay(PROVIDER_DELAY_MS);
    const slow = ` (provider ${PROVIDER_DELAY_MS} ms)`;
    const directJsonSlow = await measure(`9. direct, non-streamed${slow}`, "direct", "json", CONNECTIONS);
    const platformJsonSlow = await measure(`10. platform, non-streamed${slow}`, "platform", "json", CONNECTIONS);
    const directSseSlow = await measure(`11. direct, streamed${slow}`, "direct", "sse", CONNECTIONS);
    const platformSseSlow = await measure(`12. platform, streamed${slow}`, "platform", "sse", CONNECTIONS);

    // Every reservation settled: no pending entry left in the month counter, and one request per usage record.
    const counter = await platform.services.models.UsageCounter.findOne({ license_id: licenseId, window: monthWindow(new Date()) })
      .lean()
      .exec();
    const licenseLogs = await platform.services.models.UsageLog.countDocuments({ license_id: licenseId }).exec();
    const pending = counter?.pending?.length ?? -1;
    const counterOk = counter !== null && pending === 0 && counter.reserved_micros === 0 && counter.requests === licenseLogs;
    if (!counterOk) failed = true;
    const stubStats = await stub.stats();

    console.log(formatTable(runs));
    console.log(
      "\nttfb: request written -> first body byte (streamed: the first SSE event); p50/p99/max: -> last byte. Of 200 answers with a valid body, in ms." +
        "\nconns/(req/s): the mean latency that the connections alone imply at that throughput (Little's law): at saturation, latency is mostly waiting." +
        "\ncpu %: this process (platform + embedded engine) during the run, 100 = one core; loop p99: its event-loop delay. bytes: mean answer size.",
    );

    const sum = (pick: (ledger: NonNullable<Run["ledger"]>) => number): number =>
      runs.reduce((total, run) => total + (run.ledger ? pick(run.ledger) : 0), 0);
    console.log(
      `\nusage records (platform runs, warm-ups included): ${sum((l) => l.answered200).toLocaleString("en-US")} answers 200, ` +
        `${sum((l) => l.usageLogs).toLocaleString("en-US")} usage_logs written, ${sum((l) => l.providerCalls).toLocaleString("en-US")} provider calls received by the stub` +
        ` (per run: ${runs
          .filter((run) => run.ledger)
          .map((run) => `${run.label.slice(0, 2)} ${run.ledger?.answered200}/${run.ledger?.usageLogs}/${run.ledger?.providerCalls}`)
          .join(", ")})` +
        `; month counter: ${counter ? `requests ${counter.requests} (usage_logs of the license ${licenseLogs}), pending ${pending}, reserved_micros ${counter.reserved_micros}` : "missing"}` +
        ` -> ${counterOk ? "consistent" : "INCONSISTENT"}`,
    );
    console.log(`stub process: ${stubStats.served.toLocaleString("en-US")} requests served, rss ${stubStats.rssMiB} MiB at the end`);

    const at50: Overhead[] = [
      overhead("non-streamed (to last byte)", directJson.result.total, platformJson.result.total),
      overhead("streamed, time to first byte", directSse.result.ttfb, platformSse.result.ttfb),
      overhead("streamed, to last byte", directSse.result.total, platformSse.result.total),
    ];
    const at1: Overhead[] = [
      overhead("non-streamed (to last byte)", directJson1.result.total, platformJson1.result.total),
      overhead("streamed, time to first byte", directSse1.result.ttfb, platformSse1.result.ttfb),
      overhead("streamed, to last byte", directSse1.result.total, platformSse1.result.total),
    ];
    const atSlow: Overhead[] = [
      overhead("non-streamed (to last byte)", directJsonSlow.result.total, platformJsonSlow.result.total),
      overhead("streamed, time to first byte", directSseSlow.result.ttfb, platformSseSlow.result.ttfb),
      overhead("streamed, to last byte", directSseSlow.result.total, platformSseSlow.result.total),
    ];
    const describe = (rows: Overhead[]): string =>
      rows
        .map((row) => `  ${row.what.padEnd(30)} p50 ${signedMs(row.p50).padStart(8)} ms   p99 ${signedMs(row.p99).padStart(8)} ms`)
        .join("\n");
    console.log(`\noverhead at ${CONNECTIONS} connections (platform - direct, ms):\n${describe(at50)}`);
    console.log(`overhead at 1 connection (the per-request cost, without queueing):\n${describe(at1)}`);
    console.log(
      `overhead at ${CONNECTIONS} connections with a provider that answers in ${PROVIDER_DELAY_MS} ms (not saturated):\n${describe(atSlow)}`,
    );

    const verdict = (ok: boolean): string => (ok ? "met" : "NOT met");
    const goal = (row: Overhead): string =>
      `${row.what}: ${verdict(row.p50 <= GOAL_P50_MS)} p50 <= ${GOAL_P50_MS} ms (${signedMs(row.p50)}); ${verdict(row.p99 <= GOAL_P99_MS)} p99 <= ${GOAL_P99_MS} ms (${signedMs(row.p99)})`;
    const singleGoal = (row: Overhead): string =>
      `${row.what}: ${verdict(row.p50 <= GOAL_SINGLE_P50_MS)} p50 <= ${GOAL_SINGLE_P50_MS} ms (${signedMs(row.p50)})`;
    const saturatedGoal = (run: Run): string =>
      `${run.label}: ${verdict(run.result.reqPerSec >= GOAL_CHATS_PER_S)} >= ${GOAL_CHATS_PER_S.toLocaleString("en-US")} chats/s (${Math.round(run.result.reqPerSec).toLocaleString("en-US")})`;
    console.log("\ngoals (issue 14, goal 2):");
    console.log(`  overhead at 1 connection:\n    ${singleGoal(at1[0])}\n    ${singleGoal(at1[1])}`);
    console.log(
      `  overhead at ${CONNECTIONS} connections, provider ${PROVIDER_DELAY_MS} ms${PROVIDER_DELAY_MS === 250 ? "" : " (the goal is stated for 250 ms)"}:\n    ${goal(atSlow[0])}\n    ${goal(atSlow[1])}`,
    );
    console.log(
      `  saturated (${CONNECTIONS} connections, instant provider):\n    ${saturatedGoal(platformJson)}\n    ${saturatedGoal(platformSse)}`,
    );
    console.log(
      `  every answer one usage record, counters exact: ${verdict(!failed)} (${failed ? "see the errors above" : "answers 200 = usage_logs = provider calls in every platform run; month counter consistent"})`,
    );
    console.log(
      `note: at ${CONNECTIONS} connections each request also waits behind the others in the platform's single event loop` +
        ` (run 2 serves ${Math.round(platformJson.result.reqPerSec).toLocaleString("en-US")} req/s, so ${CONNECTIONS} connections wait about ${ms((1000 * CONNECTIONS) / platformJson.result.reqPerSec)} ms` +
        ` on average, against ${ms((1000 * CONNECTIONS) / directJson.result.reqPerSec)} ms for the stub alone): the overhead there is the per-request work times the queue,` +
        ` not the per-request work alone, which is the 1-connection figure (non-streamed p50 ${signedMs(at1[0].p50)} ms, p99 ${signedMs(at1[0].p99)} ms;` +
        ` streamed first byte p50 ${signedMs(at1[1].p50)} ms, p99 ${signedMs(at1[1].p99)} ms).` +
        ` The stub, this process and the load generator share ${cpus.length} cores.`,
    );
    if (failed) console.error("\nERROR: some answers were not 200 with a valid body, or the usage records do not match (see above)");
  } finally {
    await platform.stop();
    await stub.stop();
  }
  console.log(`total ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
