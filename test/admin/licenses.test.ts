import { LicenseStatus } from "../../src/modules/licenses/license.model";
import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import { mongoose } from "@typegoose/typegoose";
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
import { activateSites, customerWithLicense, payment, useAiThisMonth, type FixtureLicense } from "./license-fixtures";
import { column, digits } from "./table-reading";

// The Licenses list (filters and paging in the URL) and a license's page (its figures against the API).

jest.setTimeout(120_000);

let harness: AdminHarness;
let shown: FixtureLicense;
const PAGED = 23;

beforeAll(async () => {
  harness = await startAdminHarness();
  shown = await customerWithLicense(
    harness,
    { email: "chiara.verdi@example.com", name: "Chiara Verdi", company: "Verdi Viaggi", country: "IT" },
    "agency",
  );
  await activateSites(harness, shown.id, [
    "https://verdiviaggi.example.com",
    "https://shop.verdiviaggi.example.com",
    "http://localhost:8080",
  ]);
  await useAiThisMonth(harness, shown.id);
  await payment(harness, shown, "txn_verdi_0001", 9900);
  // A page and a bit of licenses of one company, some suspended, for paging and the filters.
  const { services } = harness.platform;
  for (let index = 0; index < PAGED; index++) {
    const one = await customerWithLicense(
      harness,
      { email: `pager${index}@paging.example`, company: "Paging Licenses Srl" },
      index % 2 ? "pro" : "starter",
    );
    if (index % 5 === 0) await services.licenses.suspend(new mongoose.Types.ObjectId(one.id), "test: paging", SYSTEM_ACTOR);
  }
}, 180_000);

afterAll(async () => {
  await harness?.stop();
});

const LICENSES = `query ($filter: LicenseFilterInput, $first: Int, $after: String) {
  licenses(filter: $filter, first: $first, after: $after) { totalCount pageInfo { endCursor } edges { node { id keyLast4 } } }
}`;
interface LicensesAnswer {
  licenses: { totalCount: number; pageInfo: { endCursor: string | null }; edges: Array<{ node: { id: string; keyLast4: string } }> };
}

async function apiLicenses(filter: Record<string, unknown>, after?: string): Promise<LicensesAnswer["licenses"]> {
  const response = await harness.graphql<LicensesAnswer>(LICENSES, { filter, first: 20, after });
  if (!response.data) throw new Error(JSON.stringify(response.errors));
  return response.data.licenses;
}

const masked = (answer: LicensesAnswer["licenses"]): string[] => answer.edges.map((edge) => `••••${edge.node.keyLast4}`);

