import type { Page } from "playwright-core";
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

jest.setTimeout(120_000);

let harness: AdminHarness;

beforeAll(async () => {
  harness = await startAdminHarness();
}, 120_000);

afterAll(async () => {
  await harness?.stop();
});

async function tokenInStorage(page: Page): Promise<string | null> {
  return (await page.evaluate(`sessionStorage.getItem("chatello.admin.token")`)) as string | null;
}

test("the sign-in form has a labelled 'Admin token' field; a wrong token is refused in words and stored nowhere", async () => {
  const { context, page } = await newPage(harness);
  await page.goto("/admin/");
  await screenshot(page, "sign-in");
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  await page.getByLabel("Admin token").fill("cht_adm_not-a-real-token");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").textContent()).resolves.toContain("Invalid or revoked admin token");
  expect(await tokenInStorage(page)).toBeNull();
  await context.close();
});

test("signing in keeps the token in sessionStorage only (never in the URL); a reload stays signed in; sign out forgets it", async () => {
  const { context, page } = await signedInPage(harness, "admin");
  expect(await tokenInStorage(page)).toBe(harness.tokens.admin);
  expect(page.url()).not.toContain(harness.tokens.admin);
  expect(await page.evaluate(`localStorage.length`)).toBe(0);
  await page.reload();
  await page.getByRole("navigation", { name: "Main" }).waitFor();
  expect(await page.getByText("(admin)").count()).toBe(1);

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByLabel("Admin token").waitFor();
  expect(await tokenInStorage(page)).toBeNull();
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});

test("a token revoked while signed in returns to the sign-in page with the reason", async () => {
  const token = await harness.platform.token(AdminRole.support);
  const { context, page } = await newPage(harness);
  await signIn(page, token);
  const revoked = await harness.platform.services.admins.authenticate(token);
  await harness.graphql(`mutation ($id: ID!) { revokeAdminToken(id: $id) { id } }`, { id: revoked?._id.toHexString() });
  await page.reload();
  await page.getByLabel("Admin token").waitFor();
  await expect(page.getByRole("status").first().textContent()).resolves.toContain("Invalid or revoked admin token");
  expect(await tokenInStorage(page)).toBeNull();
  await context.close();
});

test("each role sees only the pages it may read", async () => {
  const expected = {
    owner: [
      "Overview",
      "Customers",
      "Licenses",
      "Plans",
      "Analytics",
      "Payments",
      "Webhook events",
      "Notifications",
      "Activity",
      "Settings",
      "API testing",
    ],
    admin: [
      "Overview",
      "Customers",
      "Licenses",
      "Plans",
      "Analytics",
      "Payments",
      "Webhook events",
      "Notifications",
      "Activity",
      "API testing",
    ],
    support: ["Overview", "Customers", "Licenses", "Plans", "Payments", "Webhook events", "Activity", "API testing"],
    readonly: ["Overview", "Customers", "Licenses", "Plans", "Payments", "Webhook events", "Activity", "API testing"],
  } as const;
  for (const role of ["owner", "admin", "support", "readonly"] as const) {
    const { context, page } = await signedInPage(harness, role);
    const links = await page.getByRole("navigation", { name: "Main" }).getByRole("link").allTextContents();
    expect({ role, links }).toEqual({ role, links: expected[role] });
    await context.close();
  }
});

test("every address under /admin/ serves the app (reload a deep link), /admin redirects, and /admin/health is still the probe", async () => {
  const deep = await fetch(`${harness.platform.baseUrl}/admin/licenses?status=active`);
  expect(deep.status).toBe(200);
  expect(deep.headers.get("content-type")).toContain("text/html");
  expect(deep.headers.get("content-security-policy")).toContain("script-src 'self'");
  const bare = await fetch(`${harness.platform.baseUrl}/admin`, { redirect: "manual" });
  expect([bare.status, bare.headers.get("location")]).toEqual([302, "/admin/"]);
  const health = await fetch(`${harness.platform.baseUrl}/admin/health`);
  expect(health.headers.get("content-type")).toContain("application/json");
  const missingAsset = await fetch(`${harness.platform.baseUrl}/admin/assets/nope.js`);
  expect(missingAsset.status).toBe(404);
});
