import type { Page } from "playwright-core";
import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import {
  pageProblems,
  screenshot,
  seriousAccessibilityViolations,
  signedInPage,
  startAdminHarness,
  type AdminHarness,
} from "../support/admin-browser";

jest.setTimeout(120_000);

let harness: AdminHarness;

interface ApiPlan {
  name: string;
  displayName: string;
  priceCents: number;
  maxSites: number;
  monthlyRequests: number;
  requestsPerMinute: number;
  requestsPerHour: number;
  maxTokens: number;
  lifetimeLimit: number | null;
  lifetimeSold: number;
}

async function apiPlans(): Promise<ApiPlan[]> {
  const answer = await harness.graphql<{ plans: ApiPlan[] }>(
    `{ plans(includeInactive: true) { name displayName priceCents maxSites monthlyRequests requestsPerMinute requestsPerHour maxTokens lifetimeLimit lifetimeSold } }`,
  );
  expect(answer.errors).toBeUndefined();
  return answer.data!.plans;
}

async function licenseCount(plan: string, status: string): Promise<number> {
  const answer = await harness.graphql<{ licenses: { totalCount: number } }>(
    `query ($plan: String!, $status: LicenseStatus) { licenses(filter: { plan: $plan, status: $status }, first: 1) { totalCount } }`,
    { plan, status },
  );
  return answer.data!.licenses.totalCount;
}

const planForm = (page: Page, displayName: string) => page.getByRole("form", { name: `Limits of ${displayName}` });

beforeAll(async () => {
  harness = await startAdminHarness();
  // More licenses on "pro" than the demo's one, in two statuses, so the preview has something to count.
  const { services } = harness.platform;
  const customer = await services.customers.create({ email: "plans.preview@example.com", name: "Preview Customer" }, SYSTEM_ACTOR);
  await services.licenses.issue({ customerId: customer._id, plan: "pro" }, SYSTEM_ACTOR);
  const { license } = await services.licenses.issue({ customerId: customer._id, plan: "pro" }, SYSTEM_ACTOR);
  await services.licenses.suspend(license._id, "test: a suspended license on the plan", SYSTEM_ACTOR);
}, 120_000);

afterAll(async () => {
  await harness?.stop();
});

test("an admin sees every plan with the API's limits in its form; the page passes the accessibility check", async () => {
  const { context, page } = await signedInPage(harness, "admin", "/admin/plans");
  const plans = await apiPlans();
  expect(plans.length).toBeGreaterThan(0);
  for (const plan of plans) {
    const form = planForm(page, plan.displayName);
    await expect(form.getByLabel("Max sites", { exact: true }).inputValue()).resolves.toBe(String(plan.maxSites));
    await expect(form.getByLabel("Monthly requests", { exact: true }).inputValue()).resolves.toBe(String(plan.monthlyRequests));
    await expect(form.getByLabel("Requests per minute", { exact: true }).inputValue()).resolves.toBe(String(plan.requestsPerMinute));
    await expect(form.getByLabel("Requests per hour", { exact: true }).inputValue()).resolves.toBe(String(plan.requestsPerHour));
    await expect(form.getByLabel("Max tokens per request", { exact: true }).inputValue()).resolves.toBe(String(plan.maxTokens));
    await expect(form.getByLabel("Price", { exact: true }).inputValue()).resolves.toBe((plan.priceCents / 100).toFixed(2));
  }
  const founders = plans.find((plan) => plan.lifetimeLimit !== null)!;
  await expect(page.getByText(`Sold ${founders.lifetimeSold} of ${founders.lifetimeLimit}`).count()).resolves.toBe(1);
  await screenshot(page, "plans");
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});

test("editing a limit previews the licenses it affects, then changes the plan in the database", async () => {
  const { context, page } = await signedInPage(harness, "admin", "/admin/plans");
  const pro = (await apiPlans()).find((plan) => plan.name === "pro")!;
  const [active, suspended] = [await licenseCount("pro", "active"), await licenseCount("pro", "suspended")];
  expect([active, suspended]).toEqual([2, 1]);
  const form = planForm(page, pro.displayName);
  const next = pro.requestsPerMinute + 7;
  await form.getByLabel("Requests per minute", { exact: true }).fill(String(next));
  await form.getByRole("button", { name: `Review changes to ${pro.displayName}` }).click();

  const dialog = page.getByRole("dialog", { name: `Change ${pro.displayName}?` });
  const preview = dialog.getByText(/^This changes the limits of/);
  await preview.waitFor();
  await expect(preview.textContent()).resolves.toBe(
    `This changes the limits of ${active} active licenses (and ${suspended} suspended); ${active + suspended} licenses on this plan in all.`,
  );
  await expect(dialog.getByText(`Requests per minute: ${pro.requestsPerMinute} → ${next}`).count()).resolves.toBe(1);
  await dialog.getByRole("button", { name: "Save plan" }).click();
  await page.getByText(`Saved ${pro.displayName}: Requests per minute: ${pro.requestsPerMinute} → ${next}.`).waitFor();
  expect((await harness.platform.services.plans.byName("pro")).requests_per_minute).toBe(next);
  await expect(form.getByLabel("Requests per minute", { exact: true }).inputValue()).resolves.toBe(String(next));
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});

