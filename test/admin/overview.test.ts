import type { Page } from "playwright-core";
import type { OverviewAdminQuery, OverviewReaderQuery } from "../__generated__/operations";
import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import { AdminRole } from "../../src/modules/admins/admin.model";
import {
  newPage,
  pageProblems,
  screenshot,
  seriousAccessibilityViolations,
  signIn,
  signedInPage,
  startAdminHarness,
  type AdminHarness,
} from "../support/admin-browser";
import { operationDocument } from "../support/dashboard-operations";
import { browserMoney, browserNumber, demoLicenseId, seedRevenue, useMonthlyRequests } from "../support/revenue-seed";
import { print } from "graphql";

jest.setTimeout(120_000);

let harness: AdminHarness;
let nearQuotaId: string;
let graceId: string;

const DAY_MS = 86_400_000;

beforeAll(async () => {
  harness = await startAdminHarness();
  await seedRevenue(harness);
  const pro = await demoLicenseId(harness, "pro");
  await useMonthlyRequests(harness, pro, 0.9);
  nearQuotaId = pro.toHexString();
  const agency = await demoLicenseId(harness, "agency");
  await harness.platform.services.models.License.updateOne(
    { _id: agency },
    { $set: { grace_until: new Date(Date.now() + 3 * DAY_MS) } },
  ).exec();
  graceId = agency.toHexString();
  await harness.platform.services.activity.record(SYSTEM_ACTOR, { action: "test.overview", licenseId: agency });
}, 120_000);

afterAll(async () => {
  await harness?.stop();
});

/** The page's own periods (pages/overview/periods.ts), asked through the same document as the page. */
function adminVariables(now = Date.now()) {
  const date = new Date(now);
  return {
    lastFrom: new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - 1, 1)).toISOString(),
    lastTo: new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) - 1).toISOString(),
    aiFrom: new Date(now - 30 * DAY_MS).toISOString(),
  };
}

async function api<T>(name: "OverviewAdmin" | "OverviewReader", variables: Record<string, unknown>, role: AdminRole): Promise<T> {
  const response = await harness.graphql<T>(print(operationDocument(name)), variables, role);
  expect(response.errors).toBeUndefined();
  return response.data as T;
}

const card = (page: Page, title: string) => page.getByRole("article", { name: title }).locator(".card-value");

/** The rows of a table (by caption) as arrays of cell texts. */
async function tableRows(page: Page, caption: string): Promise<string[][]> {
  const table = page.locator("table", { has: page.locator("caption", { hasText: caption }) });
  const rows = await table.locator("tbody tr").all();
  return Promise.all(rows.map(async (row) => (await row.locator("td").allInnerTexts()).map((text) => text.trim())));
}

function summed(counts: OverviewReaderQuery["licenseCounts"], key: "plan" | "status"): Map<string, number> {
  const totals = new Map<string, number>();
  for (const row of counts) totals.set(row[key], (totals.get(row[key]) ?? 0) + row.count);
  return totals;
}

