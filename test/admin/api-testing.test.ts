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

beforeAll(async () => {
  harness = await startAdminHarness();
}, 120_000);

afterAll(async () => {
  await harness?.stop();
});

test("API testing sends the plugin's request with the key in X-License-Key and shows the real status and body", async () => {
  const pro = harness.demo.find((license) => license.plan === "pro");
  if (!pro) throw new Error("the demo data has a Pro license");
  const { context, page } = await signedInPage(harness, "readonly", "/admin/api-testing");
  await page.getByRole("heading", { level: 1, name: "API testing" }).waitFor();

  await page.getByLabel("Endpoint").selectOption({ label: "POST /api/validate" });
  await page.getByLabel("License key (X-License-Key)").fill(pro.key);
  await page.getByRole("button", { name: "Send POST /api/validate" }).click();
  await page.getByRole("heading", { name: /^Answer: 200/ }).waitFor();
  const body = JSON.parse((await page.getByLabel("Response body").textContent()) ?? "") as { valid: boolean; plan?: string };
  expect(body).toMatchObject({ valid: true });
  expect(page.url()).not.toContain(pro.key);
  await screenshot(page, "api-testing");
  expect(await seriousAccessibilityViolations(page)).toEqual([]);

  // The same request made directly gets the same status: the page adds nothing and hides nothing.
  await page.getByLabel("License key (X-License-Key)").fill("CHT-NOT-A-REAL-KEY-0000");
  await page.getByRole("button", { name: "Send POST /api/validate" }).click();
  const direct = await fetch(`${harness.platform.baseUrl}/api/validate`, {
    method: "POST",
    headers: { "x-license-key": "CHT-NOT-A-REAL-KEY-0000" },
  });
  await page.getByRole("heading", { name: new RegExp(`^Answer: ${direct.status}`) }).waitFor();

  await page.getByLabel("Endpoint").selectOption({ label: "GET /api/health" });
  expect(await page.getByLabel("License key (X-License-Key)").isDisabled()).toBe(true);
  await page.getByRole("button", { name: "Send GET /api/health" }).click();
  await page.getByRole("heading", { name: /^Answer: 200/ }).waitFor();
  expect(pageProblems(page).filter((problem) => !problem.includes("status of 4"))).toEqual([]);
  await context.close();
});
