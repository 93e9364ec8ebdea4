import { mongoose } from "@typegoose/typegoose";
import type { Page } from "playwright-core";
import { LicenseStatus } from "../../src/modules/licenses/license.model";
import {
  pageProblems,
  screenshot,
  seriousAccessibilityViolations,
  signedInPage,
  startAdminHarness,
  type AdminHarness,
} from "../support/admin-browser";
import { activateSites, customerWithLicense, type FixtureLicense } from "./license-fixtures";

// Every license action through the dashboard, each checked in the database; and what each role is offered.

jest.setTimeout(120_000);

let harness: AdminHarness;
let counter = 0;

beforeAll(async () => {
  harness = await startAdminHarness();
}, 120_000);

afterAll(async () => {
  await harness?.stop();
});

async function freshLicense(plan = "starter"): Promise<FixtureLicense> {
  counter++;
  return customerWithLicense(harness, { email: `actions${counter}@example.com`, name: `Action Customer ${counter}` }, plan);
}

const stored = (id: string) => harness.platform.services.models.License.findById(new mongoose.Types.ObjectId(id)).lean().exec();

async function openLicense(
  role: "owner" | "admin" | "support" | "readonly",
  id: string,
): Promise<Awaited<ReturnType<typeof signedInPage>>> {
  const opened = await signedInPage(harness, role, `/admin/licenses/${id}`);
  await opened.page.getByRole("table", { name: /^Limits of the/ }).waitFor();
  return opened;
}

/** Opens an action's dialog, lets `fill` fill it, confirms, and waits for the page's outcome. */
async function act(
  page: Page,
  button: string,
  confirm: string,
  fill: (dialog: ReturnType<Page["getByRole"]>) => Promise<void>,
  outcome: string | RegExp,
) {
  await page.getByRole("button", { name: button, exact: true }).click();
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  await fill(dialog);
  await dialog.getByRole("button", { name: confirm, exact: true }).click();
  await page.getByRole("status").filter({ hasText: outcome }).first().waitFor();
  await dialog.waitFor({ state: "detached" });
}

const shownKey = async (page: Page): Promise<string> => (await page.locator("code.license-key").textContent())?.trim() ?? "";

