import { readFileSync } from "node:fs";
import { print } from "graphql";
import type { Page } from "playwright-core";
import type { AnalyticsPageQuery } from "../__generated__/operations";
import { AdminRole } from "../../src/modules/admins/admin.model";
import {
  pageProblems,
  screenshot,
  seriousAccessibilityViolations,
  signedInPage,
  startAdminHarness,
  type AdminHarness,
} from "../support/admin-browser";
import { operationDocument } from "../support/dashboard-operations";
import { browserMoney, browserNumber, seedRevenue } from "../support/revenue-seed";

jest.setTimeout(120_000);

let harness: AdminHarness;

beforeAll(async () => {
  harness = await startAdminHarness();
  await seedRevenue(harness);
}, 120_000);

afterAll(async () => {
  await harness?.stop();
});

const dayOf = (instant: number): string => new Date(instant).toISOString().slice(0, 10);

/** The page's variables for a range (pages/analytics/range.ts): the days, and the same range as instants up to now. */
function variables(from: string, to: string, now = Date.now()) {
  const start = Date.parse(`${from}T00:00:00.000Z`);
  return {
    from,
    to,
    fromTime: new Date(start).toISOString(),
    toTime: new Date(Math.max(start, Math.min(Date.parse(`${to}T23:59:59.999Z`), now))).toISOString(),
    currency: "EUR",
  };
}

async function api(from: string, to: string): Promise<AnalyticsPageQuery> {
  const response = await harness.graphql<AnalyticsPageQuery>(
    print(operationDocument("AnalyticsPage")),
    variables(from, to),
    AdminRole.owner,
  );
  expect(response.errors).toBeUndefined();
  return response.data as AnalyticsPageQuery;
}

async function tableRows(page: Page, caption: string): Promise<string[][]> {
  const table = page.locator("table", { has: page.locator("caption", { hasText: caption }) });
  const rows = await table.locator("tbody tr").all();
  return Promise.all(rows.map(async (row) => (await row.locator("th, td").allInnerTexts()).map((text) => text.trim())));
}

async function browserPercent(page: Page, fraction: number): Promise<string> {
  return (await page.evaluate(
    `new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 }).format(${fraction})`,
  )) as string;
}

/** The months table, the revenue by plan, the cohorts and AI cost vs revenue against the API's answer. */
async function expectFigures(page: Page, data: AnalyticsPageQuery): Promise<void> {
  const months = await tableRows(page, "MRR and its movements by month");
  expect(months).toHaveLength(data.analyticsMonths.length);
  for (const [index, month] of data.analyticsMonths.entries()) {
    const row = months[index] ?? [];
    expect(row[1]).toBe(await browserMoney(page, month.mrrCents));
    expect(row[2]).toBe(await browserNumber(page, month.activeSubscribers));
    expect(row[3]).toBe(
      `${await browserMoney(page, month.movements.new.amountCents)} (${await browserNumber(page, month.movements.new.count)})`,
    );
    expect(row[6]).toBe(
      `${await browserMoney(page, month.movements.churn.amountCents)} (${await browserNumber(page, month.movements.churn.count)})`,
    );
    expect(row[8]).toBe(await browserMoney(page, month.movements.netCents));
  }
  const plans = await tableRows(page, "MRR by plan at the end of the range");
  expect(plans.map((row) => row[0])).toEqual(data.range.revenueByPlan.map((plan) => plan.plan));
  for (const [index, plan] of data.range.revenueByPlan.entries()) {
    expect(plans[index]?.[1]).toBe(await browserMoney(page, plan.mrrCents));
    expect(plans[index]?.[3]).toBe(await browserMoney(page, plan.collectedCents));
  }
  await expect(page.getByRole("article", { name: "Refunds" }).locator(".card-value").innerText()).resolves.toBe(
    await browserMoney(page, data.range.refunds.amountCents),
  );
  await expect(page.getByRole("article", { name: "One-time revenue" }).locator(".card-value").innerText()).resolves.toBe(
    await browserMoney(page, data.range.oneTime.revenueCents),
  );
  const cohorts = await tableRows(page, "Share of each cohort");
  const withCustomers = data.cohortRetention.filter((cohort) => cohort.customers > 0);
  expect(cohorts).toHaveLength(withCustomers.length);
  for (const [index, cohort] of withCustomers.entries()) {
    expect(cohorts[index]?.[1]).toBe(await browserNumber(page, cohort.customers));
    for (const point of cohort.retained) expect(cohorts[index]?.[1 + point.monthsAfter]).toBe(await browserPercent(page, point.share));
  }
  const aiCost = await tableRows(page, "AI cost of each plan");
  for (const plan of data.aiCostByPlan) {
    const row = aiCost.find((cells) => cells[0] === plan.plan);
    expect(row?.[2]).toBe(await browserNumber(page, plan.requests));
  }
}

