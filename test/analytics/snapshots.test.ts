import { mongoose } from "@typegoose/typegoose";
import pino from "pino";
import { connectToEmbeddedEngine } from "../../src/db/connect";
import { startEmbeddedMongo } from "../../src/db/embedded";
import { createModels } from "../../src/db/models";
import { AdminRole } from "../../src/modules/admins/admin.model";
import { SetupService } from "../../src/modules/setup/setup.service";
import { createServices } from "../../src/services";
import { bearer, servePlatform, startTestPlatform, testConfig, type TestPlatform } from "../support/platform";
import { at, capturingLogger, novemberCsv, NOW, until, writeScenario } from "./analytics-scenario";

const HISTORY = `query ($from: Date!, $to: Date!, $currency: String) {
  analyticsHistory(from: $from, to: $to, currency: $currency) {
    date complete source currency mrrCents arrCents activeSubscribers arpaCents
    start { mrrCents subscribers }
    movements {
      new { amountCents count } expansion { amountCents count } contraction { amountCents count }
      churn { amountCents count } reactivation { amountCents count } netCents
    }
    churnedCustomers customerChurnRate grossMrrChurnRate netMrrChurnRate
    oneTime { sales revenueCents salesAllTime revenueAllTimeCents }
    refunds { amountCents count }
    cash { collectedCents payments refundedCents netCents }
    revenueByPlan { plan mrrCents subscribers collectedCents refundedCents }
    excludedCurrencies
    ai { requests tokens costMicros byProvider { provider requests tokens costMicros } }
  }
}`;

type Day = Record<string, unknown> & {
  date: string;
  source: string;
  complete: boolean;
  mrrCents: number;
  movements: Record<string, { amountCents: number; count: number }>;
};

const CHECKED_AT_START = /^daily snapshots checked at start/;
const DAYS_OCT20_TO_NOV19 = Array.from({ length: 31 }, (_, n) => new Date(Date.UTC(2026, 9, 20 + n)).toISOString().slice(0, 10));