test("the licenses list: search, status and plan filters in the URL, paging Next/Previous, Back and reload keep them", async () => {
  const { context, page } = await signedInPage(harness, "admin", "/admin/licenses");
  await page.getByLabel("Customer (e-mail, name or company)").fill("Paging Licenses");
  await page.getByRole("button", { name: "Search" }).click();

  const all = await apiLicenses({ search: "Paging Licenses" });
  expect(all.totalCount).toBe(PAGED);
  await page.getByRole("table", { name: `Licenses (${PAGED})` }).waitFor();
  expect(new URL(page.url()).searchParams.get("q")).toBe("Paging Licenses");
  expect(await column(page, /^Licenses \(/, "Key")).toEqual(masked(all));
  await screenshot(page, "licenses");
  expect(await seriousAccessibilityViolations(page)).toEqual([]);

  await page.getByRole("button", { name: "Next" }).click();
  await page
    .getByRole("status")
    .filter({ hasText: `21–${PAGED} of ${PAGED}` })
    .waitFor();
  const second = await apiLicenses({ search: "Paging Licenses" }, all.pageInfo.endCursor ?? undefined);
  expect(await column(page, /^Licenses \(/, "Key")).toEqual(masked(second));
  await page.getByRole("button", { name: "Previous" }).click();
  await page
    .getByRole("status")
    .filter({ hasText: `1–20 of ${PAGED}` })
    .waitFor();
  expect(await column(page, /^Licenses \(/, "Key")).toEqual(masked(all));

  await page.getByLabel("Status").selectOption("suspended");
  const suspended = await apiLicenses({ search: "Paging Licenses", status: "suspended" });
  await page.getByRole("table", { name: `Licenses (${suspended.totalCount})` }).waitFor();
  expect(await column(page, /^Licenses \(/, "Key")).toEqual(masked(suspended));
  expect((await column(page, /^Licenses \(/, "Status")).every((status) => status === "suspended")).toBe(true);

  await page.getByLabel("Plan").selectOption("pro");
  const suspendedPro = await apiLicenses({ search: "Paging Licenses", status: "suspended", plan: "pro" });
  await page.getByRole("table", { name: `Licenses (${suspendedPro.totalCount})` }).waitFor();
  expect(await column(page, /^Licenses \(/, "Key")).toEqual(masked(suspendedPro));
  const url = new URL(page.url());
  expect([url.searchParams.get("q"), url.searchParams.get("status"), url.searchParams.get("plan")]).toEqual([
    "Paging Licenses",
    "suspended",
    "pro",
  ]);

  await page.reload();
  await page.getByRole("table", { name: `Licenses (${suspendedPro.totalCount})` }).waitFor();
  expect(await page.getByLabel("Plan").inputValue()).toBe("pro");
  expect(await page.getByLabel("Customer (e-mail, name or company)").inputValue()).toBe("Paging Licenses");

  await page.goBack();
  await page.getByRole("table", { name: `Licenses (${suspended.totalCount})` }).waitFor();
  expect(await page.getByLabel("Plan").inputValue()).toBe("");
  expect(await page.getByLabel("Status").inputValue()).toBe("suspended");

  // The key's last 4 characters find one license.
  await page.goto(`/admin/licenses?key=${shown.key.slice(-4)}`);
  await page.getByRole("table", { name: /^Licenses \(/ }).waitFor();
  expect(await column(page, /^Licenses \(/, "Key")).toContain(`••••${shown.key.slice(-4)}`);
  expect(await column(page, /^Licenses \(/, "Customer")).toContain("Chiara Verdi <chiara.verdi@example.com>");
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});

const DETAIL = `query ($id: ID!, $from: DateTimeISO!, $to: DateTimeISO!) {
  license(id: $id) { status activeSites plan { displayName maxSites monthlyRequests } activations { site } usageSummary { requests requestLimit tokens } }
  usage(licenseId: $id, from: $from, to: $to, groupBy: PROVIDER) { key requests tokens costMicros }
}`;
interface DetailAnswer {
  license: {
    status: string;
    activeSites: number;
    plan: { displayName: string; maxSites: number; monthlyRequests: number };
    activations: Array<{ site: string }>;
    usageSummary: { requests: number; requestLimit: number; tokens: number };
  };
  usage: Array<{ key: string; requests: number; tokens: number; costMicros: number }>;
}

test("a license's page shows the API's figures: limits and what is left, usage by provider, sites, payments, activity", async () => {
  const now = new Date();
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString();
  const answer = (await harness.graphql<DetailAnswer>(DETAIL, { id: shown.id, from, to })).data;
  if (!answer) throw new Error("no answer");
  const { license, usage } = answer;
  expect(usage.length).toBe(3);

  const { context, page } = await signedInPage(harness, "admin", `/admin/licenses/${shown.id}`);
  await page.getByRole("heading", { level: 1, name: `License ••••${shown.key.slice(-4)}` }).waitFor();
  await page.getByRole("table", { name: /^Limits of the/ }).waitFor();

  const limits = Object.fromEntries((await column(page, /^Limits of the/, "Limit")).map((name, index) => [name, index] as const));
  const used = await column(page, /^Limits of the/, "Used");
  const left = await column(page, /^Limits of the/, "Left");
  expect(digits(used[limits["AI requests"] ?? -1] ?? "")).toBe(license.usageSummary.requests);
  expect(left[limits["AI requests"] ?? -1]).toContain(
    new Intl.NumberFormat("en-US").format(license.usageSummary.requestLimit - license.usageSummary.requests),
  );
  expect(digits(used[limits["Sites"] ?? -1] ?? "")).toBe(license.activeSites);
  expect(digits(used[limits["Tokens this month"] ?? -1] ?? "")).toBe(license.usageSummary.tokens);

  expect(await column(page, "This month by provider", "Provider")).toEqual(usage.map((bucket) => bucket.key));
  expect((await column(page, "This month by provider", "Requests")).map(digits)).toEqual(usage.map((bucket) => bucket.requests));
  expect((await column(page, "This month by provider", "Tokens")).map(digits)).toEqual(usage.map((bucket) => bucket.tokens));
  expect(usage.reduce((sum, bucket) => sum + bucket.requests, 0)).toBe(license.usageSummary.requests);

  expect((await column(page, /^Sites \(/, "Site")).sort()).toEqual(license.activations.map((one) => one.site).sort());
  expect(await column(page, "Payments", "Transaction")).toEqual(["txn_verdi_0001"]);
  expect(await column(page, "Activity of this license", "Action")).toEqual(expect.arrayContaining(["license.issued", "site.activated"]));
  expect(license.status).toBe(LicenseStatus.active);
  // The chart is drawn (a canvas), and its figures are in a table for screen readers.
  expect(await page.locator("figure.chart canvas").count()).toBeGreaterThan(0);

  await screenshot(page, "license");
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});

test("a license's page on a phone (390 px): readable, nothing wider than the screen but the tables' own scroll", async () => {
  const { context, page } = await newPage(harness, { width: 390, height: 844 });
  await signIn(page, harness.tokens.admin, `/admin/licenses/${shown.id}`);
  await page.getByRole("table", { name: /^Limits of the/ }).waitFor();
  await page.locator("figure.chart canvas").first().waitFor();
  const overflow = (await page.evaluate(`document.documentElement.scrollWidth - document.documentElement.clientWidth`)) as number;
  expect(overflow).toBeLessThanOrEqual(0);
  await screenshot(page, "license-phone");
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});

test("usage grouped by DAY_AND_PROVIDER (the chart's query) adds up to the DAY and PROVIDER groupings", async () => {
  const now = new Date();
  const range = {
    id: shown.id,
    from: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString(),
    to: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString(),
  };
  type Bucket = { key: string; day: string | null; provider: string | null; requests: number; tokens: number; costMicros: number };
  const usage = async (groupBy: string): Promise<Bucket[]> => {
    const response = await harness.graphql<{ usage: Bucket[] }>(
      `query ($id: ID!, $from: DateTimeISO!, $to: DateTimeISO!) { usage(licenseId: $id, from: $from, to: $to, groupBy: ${groupBy}) { key day provider requests tokens costMicros } }`,
      range,
    );
    if (!response.data) throw new Error(JSON.stringify(response.errors));
    return response.data.usage;
  };
  const [both, byDay, byProvider] = await Promise.all([usage("DAY_AND_PROVIDER"), usage("DAY"), usage("PROVIDER")]);
  expect(both.every((bucket) => bucket.key === `${bucket.day}/${bucket.provider}`)).toBe(true);
  const sum = (buckets: Bucket[], keyOf: (bucket: Bucket) => string | null) => {
    const sums = new Map<string, [number, number, number]>();
    for (const bucket of buckets) {
      const [requests, tokens, cost] = sums.get(keyOf(bucket) ?? "") ?? [0, 0, 0];
      sums.set(keyOf(bucket) ?? "", [requests + bucket.requests, tokens + bucket.tokens, cost + bucket.costMicros]);
    }
    return Object.fromEntries(sums);
  };
  expect(sum(both, (bucket) => bucket.day)).toEqual(sum(byDay, (bucket) => bucket.key));
  expect(sum(both, (bucket) => bucket.provider)).toEqual(sum(byProvider, (bucket) => bucket.key));
  expect(byDay.every((bucket) => bucket.day === bucket.key && bucket.provider === null)).toBe(true);
});
