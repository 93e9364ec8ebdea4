import { parseDay, parseDayRange } from "../../src/modules/analytics/analytics.dates";
import { diffCustomers, MrrTimeline, type MrrRow } from "../../src/modules/analytics/mrr-timeline";
import { untilNextSnapshot } from "../../src/modules/analytics/snapshot.scheduler";

const row = (id: string, sub: string, customer: string, mrrCents: number, iso: string, currency = "EUR"): MrrRow => ({
  id,
  subscriptionId: sub,
  customerId: customer,
  planId: null,
  mrrCents,
  currency,
  effectiveAt: Date.parse(iso),
});

describe("the MRR timeline", () => {
  it("takes a subscription's latest row at or before the instant; at the same instant the later _id wins", () => {
    // Sorted as the loader sorts them: effective_at, then _id.
    const timeline = new MrrTimeline([
      row("01", "sub_1", "c1", 1000, "2026-11-01T00:00:00Z"),
      row("02", "sub_1", "c1", 3000, "2026-11-05T00:00:00Z"),
      row("03", "sub_1", "c1", 2000, "2026-11-05T00:00:00Z"),
      row("04", "sub_2", "c1", 500, "2026-11-06T00:00:00Z"),
      row("05", "sub_3", "c2", 700, "2026-11-06T00:00:00Z", "USD"),
    ]);
    timeline.advanceTo(Date.parse("2026-10-31T23:59:59.999Z"));
    expect(timeline.customers("EUR")).toEqual(new Map());
    timeline.advanceTo(Date.parse("2026-11-05T00:00:00Z"));
    expect(timeline.customers("EUR")).toEqual(new Map([["c1", 2000]]));
    timeline.advanceTo(Date.parse("2026-11-06T00:00:00Z"));
    // A customer's MRR is the sum of its subscriptions in that currency; currencies stay apart.
    expect(timeline.customers("EUR")).toEqual(new Map([["c1", 2500]]));
    expect(timeline.customers("USD")).toEqual(new Map([["c2", 700]]));
    expect([...timeline.currencies()].sort()).toEqual(["EUR", "USD"]);
    expect(() => timeline.advanceTo(0)).toThrow("forward only");
  });

  it("classifies each customer's move once: new, reactivation (paid before), expansion, contraction, churn", () => {
    const before = new Map([
      ["up", 1000],
      ["down", 3000],
      ["gone", 500],
    ]);
    const after = new Map([
      ["up", 1500],
      ["down", 2000],
      ["fresh", 900],
      ["back", 400],
    ]);
    const movements = diffCustomers(before, after, (customer) => customer === "back");
    expect(movements).toEqual({
      new: { amountCents: 900, count: 1 },
      reactivation: { amountCents: 400, count: 1 },
      expansion: { amountCents: 500, count: 1 },
      contraction: { amountCents: 1000, count: 1 },
      churn: { amountCents: 500, count: 1 },
    });
  });
});

describe("analytics days", () => {
  it("accepts only real calendar days, YYYY-MM-DD", () => {
    expect(parseDay("2026-11-01")?.toISOString()).toBe("2026-11-01T00:00:00.000Z");
    expect(parseDay("2028-02-29")?.toISOString()).toBe("2028-02-29T00:00:00.000Z");
    for (const text of ["2026-02-29", "2026-11-31", "2026-13-01", "2026-1-01", "20261101", "2026-11-01T00:00:00Z", ""])
      expect([text, parseDay(text)]).toEqual([text, undefined]);
  });

  it("allows ranges of up to 1098 days (3 years), from not after to", () => {
    expect(parseDayRange("2026-01-01", "2029-01-02").to.toISOString()).toBe("2029-01-02T00:00:00.000Z");
    expect(() => parseDayRange("2026-01-01", "2029-01-03")).toThrow("The range is 1099 days; at most 1098 days (3 years) at once");
    expect(() => parseDayRange("2026-01-02", "2026-01-01")).toThrow("from (2026-01-02) is after to (2026-01-01)");
    expect(() => parseDayRange(undefined, "2026-01-01")).toThrow("from is required, as a UTC day YYYY-MM-DD");
  });
});

describe("the snapshot schedule", () => {
  it("runs at 00:05 UTC each day", () => {
    const minutes = (iso: string): number => untilNextSnapshot(Date.parse(iso)) / 60_000;
    expect(minutes("2026-11-20T00:00:00Z")).toBe(5);
    expect(minutes("2026-11-20T00:04:00Z")).toBe(1);
    expect(minutes("2026-11-20T00:05:00Z")).toBe(24 * 60);
    expect(minutes("2026-11-20T23:59:00Z")).toBe(6);
    expect(minutes("2026-11-20T12:00:00Z")).toBe(12 * 60 + 5);
  });
});
