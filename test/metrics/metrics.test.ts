import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { connectToEmbeddedEngine } from "../../src/db/connect";
import { startEmbeddedMongo } from "../../src/db/embedded";
import { createModels } from "../../src/db/models";
import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import { AdminRole } from "../../src/modules/admins/admin.model";
import { SetupService } from "../../src/modules/setup/setup.service";
import { createServices } from "../../src/services";
import { startAiPlatform, type AiPlatform } from "../support/ai-platform";
import { newCustomer, newLicense, newPlan } from "../support/fixtures";
import { http } from "../support/http";
import { bearer, servePlatform, testConfig } from "../support/platform";
import { metricsAddress } from "../../src/observability/metrics.route";
import { parsePrometheusText, valueOf, type Family } from "../support/prometheus-text";

// Issue 11: "Prometheus /metrics with prom-client (text format 0.0.4)": HTTP by route, license verdicts, AI calls,
// tokens and spend, refusals by limit, quota use without per-license labels, database commands, process metrics.

const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

async function scrape(baseUrl: string, headers: Record<string, string> = {}): Promise<Map<string, Family>> {
  const response = await fetch(`${baseUrl}/metrics`, { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe(CONTENT_TYPE);
  return parsePrometheusText(await response.text());
}

/** A sample's value, 0 when the series does not exist yet (a counter nobody incremented). */
const at = (families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number =>
  valueOf(families, name, labels) ?? 0;

describe("/metrics on the main port, after a workload", () => {
  let p: AiPlatform;
  beforeAll(async () => {
    p = await startAiPlatform();
  });
  afterAll(async () => p.stop());

  const chat = (key: string) =>
    http(p.baseUrl, "POST", "/api/chat", { key, json: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] } });

  it("exposes every family with its type, and counts exactly the requests, verdicts, calls, tokens and spend made", async () => {
    // Plans of their own: two requests a month; a 0.80 EUR budget.
    const twoRequests = await newPlan(p, { monthly_requests: 2, monthly_budget_micros: 0 });
    const smallBudget = await newPlan(p, { monthly_requests: 0, monthly_budget_micros: 800_000 });
    const issue = async (plan: string) =>
      (await p.services.licenses.issue({ customerId: (await newCustomer(p))._id, plan }, SYSTEM_ACTOR)).key;
    const requestsKey = await issue(twoRequests.name);
    const budgetKey = await issue(smallBudget.name);
    const { key: proKey } = await newLicense(p, "pro");
    const unknownKey = `CHT-${randomBytes(12).toString("hex").toUpperCase()}`;

    const before = await scrape(p.baseUrl);

    expect((await http(p.baseUrl, "POST", "/api/validate", { key: proKey })).status).toBe(200);
    expect((await http(p.baseUrl, "POST", "/api/validate", { key: proKey })).status).toBe(200);
    expect((await http(p.baseUrl, "POST", "/api/validate", { key: unknownKey })).status).toBe(404);
    // A URL with a key in it: the route pattern is the label, never the URL.
    expect((await http(p.baseUrl, "GET", `/no/such/route/${unknownKey}`)).status).toBe(404);

    p.stubs.openai.behave({ promptTokens: 1000, completionTokens: 500 });
    expect((await chat(requestsKey)).status).toBe(200);
    expect((await chat(requestsKey)).status).toBe(200);
    expect((await chat(requestsKey)).status).toBe(429);
    // 1M input at 0.138 EUR/M + 1M output at 0.552 EUR/M = 0.69 EUR: 86 % of the 0.80 EUR budget.
    p.stubs.openai.behave({ promptTokens: 1_000_000, completionTokens: 1_000_000 });
    expect((await chat(budgetKey)).status).toBe(200);
    // A streamed call is counted when its stream ends.
    p.stubs.openai.behave({ promptTokens: 10, completionTokens: 5 });
    const streamed = await http(p.baseUrl, "POST", "/api/chat", {
      key: proKey,
      json: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }], stream: true },
    });
    expect(streamed.status).toBe(200);
    // A provider's error answer (passed on), and no answer at all (500 Request failed, contract §6.4 row 17).
    p.stubs.openai.behave({ mode: "error", errorStatus: 500 });
    expect((await chat(proKey)).status).toBe(500);
    p.stubs.openai.behave({ mode: "drop" });
    expect((await chat(proKey)).status).toBe(500);

    const graphql = await p.graphql("{ plans { name } }", {}, bearer(await p.token(AdminRole.admin)));
    expect(graphql.errors).toBeUndefined();

    const after = await scrape(p.baseUrl);
    const delta = (name: string, labels: Record<string, string> = {}) => at(after, name, labels) - at(before, name, labels);

    const types = Object.fromEntries([...after.values()].map((family) => [family.name, family.type]));
    expect(types).toMatchObject({
      chatello_http_request_duration_seconds: "histogram",
      chatello_license_verdicts_total: "counter",
      chatello_ai_requests_total: "counter",
      chatello_ai_tokens_total: "counter",
      chatello_ai_spend_eur_total: "counter",
      chatello_ai_request_duration_seconds: "histogram",
      chatello_ai_refusals_total: "counter",
      chatello_ai_limit_refusals_total: "counter",
      chatello_licenses_over_quota_threshold: "gauge",
      chatello_db_command_duration_seconds: "histogram",
      chatello_db_command_failures_total: "counter",
      chatello_embedded_collection_documents: "gauge",
      process_cpu_seconds_total: "counter",
      process_resident_memory_bytes: "gauge",
      nodejs_eventloop_lag_seconds: "gauge",
    });
    // The test platform's engine is in memory: no journal, so no journal families.
    expect(types).not.toHaveProperty("chatello_embedded_journal_fsyncs_total");
    // No backups are scheduled here.
    expect(types).not.toHaveProperty("chatello_backup_runs_total");

    // HTTP: by route pattern, method and status code.
    const validate = { route: "/api/validate", method: "POST" };
    expect(delta("chatello_http_request_duration_seconds_count", { ...validate, status_code: "200" })).toBe(2);
    expect(delta("chatello_http_request_duration_seconds_count", { ...validate, status_code: "404" })).toBe(1);
    expect(delta("chatello_http_request_duration_seconds_count", { route: "unmatched", method: "GET", status_code: "404" })).toBe(1);
    expect(delta("chatello_http_request_duration_seconds_count", { route: "/api/chat", method: "POST", status_code: "200" })).toBe(4);
    expect(delta("chatello_http_request_duration_seconds_count", { route: "/api/chat", method: "POST", status_code: "500" })).toBe(2);
    expect(delta("chatello_http_request_duration_seconds_count", { route: "/api/chat", method: "POST", status_code: "429" })).toBe(1);
    expect(delta("chatello_http_request_duration_seconds_count", { route: "/graphql", method: "POST", status_code: "200" })).toBe(1);
    const routes = new Set(after.get("chatello_http_request_duration_seconds")?.samples.map((sample) => sample.labels.route));
    expect([...routes].filter((route) => route.includes(unknownKey))).toEqual([]);
    const validateBuckets = after
      .get("chatello_http_request_duration_seconds")
      ?.samples.filter(
        (sample) => sample.name.endsWith("_bucket") && sample.labels.route === "/api/validate" && sample.labels.status_code === "200",
      );
    expect(validateBuckets?.map((sample) => sample.labels.le)).toContain("0.3");
    expect(validateBuckets?.find((sample) => sample.labels.le === "+Inf")?.value).toBe(
      at(after, "chatello_http_request_duration_seconds_count", { ...validate, status_code: "200" }),
    );

    // License verdicts, by code: /api/validate twice, the chats' seven checks, one unknown key.
    expect(delta("chatello_license_verdicts_total", { code: "VALID" })).toBe(9);
    expect(delta("chatello_license_verdicts_total", { code: "LICENSE_NOT_FOUND" })).toBe(1);

    // AI calls, tokens and spend by provider and model; refusals by limit.
    const model = { provider: "openai", model: "gpt-4o-mini" };
    expect(delta("chatello_ai_requests_total", { ...model, outcome: "ok" })).toBe(4);
    expect(delta("chatello_ai_requests_total", { ...model, outcome: "provider_error" })).toBe(1);
    expect(delta("chatello_ai_requests_total", { ...model, outcome: "network" })).toBe(1);
    // Calls that got an answer (the error answer included), not the one that got none.
    expect(delta("chatello_ai_request_duration_seconds_count", model)).toBe(5);
    expect(delta("chatello_ai_tokens_total", { ...model, direction: "input" })).toBe(2 * 1000 + 1_000_000 + 10);
    expect(delta("chatello_ai_tokens_total", { ...model, direction: "output" })).toBe(2 * 500 + 1_000_000 + 5);
    // Two calls of 1000 in + 500 out: ceil(138 + 276) = 414 micro-euros each; then 690,000; then ceil(1.38 + 2.76) = 5.
    expect(delta("chatello_ai_spend_eur_total", model)).toBeCloseTo((2 * 414 + 690_000 + 5) / 1e6, 9);
    expect(delta("chatello_ai_refusals_total", { reason: "limit" })).toBe(1);
    expect(delta("chatello_ai_limit_refusals_total", { limit: "monthly_requests" })).toBe(1);

    // Quota use: counts of licenses, not a series per license.
    const overQuota = (limit: string, threshold: string) => at(after, "chatello_licenses_over_quota_threshold", { limit, threshold });
    expect(overQuota("monthly_requests", "0.8")).toBe(1);
    expect(overQuota("monthly_requests", "1")).toBe(1);
    expect(overQuota("monthly_budget", "0.8")).toBe(1);
    expect(overQuota("monthly_budget", "1")).toBe(0);

    // Database commands, labelled by command name only.
    const commands = after.get("chatello_db_command_duration_seconds")?.samples ?? [];
    expect(new Set(commands.flatMap((sample) => Object.keys(sample.labels)))).toEqual(new Set(["command", "le"]));
    expect(delta("chatello_db_command_duration_seconds_count", { command: "find" })).toBeGreaterThan(0);
    expect(delta("chatello_db_command_duration_seconds_count", { command: "insert" })).toBeGreaterThan(0);
    // Timed finer than the driver's whole milliseconds: some command took a fraction of one.
    const sum = at(after, "chatello_db_command_duration_seconds_sum", { command: "find" }) * 1000;
    expect(sum).not.toBe(Math.round(sum));

    // The embedded engine's documents per collection.
    const database = p.db.connection.db?.databaseName ?? "";
    expect(at(after, "chatello_embedded_collection_documents", { database, collection: "licenses" })).toBe(
      await p.services.models.License.countDocuments().exec(),
    );
  });
});