test("issue: a license for a customer found by e-mail, the new key shown once, and it is in the database", async () => {
  const holder = await freshLicense();
  const { context, page } = await signedInPage(harness, "admin", "/admin/licenses");
  await page.getByRole("table", { name: /^Licenses \(/ }).waitFor();
  await page.getByRole("button", { name: "Issue license" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Customer e-mail").fill("nobody@nowhere.example");
  await dialog.getByLabel("Plan").selectOption("pro");
  await dialog.getByRole("button", { name: "Issue license" }).click();
  await dialog.getByRole("alert").filter({ hasText: "No customer has the e-mail address nobody@nowhere.example" }).waitFor();

  await dialog.getByLabel("Customer e-mail").fill(holder.email);
  await dialog.getByRole("button", { name: "Issue license" }).click();
  await page.getByRole("heading", { name: "The new license key" }).waitFor();
  const key = await shownKey(page);
  const issued = await harness.platform.services.licenses.findByKey(key);
  expect(issued?.customer_id.toHexString()).toBe(holder.customerId);
  const plan = await harness.platform.services.plans.byName("pro");
  expect(issued?.plan_id.equals(plan._id)).toBe(true);
  // Shown once: dismissed, the key is gone from the page.
  await page.getByRole("button", { name: "Done, hide the key" }).click();
  expect(await page.getByText(key).count()).toBe(0);
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});

test("suspend needs a reason (the dialog says so, nothing changes); suspend and reactivate change the status in the database", async () => {
  const license = await freshLicense();
  const { context, page } = await openLicense("admin", license.id);
  await page.getByRole("button", { name: "Suspend", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  await screenshot(page, "license-suspend-dialog");
  // The browser's own check stops an empty required field; spaces only get past it and are refused by the page.
  await dialog.getByLabel(/^Reason/).fill("   ");
  await dialog.getByRole("button", { name: "Suspend license" }).click();
  await dialog.getByRole("alert").filter({ hasText: "A reason is required." }).waitFor();
  expect((await stored(license.id))?.status).toBe(LicenseStatus.active);
  await dialog.getByRole("button", { name: "Cancel", exact: true }).click();

  await act(page, "Suspend", "Suspend license", (d) => d.getByLabel(/^Reason/).fill("Chargeback opened"), "Suspended: Chargeback opened");
  expect(await stored(license.id)).toMatchObject({ status: LicenseStatus.suspended, status_reason: "Chargeback opened" });
  await page.getByText("Reason: Chargeback opened", { exact: true }).waitFor();

  await act(page, "Reactivate", "Reactivate license", async () => undefined, "Reactivated");
  expect(await stored(license.id)).toMatchObject({ status: LicenseStatus.active, status_reason: null });
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});

test("change plan, extend, remove a site, rotate the key, reveal it with a note, cancel: each changes the database", async () => {
  const license = await freshLicense("starter");
  await activateSites(harness, license.id, ["https://first.example.com"]);
  const { services } = harness.platform;
  const { context, page } = await openLicense("owner", license.id);

  await act(page, "Change plan", "Change plan", async (d) => void (await d.getByLabel("New plan").selectOption("pro")), "Plan changed to");
  expect((await stored(license.id))?.plan_id.equals((await services.plans.byName("pro"))._id)).toBe(true);

  const year = new Date().getFullYear() + 1;
  await act(page, "Extend", "Set expiry", (d) => d.getByLabel(/^New expiry date/).fill(`${year}-06-30`), "Now expires");
  // The end of that day in the browser's time zone (the browser and this test share the machine's).
  expect((await stored(license.id))?.expires_at?.toISOString()).toBe(new Date(year, 5, 30, 23, 59, 59, 999).toISOString());

  await act(page, "Remove first.example.com", "Remove site", async () => undefined, "Removed first.example.com");
  expect(await services.models.Activation.countDocuments({ license_id: new mongoose.Types.ObjectId(license.id) })).toBe(0);
  expect((await stored(license.id))?.active_sites).toBe(0);

  await act(page, "Rotate key", "Rotate key", async () => undefined, "Key rotated");
  const rotated = await shownKey(page);
  expect(rotated).not.toBe(license.key);
  expect(await services.licenses.findByKey(license.key)).toBeNull();
  expect((await services.licenses.findByKey(rotated))?._id.toHexString()).toBe(license.id);
  await page.getByRole("button", { name: "Done, hide the key" }).click();

  await act(page, "Reveal key", "Reveal key", (d) => d.getByLabel(/^Audit note/).fill("Customer lost it, ticket 4711"), "Key revealed");
  expect(await shownKey(page)).toBe(rotated);
  const reveal = await services.models.ActivityLog.findOne({
    license_id: new mongoose.Types.ObjectId(license.id),
    action: "license.key_revealed",
  })
    .lean()
    .exec();
  expect(reveal?.details).toEqual({ note: "Customer lost it, ticket 4711" });
  expect(reveal?.actor).toMatch(/^admin:/);

  await act(page, "Cancel license", "Cancel license", async () => undefined, "Cancelled");
  expect((await stored(license.id))?.status).toBe(LicenseStatus.cancelled);
  // A cancelled license offers nothing but the reveal.
  await page.getByRole("button", { name: "Rotate key" }).waitFor({ state: "detached" });
  const offered = await page.getByRole("region", { name: "License actions" }).getByRole("button").allTextContents();
  expect(offered).toEqual(["Reveal key"]);
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});

test("support is offered suspend, reactivate and reveal only; readonly no action at all", async () => {
  const license = await freshLicense();
  await activateSites(harness, license.id, ["https://support.example.com"]);
  const support = await openLicense("support", license.id);
  const actions = support.page.getByRole("region", { name: "License actions" });
  expect(await actions.getByRole("button").allTextContents()).toEqual(["Suspend", "Reveal key"]);
  expect(await support.page.getByRole("button", { name: /^Remove / }).count()).toBe(0);
  await act(support.page, "Suspend", "Suspend license", (d) => d.getByLabel(/^Reason/).fill("Abuse report"), "Suspended");
  // The page reloads the license after the action: wait for the reloaded view before reading what it offers.
  await actions.getByRole("button", { name: "Reactivate" }).waitFor();
  expect(await actions.getByRole("button").allTextContents()).toEqual(["Reactivate", "Reveal key"]);
  await support.page.goto("/admin/licenses");
  await support.page.getByRole("table", { name: /^Licenses \(/ }).waitFor();
  expect(await support.page.getByRole("button", { name: "Issue license" }).count()).toBe(0);
  await support.context.close();

  const readonly = await openLicense("readonly", license.id);
  const { page } = readonly;
  const allowed = ["Search", "Previous", "Next", "Sign out"];
  const buttons = async () => (await page.getByRole("button").allTextContents()).filter((name) => !allowed.includes(name));
  expect(await buttons()).toEqual([]);
  for (const at of ["/admin/licenses", "/admin/customers", `/admin/customers/${license.customerId}`]) {
    await page.goto(at);
    await page.getByRole("table").first().waitFor();
    expect({ at, buttons: await buttons() }).toEqual({ at, buttons: [] });
  }
  expect(pageProblems(page)).toEqual([]);
  await readonly.context.close();
});
