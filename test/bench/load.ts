/**
 * HTTP load for the benchmarks in this folder: autocannon, driven through its API so that each request can carry
 * a different license key (its CLI sends one fixed header) and so that latencies are kept at microsecond
 * resolution (autocannon's own histogram rounds to whole milliseconds).
 *
 * `runLoad` runs in the calling process; `runLoadInChild` runs this file as a separate node process (options on
 * stdin, result on stdout), so the load generator does not share the server's event loop.
 */
import autocannon from "autocannon";
import { runJsonChild, serveJsonChild } from "./json-child";

export interface LoadOptions {
  url: string;
  connections: number;
  durationS: number;
  /** A discarded run of this length first (same options), to let JIT and connection pools settle. */
  warmupS: number;
  /** Send exactly this many requests instead of running for durationS (with `keys` of this length: each key once). */
  amount?: number;
  method: string;
  /** Sent as x-license-key: one key, or several rotated request by request across all connections. */
  keys: string[];
  /**
   * With several keys: instead of rotating through all of them, rotate through `size` keys until each has made
   * `usesPerKey` requests, then through the next `size` (wrapping at the end): each key's requests then come close
   * together (within its license cache), and no key makes more than `usesPerKey` requests while the keys last.
   */
  keyBlocks?: { size: number; usesPerKey: number };
  /** A 2xx response must start with this, else it counts as a bad body. */
  expectBodyPrefix: string;
}

export interface LoadResult {
  mode: "in-process" | "child process";
  seconds: number;
  responses: number;
  reqPerSec: number;
  non2xx: number;
  statusCounts: Record<string, number>;
  /** 2xx responses whose body did not start with `expectBodyPrefix`. */
  badBodies: number;
  errors: number;
  timeouts: number;
  /** Of 2xx responses, from our own microsecond-resolution record. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** autocannon's own figures, for comparison (whole milliseconds, 2xx and non-2xx). */
  autocannon: { reqPerSecAvg: number; p50Ms: number; p99Ms: number };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Which key the n-th request sends. */
function keyIndex(n: number, count: number, blocks: LoadOptions["keyBlocks"]): number {
  if (!blocks) return n % count;
  const perBlock = blocks.size * blocks.usesPerKey;
  return (Math.floor(n / perBlock) * blocks.size + (n % blocks.size)) % count;
}

/** `sent` counts requests across the warm-up and the measured run, so that the measured run goes on with new keys. */
async function once(options: LoadOptions, durationS: number, sent: { count: number }): Promise<LoadResult> {
  let latencies = new Float64Array(1 << 16);
  let recorded = 0;
  let badBodies = 0;
  const statusCounts: Record<string, number> = {};
  const { keys } = options;

  const request: autocannon.Request = {
    method: options.method,
    path: new URL(options.url).pathname,
    headers: { "x-license-key": keys[0] },
  };
  if (keys.length > 1) {
    // One shared counter: the 50 connections take keys in turn (round-robin, or block by block).
    request.setupRequest = (built) => {
      built.headers = { ...built.headers, "x-license-key": keys[keyIndex(sent.count++, keys.length, options.keyBlocks)] };
      return built;
    };
  }
  const onResponse = (status: number, body: string): void => {
    if (status >= 200 && status < 300 && !body.startsWith(options.expectBodyPrefix)) badBodies++;
  };

  const started = process.hrtime.bigint();
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    ...(options.amount ? { amount: options.amount } : { duration: durationS }),
    requests: [{ ...request, onResponse } as autocannon.Request],
  });
  instance.on("response", (_client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
    statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
    if (statusCode < 200 || statusCode >= 300) return;
    if (recorded === latencies.length) {
      const bigger = new Float64Array(latencies.length * 2);
      bigger.set(latencies);
      latencies = bigger;
    }
    latencies[recorded++] = responseTimeMs;
  });
  const result = await instance;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;

  const sorted = latencies.slice(0, recorded).sort();
  const responses = Object.values(statusCounts).reduce((sum, count) => sum + count, 0);
  return {
    mode: "in-process",
    seconds,
    responses,
    reqPerSec: responses / seconds,
    non2xx: result.non2xx,
    statusCounts,
    badBodies,
    errors: result.errors,
    timeouts: result.timeouts,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length > 0 ? sorted[sorted.length - 1] : Number.NaN,
    autocannon: { reqPerSecAvg: result.requests.average, p50Ms: result.latency.p50, p99Ms: result.latency.p99 },
  };
}

/** Warm-up (discarded), then the measured run, in this process. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const sent = { count: 0 };
  if (options.warmupS > 0) await once(options, options.warmupS, sent);
  return once(options, options.durationS, sent);
}

/** The same in a child node process running this file. */
export async function runLoadInChild(options: LoadOptions): Promise<LoadResult> {
  const result = await runJsonChild<LoadOptions, LoadResult>(__filename, options);
  return { ...result, mode: "child process" };
}

if (require.main === module) serveJsonChild(runLoad);
