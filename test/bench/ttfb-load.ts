/**
 * HTTP load with time to first byte, for the benchmarks in this folder (test/bench/load.ts drives autocannon,
 * which sends no body per request of our choosing and cannot time the first byte of a streamed answer).
 *
 * `connections` workers, each with its own keep-alive socket, send the same request back to back for `durationS`
 * seconds (then finish the request in flight) and record, per request, in microseconds:
 *   - ttfb: from just before the request is written to the first byte of the response BODY (for an SSE answer,
 *     the first event; the headers alone do not count);
 *   - total: to the last byte.
 * Every answer's status is counted; a 2xx answer's body must start with `expect.prefix`, end with `expect.suffix`
 * and contain each of `expect.contains` (when given), else it counts as a bad body (the first is kept for the report).
 *
 * `runTtfbLoadInChild` runs this file as a separate node process (options on stdin, result on stdout), so the load
 * generator does not share the server's event loop. A warm-up of `warmupS` seconds comes first; its answers are
 * checked and counted (in `warmup`) but not timed.
 */
import http from "node:http";
import { performance } from "node:perf_hooks";
import { runJsonChild, serveJsonChild } from "./json-child";

export interface TtfbLoadOptions {
  url: string;
  method: string;
  headers: Record<string, string>;
  /** Sent as is (content-length is set from it). */
  body: string;
  connections: number;
  durationS: number;
  warmupS: number;
  /** What a 2xx body must start with, end with, and contain (each when given). */
  expect: { prefix: string; suffix?: string; contains?: string[] };
}

export interface Figures {
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface PhaseCounts {
  responses: number;
  ok: number;
  statusCounts: Record<string, number>;
  badBodies: number;
  /** Requests that failed without an answer (connection refused or reset, malformed response). */
  errors: number;
}

export interface TtfbLoadResult extends PhaseCounts {
  seconds: number;
  reqPerSec: number;
  /** Of 2xx answers with a valid body. */
  ttfb: Figures;
  total: Figures;
  /** Mean response body size of valid answers, in bytes. */
  meanBodyBytes: number;
  firstBadBody?: string;
  firstError?: string;
  /** The warm-up's counts (its answers are checked too). */
  warmup: PhaseCounts;
}

class Samples {
  private values = new Float64Array(1 << 16);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.length++] = value;
  }

  figures(): Figures {
    const sorted = this.values.slice(0, this.length).sort();
    const at = (p: number): number =>
      sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
    return { p50Ms: at(50), p90Ms: at(90), p99Ms: at(99), maxMs: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1] };
  }
}

interface Phase extends PhaseCounts {
  ttfb: Samples;
  total: Samples;
  bodyBytes: number;
  firstBadBody?: string;
  firstError?: string;
}

const newPhase = (): Phase => ({
  responses: 0,
  ok: 0,
  statusCounts: {},
  badBodies: 0,
  errors: 0,
  ttfb: new Samples(),
  total: new Samples(),
  bodyBytes: 0,
});

/** One request on `agent`: resolves (never rejects) once it is over, after recording it in `phase`. */
function once(options: TtfbLoadOptions, target: URL, agent: http.Agent, body: Buffer, phase: Phase): Promise<void> {
  return new Promise((resolve) => {
    const started = performance.now();
    let firstByte = Number.NaN;
    const chunks: Buffer[] = [];
    const fail = (error: Error): void => {
      phase.errors++;
      phase.firstError ??= String(error);
      resolve();
    };
    const request = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: options.method,
        headers: { ...options.headers, "content-length": body.length },
      },
      (response) => {
        response.on("data", (chunk: Buffer) => {
          if (Number.isNaN(firstByte)) firstByte = performance.now();
          chunks.push(chunk);
        });
        response.on("error", fail);
        response.on("end", () => {
          const ended = performance.now();
          const status = response.statusCode ?? 0;
          phase.responses++;
          phase.statusCounts[status] = (phase.statusCounts[status] ?? 0) + 1;
          const bytes = Buffer.concat(chunks);
          const text = bytes.toString("utf8");
          const { prefix, suffix, contains = [] } = options.expect;
          const valid =
            text.startsWith(prefix) && (suffix === undefined || text.endsWith(suffix)) && contains.every((part) => text.includes(part));
          if (status >= 200 && status < 300 && !valid) {
            phase.badBodies++;
            phase.firstBadBody ??= text.slice(0, 2000);
          } else if (status >= 200 && status < 300) {
            phase.ok++;
            phase.bodyBytes += bytes.length;
            phase.ttfb.push(firstByte - started);
            phase.total.push(ended - started);
          } else {
            phase.firstBadBody ??= `${status}: ${text.slice(0, 2000)}`;
          }
          resolve();
        });
      },
    );
    request.on("error", fail);
    request.end(body);
  });
}

async function runPhase(options: TtfbLoadOptions, durationS: number): Promise<{ phase: Phase; seconds: number }> {
  const target = new URL(options.url);
  const body = Buffer.from(options.body);
  const phase = newPhase();
  const started = performance.now();
  const deadline = started + durationS * 1000;
  const worker = async (): Promise<void> => {
    // One socket per worker, kept alive across its requests, as a client pool of `connections` sockets.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    while (performance.now() < deadline) await once(options, target, agent, body, phase);
    agent.destroy();
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  return { phase, seconds: (performance.now() - started) / 1000 };
}

const counts = (phase: Phase): PhaseCounts => ({
  responses: phase.responses,
  ok: phase.ok,
  statusCounts: phase.statusCounts,
  badBodies: phase.badBodies,
  errors: phase.errors,
});

/** Warm-up (counted, not timed), then the measured run, in this process. */
export async function runTtfbLoad(options: TtfbLoadOptions): Promise<TtfbLoadResult> {
  const warmup = options.warmupS > 0 ? (await runPhase(options, options.warmupS)).phase : newPhase();
  const { phase, seconds } = await runPhase(options, options.durationS);
  return {
    ...counts(phase),
    seconds,
    reqPerSec: phase.responses / seconds,
    ttfb: phase.ttfb.figures(),
    total: phase.total.figures(),
    meanBodyBytes: phase.ok > 0 ? phase.bodyBytes / phase.ok : Number.NaN,
    firstBadBody: phase.firstBadBody ?? warmup.firstBadBody,
    firstError: phase.firstError ?? warmup.firstError,
    warmup: counts(warmup),
  };
}

/** The same in a child node process running this file. */
export async function runTtfbLoadInChild(options: TtfbLoadOptions): Promise<TtfbLoadResult> {
  return runJsonChild<TtfbLoadOptions, TtfbLoadResult>(__filename, options);
}

if (require.main === module) serveJsonChild(runTtfbLoad);