test("the last 12 months by default: MRR history charts, movements, revenue by plan, cohorts, AI cost vs revenue", async () => {
  const { context, page } = await signedInPage(harness, "owner", "/admin/analytics");
  await page.getByRole("heading", { name: "MRR history" }).waitFor();
  const now = new Date();
  const from = dayOf(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11, 1));
  const data = await api(from, dayOf(now.getTime()));
  expect(data.analyticsMonths).toHaveLength(12);
  expect(data.cohortRetention.some((cohort) => cohort.retained.some((point) => point.share > 0 && point.share < 1))).toBe(true);
  expect(data.aiCostByPlan.map((plan) => plan.plan)).toContain("pro");
  await expect(page.locator("figure.chart canvas").count()).resolves.toBe(2);
  await expectFigures(page, data);
  await screenshot(page, "analytics");
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});

test("changing the date range puts it in the URL and shows that range's figures", async () => {
  const { context, page } = await signedInPage(harness, "admin", "/admin/analytics");
  await page.getByRole("heading", { name: "MRR history" }).waitFor();
  await page.getByLabel("From", { exact: true }).fill("2026-10-01");
  await page.getByLabel("To", { exact: true }).fill("2026-11-30");
  await page.waitForURL(/from=2026-10-01.*to=2026-11-30|to=2026-11-30.*from=2026-10-01/);
  await page.getByRole("heading", { name: "2026-10-01 to 2026-11-30" }).waitFor();
  const data = await api("2026-10-01", "2026-11-30");
  expect(data.analyticsMonths.map((month) => month.month)).toEqual(["2026-10", "2026-11"]);
  await expectFigures(page, data);
  // A bookmark of the range opens on it.
  await page.reload();
  await page.getByRole("heading", { name: "2026-10-01 to 2026-11-30" }).waitFor();
  await expect(page.getByLabel("From", { exact: true }).inputValue()).resolves.toBe("2026-10-01");
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});

test("a range that ends before it starts is refused in words, without a request", async () => {
  const { context, page } = await signedInPage(harness, "owner", "/admin/analytics?from=2026-11-01&to=2026-10-01");
  await expect(page.getByRole("alert").innerText()).resolves.toContain("The start of the range is after its end");
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});

test("the CSV export downloads the range's daily rows (fetched with the token in a header, never in a URL)", async () => {
  const { context, page } = await signedInPage(harness, "owner", "/admin/analytics?from=2026-10-01&to=2026-11-30");
  await page.getByRole("heading", { name: "MRR history" }).waitFor();
  const requests: string[] = [];
  page.on("request", (request) => requests.push(request.url()));
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: /Export CSV/ }).click()]);
  expect(download.suggestedFilename()).toBe("analytics-EUR-2026-10-01-2026-11-30.csv");
  const file = await download.path();
  const lines = readFileSync(file, "utf8").trim().split("\n");
  const header = (lines[0] ?? "").split(",");
  const rows = lines.slice(1).map((line) => Object.fromEntries(line.split(",").map((value, index) => [header[index], value])));
  const history = await harness.graphql<{ analyticsHistory: Array<{ date: string; mrrCents: number; activeSubscribers: number }> }>(
    `{ analyticsHistory(from: "2026-10-01", to: "2026-11-30") { date mrrCents activeSubscribers } }`,
  );
  const days = history.data?.analyticsHistory ?? [];
  expect(days).toHaveLength(61);
  expect(rows.map((row) => [row.date, row.mrr, row.active_subscribers])).toEqual(
    days.map((day) => [day.date, (day.mrrCents / 100).toFixed(2), String(day.activeSubscribers)]),
  );
  expect(requests.filter((url) => url.includes(harness.tokens.owner))).toEqual([]);
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});