/** The whole platform on an engine with a data folder (journal and snapshots), with these settings. */
async function platformOnDisk(dir: string, env: Record<string, string> = {}) {
  const config = testConfig(env);
  const engine = await startEmbeddedMongo({ dataDir: path.join(dir, "db") });
  const db = await connectToEmbeddedEngine(engine, "metrics_test", pino({ level: "silent" }));
  const services = createServices(createModels(db.connection), config);
  await new SetupService(services).init();
  return servePlatform(config, db, services);
}

describe("/metrics settings, and the figures of a platform that runs its engine on disk", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "chatello-metrics-"));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it("with METRICS_TOKEN, answers 401 without the Bearer token or with another, 200 with it; never throttled", async () => {
    const token = randomBytes(24).toString("hex");
    const p = await platformOnDisk(dir, { METRICS_TOKEN: token });
    try {
      expect((await http(p.baseUrl, "GET", "/metrics")).status).toBe(401);
      expect((await http(p.baseUrl, "GET", "/metrics", { headers: bearer(`${token}x`) })).status).toBe(401);
      expect((await http(p.baseUrl, "GET", "/metrics", { headers: { authorization: token } })).status).toBe(401);
      const refused = await http(p.baseUrl, "GET", "/metrics", { headers: bearer("") });
      expect(refused).toMatchObject({ status: 401, body: { error: "Unauthorized", code: "UNAUTHORIZED" } });
      expect(refused.text).not.toContain("chatello_");
      // More scrapes than any throttled plugin route allows a minute (20), all answered; none of them timed.
      for (let i = 0; i < 25; i++) await scrape(p.baseUrl, bearer(token));
      const families = await scrape(p.baseUrl, bearer(token));
      expect(valueOf(families, "chatello_http_request_duration_seconds_count", { route: "/metrics" })).toBeUndefined();
    } finally {
      await p.stop();
    }
  });

  it("with METRICS_PORT, serves /metrics on that port only: the main port answers 404", async () => {
    const p = await platformOnDisk(dir, { METRICS_PORT: "0" });
    try {
      const address = metricsAddress(p.app);
      expect(address?.port).toEqual(expect.any(Number));
      const metricsUrl = `http://127.0.0.1:${address?.port ?? 0}`;
      expect((await http(p.baseUrl, "GET", "/metrics")).status).toBe(404);
      expect((await http(p.baseUrl, "POST", "/api/validate", { key: "CHT-NOT-A-KEY" })).status).toBe(404);
      const families = await scrape(metricsUrl);
      expect(at(families, "chatello_license_verdicts_total", { code: "LICENSE_NOT_FOUND" })).toBe(1);
      expect((await http(metricsUrl, "GET", "/api/health")).status).toBe(404);
      expect((await http(metricsUrl, "POST", "/metrics")).status).toBe(405);
    } finally {
      await p.stop();
    }
    // Closed with the app.
    await expect(fetch(`http://127.0.0.1:${metricsAddress(p.app)?.port ?? 0}/metrics`)).rejects.toThrow();
  });

  it("reports the engine's journal, its snapshot time and the scheduled backups", async () => {
    const p = await platformOnDisk(dir, { BACKUP_DIR: path.join(dir, "backups"), BACKUP_EVERY: "365d" });
    try {
      // The backup taken at start runs in the background: scrape until it has finished (it cannot take a second slot).
      let families = await scrape(p.baseUrl);
      for (let attempt = 0; attempt < 200 && at(families, "chatello_backup_runs_total", { outcome: "succeeded" }) === 0; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        families = await scrape(p.baseUrl);
      }
      expect(families.get("chatello_backup_runs_total")?.type).toBe("counter");
      expect(at(families, "chatello_backup_runs_total", { outcome: "succeeded" })).toBe(1);
      expect(at(families, "chatello_backup_runs_total", { outcome: "failed" })).toBe(0);
      const health = (await http(p.baseUrl, "GET", "/api/health")).body as { backups?: { last_success?: { at: string } } };
      expect(at(families, "chatello_backup_last_success_timestamp_seconds")).toBe(
        Date.parse(health.backups?.last_success?.at ?? "") / 1000,
      );

      // Seeding the plans wrote to the journal: fsyncs happened and took some time; no snapshot yet (the journal is small).
      expect(families.get("chatello_embedded_journal_fsyncs_total")?.type).toBe("counter");
      expect(at(families, "chatello_embedded_journal_fsyncs_total")).toBeGreaterThan(0);
      expect(at(families, "chatello_embedded_journal_fsync_seconds_total")).toBeGreaterThan(0);
      expect(at(families, "chatello_embedded_journal_bytes")).toBeGreaterThan(0);
      expect(at(families, "chatello_embedded_snapshot_last_success_timestamp_seconds")).toBe(0);
      expect(at(families, "chatello_embedded_collection_documents", { database: "metrics_test", collection: "plans" })).toBe(
        await p.services.models.Plan.countDocuments().exec(),
      );
    } finally {
      await p.stop();
    }
  });
});