test("the owner's Overview shows the API's MRR, ARR, subscribers, Founders, license counts, near-quota, grace and failed payments", async () => {
  const { context, page } = await signedInPage(harness, "owner");
  await card(page, "MRR").waitFor();
  const data = await api<OverviewAdminQuery>("OverviewAdmin", adminVariables(), AdminRole.owner);
  const { thisMonth } = data;
  expect(thisMonth.mrrCents).toBeGreaterThan(0);
  await expect(card(page, "MRR").innerText()).resolves.toBe(await browserMoney(page, thisMonth.mrrCents));
  await expect(card(page, "ARR").innerText()).resolves.toBe(await browserMoney(page, thisMonth.arrCents));
  await expect(card(page, "Active subscribers").innerText()).resolves.toBe(await browserNumber(page, thisMonth.activeSubscribers));
  await expect(card(page, "New this month").innerText()).resolves.toBe(await browserNumber(page, thisMonth.movements.new.count));
  expect(thisMonth.movements.new.count).toBeGreaterThan(0);

  const founders = thisMonth.founders.find((plan) => plan.plan === "founders");
  if (!founders || founders.limit === null) throw new Error("the founders plan has a cap");
  await expect(
    page.getByText(`founders: ${await browserNumber(page, founders.sold)} sold of ${await browserNumber(page, founders.limit)}`).count(),
  ).resolves.toBe(1);
  const progress = page.getByRole("progressbar", { name: /founders/ });
  await expect(progress.getAttribute("value")).resolves.toBe(String(founders.sold));
  await expect(progress.getAttribute("max")).resolves.toBe(String(founders.limit));
  await expect(
    page.getByText(await browserMoney(page, thisMonth.oneTime.revenueAllTimeCents), { exact: false }).count(),
  ).resolves.toBeGreaterThan(0);
  await expect(page.getByText("Sold out").count()).resolves.toBe(0);

  const byPlan = summed(data.licenseCounts, "plan");
  const planRows = await tableRows(page, "Licenses by plan");
  expect(new Map(planRows.map(([plan, count]) => [plan, Number((count ?? "").replace(/\D/g, ""))]))).toEqual(byPlan);
  const statusRows = await tableRows(page, "Licenses by status");
  expect(new Map(statusRows.map(([status, count]) => [status, Number((count ?? "").replace(/\D/g, ""))]))).toEqual(
    summed(data.licenseCounts, "status"),
  );

  // The near-quota license links to its page; the grace license and the failed payment (customer D) are listed.
  expect(data.licensesNearQuota.map((row) => row.license.id)).toEqual([nearQuotaId]);
  const quotaTable = page.locator("table", { has: page.locator("caption", { hasText: "80 %" }) });
  await expect(quotaTable.locator(`a[href="/admin/licenses/${nearQuotaId}"]`).count()).resolves.toBe(1);
  const share = (await page.evaluate(
    `new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 0 }).format(${data.licensesNearQuota[0]?.requestsShare})`,
  )) as string;
  await expect(quotaTable.getByText(`(${share})`).count()).resolves.toBe(1);
  const graceTable = page.locator("table", { has: page.locator("caption", { hasText: "Grace periods" }) });
  await expect(graceTable.locator(`a[href="/admin/licenses/${graceId}"]`).count()).resolves.toBe(1);
  const failed = await tableRows(page, "Failed payments");
  expect(data.failedPayments.totalCount).toBe(1);
  expect(failed).toHaveLength(1);
  expect(failed[0]).toContain("d@example.com");
  expect(failed[0]).toContain(await browserMoney(page, 3538));
  const activity = await tableRows(page, "latest entries");
  expect(activity[0]?.[1]).toBe("test.overview");
  await expect(page.getByRole("link", { name: "All activity" }).getAttribute("href")).resolves.toBe("/admin/activity");

  // The AI calls of the last 30 days by provider (charts with their figures as tables).
  const providers = data.recentAi.ai.byProvider;
  expect(providers.map((row) => row.provider)).toContain("anthropic");
  await expect(page.locator("figure.chart canvas").count()).resolves.toBe(2);
  const calls = page.locator("figure.chart", { hasText: "AI calls by provider" });
  await expect(calls.locator("details tbody th").allTextContents()).resolves.toEqual(providers.map((row) => row.provider));
  const callCounts = await Promise.all(providers.map((row) => browserNumber(page, row.requests)));
  await expect(calls.locator("details tbody td").allTextContents()).resolves.toEqual(callCounts);

  await screenshot(page, "overview");
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});

test("a sold-out Founders Deal shows its badge", async () => {
  const { Plan } = harness.platform.services.models;
  const plan = await Plan.findOne({ name: "founders" }).lean().exec();
  await Plan.updateOne({ name: "founders" }, { $set: { lifetime_limit: plan?.lifetime_sold } }).exec();
  try {
    const { context, page } = await signedInPage(harness, "admin");
    await card(page, "MRR").waitFor();
    await expect(page.locator(".badge-sold-out").innerText()).resolves.toBe("Sold out");
    await context.close();
  } finally {
    await Plan.updateOne({ name: "founders" }, { $set: { lifetime_limit: plan?.lifetime_limit } }).exec();
  }
});

test("support sees the Overview without the revenue figures, and without errors", async () => {
  const { context, page } = await signedInPage(harness, "support");
  await page.getByRole("heading", { name: /^Licenses \(/ }).waitFor();
  const data = await api<OverviewReaderQuery>("OverviewReader", {}, AdminRole.support);
  const total = data.licenseCounts.reduce((sum, row) => sum + row.count, 0);
  await expect(page.getByRole("heading", { name: `Licenses (${await browserNumber(page, total)})` }).count()).resolves.toBe(1);
  for (const title of ["MRR", "ARR", "Active subscribers"])
    await expect(page.getByRole("article", { name: title }).count()).resolves.toBe(0);
  await expect(page.getByText("Founders Deal").count()).resolves.toBe(0);
  await expect(page.getByRole("alert").count()).resolves.toBe(0);
  await expect(page.locator(`a[href="/admin/licenses/${nearQuotaId}"]`).count()).resolves.toBeGreaterThan(0);
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});

test("on a phone the Overview stacks and its tables scroll inside themselves", async () => {
  const { context, page } = await newPage(harness, { width: 390, height: 844 });
  await signIn(page, harness.tokens.owner);
  await card(page, "MRR").waitFor();
  // Nothing makes the page itself wider than the screen (wide tables scroll in .overflow-auto).
  await expect(page.evaluate(`document.documentElement.scrollWidth`)).resolves.toBeLessThanOrEqual(390);
  await screenshot(page, "overview-phone");
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});