describe("daily snapshots", () => {
  let platform: TestPlatform;
  let admin: string;
  let lines: Array<Record<string, unknown>>;

  beforeAll(async () => {
    const captured = capturingLogger();
    lines = captured.lines;
    platform = await startTestPlatform({ clock: () => NOW, logger: captured.logger });
    // The first run at start found no records at all: nothing to snapshot yet.
    await until(() => lines.some((line) => CHECKED_AT_START.test(String(line.msg))), "the snapshot run at start");
    expect(lines.find((line) => CHECKED_AT_START.test(String(line.msg)))).toMatchObject({ written: 0, existing: 0 });
    await writeScenario(platform.services);
    admin = await platform.token(AdminRole.admin);
  });
  afterAll(async () => platform.stop());

  async function history(from: string, to: string): Promise<Day[]> {
    const response = await platform.graphql<{ analyticsHistory: Day[] }>(HISTORY, { from, to }, bearer(admin));
    expect(response.errors).toBeUndefined();
    return (response.data as { analyticsHistory: Day[] }).analyticsHistory;
  }

  it("fills missed days for their own date, equal to what is computed for that date, and never today's numbers", async () => {
    const computed = await history("2026-11-01", "2026-11-30");
    // Days after today (Nov 20) are left out; today is computed up to now.
    expect(computed.map((day) => day.date)).toEqual(Array.from({ length: 20 }, (_, n) => `2026-11-${String(n + 1).padStart(2, "0")}`));
    expect(computed.every((day) => day.source === "computed")).toBe(true);
    expect(computed.filter((day) => !day.complete).map((day) => day.date)).toEqual(["2026-11-20"]);

    // The platform's run: yesterday and the 30 days before it (the records start Sep 1).
    const run = await platform.services.snapshots.writeMissing("test-run");
    expect(run).toEqual({ written: DAYS_OCT20_TO_NOV19, existing: [] });
    const stored = await history("2026-11-01", "2026-11-20");
    expect(stored.map((day) => day.source)).toEqual([...Array<string>(19).fill("snapshot"), "computed"]);
    // A snapshot holds exactly the figures computed for its date.
    expect(stored.map(({ source: _source, ...day }) => day)).toEqual(computed.map(({ source: _source, ...day }) => day));

    // Nov 10, by hand: A 7900 + B 6583 + C 2900 + D 2900 + E 2320 + F 2900 = 25503 at its end (6 customers), the day's
    // only movement A's expansion of 5000. Today: 24237. A day's snapshot is that day, not a copy of today.
    const nov10 = stored.find((day) => day.date === "2026-11-10") as Day;
    expect(nov10).toMatchObject({
      mrrCents: 25503,
      activeSubscribers: 6,
      movements: { expansion: { amountCents: 5000, count: 1 }, netCents: 5000 },
    });
    expect((stored.at(-1) as Day).mrrCents).toBe(24237);
    // The days' movements add up to the month's (the period diff runs at the same day ends).
    const month = await platform.services.analytics.figures({ from: at("2026-11-01T00:00:00"), to: new Date(NOW) });
    for (const kind of ["new", "expansion", "contraction", "churn", "reactivation"]) {
      const amountCents = stored.reduce((sum, day) => sum + (day.movements[kind]?.amountCents ?? 0), 0);
      const count = stored.reduce((sum, day) => sum + (day.movements[kind]?.count ?? 0), 0);
      expect({ kind, amountCents, count }).toEqual({ kind, ...month.movements[kind as keyof typeof month.movements] });
    }

    // A record written late for Nov 19 changes neither the stored Nov 19 nor what a later run writes.
    await platform.services.models.MrrChange.collection.insertOne({
      subscription_id: "sub_late",
      customer_id: new mongoose.Types.ObjectId(),
      license_id: null,
      plan_id: null,
      mrr_cents: 1000,
      currency: "EUR",
      effective_at: at("2026-11-19T08:00:00"),
      status: "active",
      cause: "evt_late",
    });
    expect(await platform.services.snapshots.writeMissing("test-run")).toEqual({ written: [], existing: DAYS_OCT20_TO_NOV19 });
    const after = await history("2026-11-19", "2026-11-20");
    expect(after.map((day) => [day.date, day.source, day.mrrCents])).toEqual([
      ["2026-11-19", "snapshot", 24237],
      ["2026-11-20", "computed", 24237 + 1000],
    ]);
  });

  it("serves the history as CSV to admins, exactly, with documented columns", async () => {
    const response = await fetch(`${platform.baseUrl}/api/admin/analytics/history.csv?from=2026-11-09&to=2026-11-10`, {
      headers: bearer(admin),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(await response.text()).toBe(novemberCsv("snapshot"));
  });

  it("answers bad requests to the CSV route with a clear JSON error, never a 500", async () => {
    const readonly = await platform.token(AdminRole.readonly);
    const cases: Array<[string, Record<string, string>, number, RegExp]> = [
      ["from=2026-11-01&to=2026-11-30", {}, 401, /admin token/],
      ["from=2026-11-01&to=2026-11-30", bearer("chk_a_not-a-token"), 401, /Invalid or revoked admin token/],
      ["from=2026-11-01&to=2026-11-30", bearer(readonly), 403, /owners and admins/],
      ["to=2026-11-30", bearer(admin), 400, /^from is required/],
      ["from=2026-02-30&to=2026-11-30", bearer(admin), 400, /^from must be a UTC day YYYY-MM-DD/],
      ["from=yesterday&to=2026-11-30", bearer(admin), 400, /^from must be a UTC day/],
      ["from=2026-11-01&to=2026-11-30&to=2026-12-01", bearer(admin), 400, /^to must be a UTC day/],
      ["from=2026-11-30&to=2026-11-01", bearer(admin), 400, /is after to/],
      ["from=2020-01-01&to=2026-11-30", bearer(admin), 400, /at most 1098 days \(3 years\)/],
      ["from=2026-11-01&to=2026-11-30&currency=eur", bearer(admin), 400, /currency must be a 3-letter ISO 4217 code/],
    ];
    for (const [query, headers, status, message] of cases) {
      const response = await fetch(`${platform.baseUrl}/api/admin/analytics/history.csv?${query}`, { headers });
      const body = (await response.json()) as { error: string; code: string };
      expect({ query, status: response.status, error: body.error }).toEqual({ query, status, error: expect.stringMatching(message) });
      expect(body.code).toEqual(status === 400 ? "BAD_USER_INPUT" : status === 401 ? "UNAUTHENTICATED" : "FORBIDDEN");
    }
  });

  it("refuses a bad history range in GraphQL with BAD_USER_INPUT", async () => {
    const backwards = await platform.graphql(HISTORY, { from: "2026-11-30", to: "2026-11-01" }, bearer(admin));
    expect(backwards.errors?.[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT", reason: "BAD_RANGE" } });
    const tooLong = await platform.graphql(HISTORY, { from: "2020-01-01", to: "2026-11-30" }, bearer(admin));
    expect(tooLong.errors?.[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT", reason: "RANGE_TOO_LONG" } });
    const notADay = await platform.graphql(HISTORY, { from: "2026-11-31", to: "2026-12-01" }, bearer(admin));
    expect(notADay.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const readonly = await platform.graphql(
      HISTORY,
      { from: "2026-11-01", to: "2026-11-02" },
      bearer(await platform.token(AdminRole.readonly)),
    );
    expect(readonly.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});

describe("two platform instances on one database", () => {
  it("write one snapshot per day between them", async () => {
    const engine = await startEmbeddedMongo();
    const name = `snapshots_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const config = testConfig();
    const clock = () => NOW;
    const first = await connectToEmbeddedEngine(engine, name, pino({ level: "silent" }));
    const second = await connectToEmbeddedEngine(engine, name, pino({ level: "silent" }));
    const servicesA = createServices(createModels(first.connection), config, { clock });
    const servicesB = createServices(createModels(second.connection), config, { clock });
    await new SetupService(servicesA).init();
    await writeScenario(servicesA);
    const [logA, logB] = [capturingLogger(), capturingLogger()];
    const [a, b] = await Promise.all([
      servePlatform(config, first, servicesA, logA.logger),
      servePlatform(config, second, servicesB, logB.logger),
    ]);
    try {
      for (const log of [logA, logB])
        await until(() => log.lines.some((line) => CHECKED_AT_START.test(String(line.msg))), "both instances' run at start");
      const snapshots = await servicesA.models.DailySnapshot.find({}, { date: 1, written_by: 1 }).sort({ date: 1 }).lean().exec();
      expect(snapshots.map((snapshot) => snapshot.date)).toEqual(DAYS_OCT20_TO_NOV19);
      // Each day was written by exactly one of them, as each says in its log.
      const written = [...logA.lines, ...logB.lines].filter((line) => /^daily snapshot \d{4}-\d{2}-\d{2} written$/.test(String(line.msg)));
      expect(written.map((line) => line.date).sort()).toEqual(DAYS_OCT20_TO_NOV19);
      const owners = new Set(written.map((line) => line.owner));
      for (const snapshot of snapshots) expect(owners.has(snapshot.written_by)).toBe(true);
      // And a third pass by either finds them all there.
      expect(await servicesB.snapshots.writeMissing("third")).toEqual({ written: [], existing: DAYS_OCT20_TO_NOV19 });
    } finally {
      await a.app.close();
      await b.app.close();
      await second.connection.close();
      await first.close();
    }
  });
});
