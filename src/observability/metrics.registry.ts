import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";

/**
 * The Prometheus metrics of one platform instance, in a registry of its own (never prom-client's global one: the
 * tests run several platforms in one process). Services record into these synchronously, with no await, so that
 * instrumenting a hot path costs a label lookup and an addition. The figures read at scrape time (quota use,
 * the embedded engine, backups) are added by the metrics plugin (metrics.plugin.ts).
 */
export interface PlatformMetrics {
  registry: Registry;
  http: { duration: Histogram<"method" | "route" | "status_code"> };
  licenses: { verdicts: Counter<"code"> };
  ai: {
    requests: Counter<"provider" | "model" | "outcome">;
    tokens: Counter<"provider" | "model" | "direction">;
    spendEur: Counter<"provider" | "model">;
    duration: Histogram<"provider" | "model">;
    refusals: Counter<"reason">;
    limitRefusals: Counter<"limit">;
  };
  db: { commandDuration: Histogram<"command">; commandFailures: Counter<"command"> };
  /** Adds process and event-loop metrics; once per registry (later calls do nothing). */
  collectProcessMetrics(): void;
}

export const METRICS_PREFIX = "chatello_";

// A boundary at 0.3 s for an SLO of "95 % under 300 ms"; 2.5 ms because /api/validate takes 1–3.5 ms unloaded.
const HTTP_BUCKETS = [0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.3, 0.5, 1, 2.5, 5, 10];
// Provider calls take seconds, up to AI_TIMEOUT_MS (30 s by default, 600 s at most).
const AI_BUCKETS = [0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 60, 120, 300];
// Database commands: the embedded engine answers in tens of microseconds, a remote replica set in milliseconds.
const DB_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];

export function createMetrics(): PlatformMetrics {
  const registry = new Registry();
  const registers = [registry];
  let processMetrics = false;
  return {
    registry,
    http: {
      duration: new Histogram({
        name: `${METRICS_PREFIX}http_request_duration_seconds`,
        help: "HTTP requests by route pattern (unmatched: no route), method and status code, from arrival to the last byte sent.",
        labelNames: ["method", "route", "status_code"],
        buckets: HTTP_BUCKETS,
        registers,
      }),
    },
    licenses: {
      verdicts: new Counter({
        name: `${METRICS_PREFIX}license_verdicts_total`,
        help: "License key checks by verdict: VALID, or the refusal code (LICENSE_NOT_FOUND, LOOKUPS_BLOCKED, ...).",
        labelNames: ["code"],
        registers,
      }),
    },
    ai: {
      requests: new Counter({
        name: `${METRICS_PREFIX}ai_requests_total`,
        help: "Provider calls by outcome: ok, provider_error (a non-2xx answer), timeout, network, aborted (the caller left), stream_broken.",
        labelNames: ["provider", "model", "outcome"],
        registers,
      }),
      tokens: new Counter({
        name: `${METRICS_PREFIX}ai_tokens_total`,
        help: "Tokens charged, by direction (input: prompt, output: completion).",
        labelNames: ["provider", "model", "direction"],
        registers,
      }),
      spendEur: new Counter({
        name: `${METRICS_PREFIX}ai_spend_eur_total`,
        help: "What provider calls were charged to licenses, in EUR (the usage records' micro-euros / 1e6).",
        labelNames: ["provider", "model"],
        registers,
      }),
      duration: new Histogram({
        name: `${METRICS_PREFIX}ai_request_duration_seconds`,
        help: "Provider calls that got an answer, from sending to the end of the answer (of the stream, when streamed).",
        labelNames: ["provider", "model"],
        buckets: AI_BUCKETS,
        registers,
      }),
      refusals: new Counter({
        name: `${METRICS_PREFIX}ai_refusals_total`,
        help: "Chats refused before any provider call: limit, ai_not_included, invalid, site, not_configured.",
        labelNames: ["reason"],
        registers,
      }),
      limitRefusals: new Counter({
        name: `${METRICS_PREFIX}ai_limit_refusals_total`,
        help: "Chats refused by a plan limit: monthly_requests, requests_per_minute, requests_per_hour, monthly_budget.",
        labelNames: ["limit"],
        registers,
      }),
    },
    db: {
      commandDuration: new Histogram({
        name: `${METRICS_PREFIX}db_command_duration_seconds`,
        help: "Database commands as the driver timed them (command monitoring), failed ones included, by command name.",
        labelNames: ["command"],
        buckets: DB_BUCKETS,
        registers,
      }),
      commandFailures: new Counter({
        name: `${METRICS_PREFIX}db_command_failures_total`,
        help: "Database commands that failed (an error reply or a network error), by command name.",
        labelNames: ["command"],
        registers,
      }),
    },
    collectProcessMetrics() {
      if (processMetrics) return;
      processMetrics = true;
      // Without our prefix: process_* and nodejs_* are the names the usual Node.js dashboards and alerts expect.
      collectDefaultMetrics({ register: registry });
    },
  };
}