test("an invalid limit is refused in words before anything is sent, and the plan stays as it was", async () => {
  const { context, page } = await signedInPage(harness, "admin", "/admin/plans");
  const before = await harness.platform.services.plans.byName("starter");
  const starter = (await apiPlans()).find((plan) => plan.name === "starter")!;
  const form = planForm(page, starter.displayName);
  await form.getByLabel("Monthly requests", { exact: true }).fill("-5");
  await form.getByLabel("Max tokens per request", { exact: true }).fill("lots");
  await form.getByLabel("Price", { exact: true }).fill("9.999");
  await form.getByRole("button", { name: `Review changes to ${starter.displayName}` }).click();
  const alert = form.getByRole("alert");
  await expect(alert.textContent()).resolves.toContain("Not saved: 3 fields need a fix.");
  await expect(alert.textContent()).resolves.toContain("Monthly requests must be a whole number 0 or more.");
  await expect(alert.textContent()).resolves.toContain("Max tokens per request must be a whole number from 1 to 1,000,000.");
  await expect(alert.textContent()).resolves.toContain("Price must be an amount of 0 or more with at most 2 decimals.");
  await expect(form.getByLabel("Monthly requests", { exact: true }).getAttribute("aria-invalid")).resolves.toBe("true");
  expect(await page.getByRole("dialog").count()).toBe(0);
  const after = await harness.platform.services.plans.byName("starter");
  expect(after).toEqual(before);
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});

test("the Founders cap cannot go below what is sold: the API's error is shown and the cap stays", async () => {
  const { context, page } = await signedInPage(harness, "owner", "/admin/plans");
  const founders = (await apiPlans()).find((plan) => plan.name === "founders")!;
  expect(founders.lifetimeSold).toBeGreaterThan(0);
  const form = planForm(page, founders.displayName);
  await form.getByLabel("Lifetime cap", { exact: true }).fill(String(founders.lifetimeSold - 1));
  await form.getByRole("button", { name: `Review changes to ${founders.displayName}` }).click();
  const dialog = page.getByRole("dialog", { name: `Change ${founders.displayName}?` });
  await dialog.getByRole("button", { name: "Save plan" }).click();
  await expect(dialog.getByRole("alert").textContent()).resolves.toBe(
    `lifetimeLimit cannot be below the ${founders.lifetimeSold} licenses already sold`,
  );
  expect((await harness.platform.services.plans.byName("founders")).lifetime_limit).toBe(founders.lifetimeLimit);

  // A cap at what is sold or above is taken.
  await dialog.getByRole("button", { name: "Cancel" }).click();
  const raised = founders.lifetimeLimit! + 10;
  await form.getByLabel("Lifetime cap", { exact: true }).fill(String(raised));
  await form.getByRole("button", { name: `Review changes to ${founders.displayName}` }).click();
  await dialog.getByRole("button", { name: "Save plan" }).click();
  await page.getByText(`Sold ${founders.lifetimeSold} of ${raised}`).waitFor();
  expect((await harness.platform.services.plans.byName("founders")).lifetime_limit).toBe(raised);
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});

test("the price and the flat AI rate are edited in euros and stored in cents and micro-euros", async () => {
  const { context, page } = await signedInPage(harness, "admin", "/admin/plans");
  const agency = (await apiPlans()).find((plan) => plan.name === "agency")!;
  const form = planForm(page, agency.displayName);
  await form.getByLabel("Price", { exact: true }).fill("24.50");
  await form.getByLabel("Cost per 1k tokens (EUR)", { exact: true }).fill("0.0025");
  await form.getByRole("button", { name: `Review changes to ${agency.displayName}` }).click();
  const dialog = page.getByRole("dialog", { name: `Change ${agency.displayName}?` });
  await dialog.getByText(/^This changes the limits of 1 active license;/).waitFor();
  await dialog.getByRole("button", { name: "Save plan" }).click();
  await page.getByText(`Saved ${agency.displayName}:`).waitFor();
  const stored = await harness.platform.services.plans.byName("agency");
  expect([stored.price_cents, stored.cost_per_1k_tokens_micros]).toEqual([2450, 2500]);
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});

test("readonly and support see the limits without any edit control", async () => {
  const plans = await apiPlans();
  for (const role of ["readonly", "support"] as const) {
    const { context, page } = await signedInPage(harness, role, "/admin/plans");
    for (const plan of plans) {
      const table = page.getByRole("table", { name: `Limits of ${plan.displayName}` });
      const row = table.getByRole("row", { name: /^Max tokens per request/ });
      await expect(row.getByRole("cell").textContent()).resolves.toBe(plan.maxTokens.toLocaleString("en-US"));
    }
    expect({ role, inputs: await page.locator("main input, main textarea").count() }).toEqual({ role, inputs: 0 });
    expect({ role, buttons: await page.locator("main button").count() }).toEqual({ role, buttons: 0 });
    expect(pageProblems(page)).toEqual([]);
    await context.close();
  }
});
