import type { Page } from "playwright-core";
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

jest.setTimeout(120_000);

let harness: AdminHarness;
let licenseId: string;
const CAPTION = "Activity, newest first (times in your time zone)";
const PADDLE = { label: "paddle" };

interface ApiEntry {
  action: string;
  actor: string;
  createdAt: string;
  details: Record<string, unknown>;
  license: { id: string } | null;
}

async function apiActivity(filter: Record<string, string>, after?: string) {
  const answer = await harness.graphql<{
    activity: { totalCount: number; pageInfo: { endCursor: string | null }; edges: Array<{ node: ApiEntry }> };
  }>(
    `query ($filter: ActivityFilterInput, $after: String) {
      activity(filter: $filter, first: 25, after: $after) { totalCount pageInfo { endCursor } edges { node { action actor createdAt details license { id } } } }
    }`,
    { filter, after },
    "readonly",
  );
  expect(answer.errors).toBeUndefined();
  return answer.data!.activity;
}

async function column(page: Page, index: number): Promise<string[]> {
  return page.getByRole("table", { name: CAPTION }).locator(`tbody tr td:nth-child(${index})`).allTextContents();
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until the table shows these actions (a list shows its previous rows while the next ones load). */
async function actionsShown(page: Page, actions: string[]): Promise<void> {
  const shown = await until(
    () => column(page, 3),
    (cells) => cells.length === actions.length && cells.every((cell, i) => cell === actions[i]),
  );
  expect(shown).toEqual(actions);
}

/** A time as the browser writes it (its time zone and language). */
async function browserTime(page: Page, iso: string): Promise<string> {
  return (await page.evaluate(
    `new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(new Date(${JSON.stringify(iso)}))`,
  )) as string;
}

beforeAll(async () => {
  harness = await startAdminHarness();
  const { services } = harness.platform;
  const license = await services.models.License.findOne({}).sort({ _id: 1 }).lean().exec();
  licenseId = license!._id.toHexString();
  // Entries by Paddle with their cause (a webhook event id), and enough in all for a second page.
  await services.licenses.suspend(license!._id, "test: payment failed", PADDLE, { cause: "evt_activity_cause_0001" });
  await services.licenses.reactivate(license!._id, PADDLE, { cause: "evt_activity_cause_0002" });
  for (let i = 0; i < 15; i++)
    await services.customers.create({ email: `activity.${i}@example.com`, name: `Activity ${i}` }, { label: "system" });
}, 120_000);

afterAll(async () => {
  await harness?.stop();
});

test("the log shows the API's entries with time in the browser's time zone, actor, action, target and cause; paging is in the URL", async () => {
  const { context, page } = await signedInPage(harness, "readonly", "/admin/activity");
  const first = await apiActivity({});
  expect(first.totalCount).toBeGreaterThan(25);
  await actionsShown(
    page,
    first.edges.map((edge) => edge.node.action),
  );
  expect(await column(page, 1)).toEqual(await Promise.all(first.edges.map((edge) => browserTime(page, edge.node.createdAt))));
  expect(await column(page, 2)).toEqual(first.edges.map((edge) => edge.node.actor));
  await page.getByRole("navigation", { name: "Pages" }).getByText(`1–25 of ${first.totalCount}`, { exact: true }).waitFor();
  await screenshot(page, "activity");
  expect(await seriousAccessibilityViolations(page)).toEqual([]);

  await page.getByRole("button", { name: "Next" }).click();
  await page.waitForURL(/after=/);
  const second = await apiActivity({}, first.pageInfo.endCursor!);
  await actionsShown(
    page,
    second.edges.map((edge) => edge.node.action),
  );
  await page
    .getByRole("navigation", { name: "Pages" })
    .getByText(`26–${25 + second.edges.length} of ${first.totalCount}`, { exact: true })
    .waitFor();
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});

test("filters by action, actor and license are in the URL and give the API's entries; targets link to their pages", async () => {
  const { context, page } = await signedInPage(harness, "support", "/admin/activity");
  await page.getByLabel("Action").fill("license.suspended");
  await page.getByRole("button", { name: "Apply" }).click();
  await page.waitForURL(/action=license\.suspended/);
  const suspended = await apiActivity({ action: "license.suspended" });
  await actionsShown(
    page,
    suspended.edges.map(() => "license.suspended"),
  );
  const row = page.getByRole("table", { name: CAPTION }).locator("tbody tr").first();
  await expect(row.getByRole("cell").nth(4).textContent()).resolves.toBe("evt_activity_cause_0001");
  await expect(row.getByRole("link", { name: /^license …/ }).getAttribute("href")).resolves.toBe(`/admin/licenses/${licenseId}`);

  // The actor in a row is a link that adds it to the filters.
  await row.getByRole("link", { name: "paddle" }).click();
  await page.waitForURL(/actor=paddle/);
  expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ action: "license.suspended", actor: "paddle" });
  const byPaddle = await apiActivity({ action: "license.suspended", actor: "paddle" });
  expect(byPaddle.totalCount).toBe(1);
  await actionsShown(page, ["license.suspended"]);

  await page.getByRole("button", { name: "Clear" }).click();
  await page.getByLabel("License id").fill(licenseId);
  await page.getByRole("button", { name: "Apply" }).click();
  await page.waitForURL(new RegExp(`license=${licenseId}`));
  const forLicense = await apiActivity({ licenseId });
  expect(forLicense.edges.every((edge) => edge.node.license?.id === licenseId)).toBe(true);
  await actionsShown(
    page,
    forLicense.edges.map((edge) => edge.node.action),
  );
  await page
    .getByRole("navigation", { name: "Pages" })
    .getByText(`1–${forLicense.totalCount} of ${forLicense.totalCount}`, { exact: true })
    .waitFor();
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});

test("on a phone (390 px) none of these pages scrolls sideways: wide tables scroll inside their own box", async () => {
  const { context, page } = await newPage(harness, { width: 390, height: 844 });
  await signIn(page, harness.tokens.owner, "/admin/plans");
  for (const [path, heading] of [
    ["/admin/plans", "Plans"],
    ["/admin/payments", "Payments"],
    ["/admin/webhooks", "Webhook events"],
    ["/admin/notifications", "Notifications"],
    ["/admin/activity", "Activity log"],
  ] as const) {
    await page.goto(path);
    await page.getByRole("heading", { level: 1, name: heading }).waitFor();
    await page.locator("main").locator('table, form[aria-label^="Limits"]').filter({ visible: true }).first().waitFor();
    const overflow = (await page.evaluate(`document.documentElement.scrollWidth - document.documentElement.clientWidth`)) as number;
    expect({ path, overflow }).toEqual({ path, overflow: 0 });
    if (path === "/admin/payments") await screenshot(page, "payments-phone");
  }
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});
