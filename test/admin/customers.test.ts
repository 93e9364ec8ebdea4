import { mongoose } from "@typegoose/typegoose";
import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import { CustomerStatus } from "../../src/modules/customers/customer.model";
import {
  pageProblems,
  screenshot,
  seriousAccessibilityViolations,
  signedInPage,
  startAdminHarness,
  type AdminHarness,
} from "../support/admin-browser";
import { activateSites, customerWithLicense, payment, type FixtureLicense } from "./license-fixtures";
import { column } from "./table-reading";

// The Customers list (search, status filter and paging in the URL) and a customer's page (licenses, payments,
// activity as the API has them; editing).

jest.setTimeout(120_000);

let harness: AdminHarness;
let detailed: FixtureLicense;
const COMPANY = "Paging Customers Srl";
const PAGED = 25;

beforeAll(async () => {
  harness = await startAdminHarness();
  const { services } = harness.platform;
  for (let index = 0; index < PAGED; index++) {
    const created = await services.customers.create(
      { email: `customer${String(index).padStart(2, "0")}@paging.example`, name: `Paged Customer ${index}`, company: COMPANY },
      SYSTEM_ACTOR,
    );
    if (index % 4 === 0) await services.customers.setStatus(created._id, CustomerStatus.suspended, SYSTEM_ACTOR);
  }
  detailed = await customerWithLicense(
    harness,
    { email: "giulia.neri@example.com", name: "Giulia Neri", company: "Neri Hotels", country: "IT" },
    "pro",
  );
  const second = await services.licenses.issue(
    { customerId: new mongoose.Types.ObjectId(detailed.customerId), plan: "starter" },
    SYSTEM_ACTOR,
  );
  await services.licenses.suspend(second.license._id, "Unpaid invoice", SYSTEM_ACTOR);
  await activateSites(harness, detailed.id, ["https://nerihotels.example.com"]);
  await payment(harness, detailed, "txn_neri_0001", 2900);
  await payment(harness, detailed, "txn_neri_0002", 2900);
}, 180_000);

afterAll(async () => {
  await harness?.stop();
});

const CUSTOMERS = `query ($filter: CustomerFilterInput, $first: Int, $after: String) {
  customers(filter: $filter, first: $first, after: $after) { totalCount pageInfo { endCursor } edges { node { email name } } }
}`;
interface CustomersAnswer {
  customers: { totalCount: number; pageInfo: { endCursor: string | null }; edges: Array<{ node: { email: string; name: string | null } }> };
}
async function apiCustomers(filter: Record<string, unknown>, after?: string): Promise<CustomersAnswer["customers"]> {
  const response = await harness.graphql<CustomersAnswer>(CUSTOMERS, { filter, first: 20, after });
  if (!response.data) throw new Error(JSON.stringify(response.errors));
  return response.data.customers;
}
const emails = (answer: CustomersAnswer["customers"]): string[] => answer.edges.map((edge) => edge.node.email);

test("the customers list: search and status in the URL, Next/Previous show the API's pages, Back and reload keep the filters", async () => {
  const { context, page } = await signedInPage(harness, "readonly", "/admin/customers");
  await page.getByRole("table", { name: /^Customers \(/ }).waitFor();
  await page.getByLabel("Search (e-mail, name or company)").fill(COMPANY);
  await page.getByLabel("Search (e-mail, name or company)").press("Enter");
  const first = await apiCustomers({ search: COMPANY });
  expect(first.totalCount).toBe(PAGED);
  await page.getByRole("table", { name: `Customers (${PAGED})` }).waitFor();
  expect(new URL(page.url()).searchParams.get("q")).toBe(COMPANY);
  expect(await column(page, /^Customers \(/, "E-mail")).toEqual(emails(first));
  await screenshot(page, "customers");
  expect(await seriousAccessibilityViolations(page)).toEqual([]);

  await page.getByRole("button", { name: "Next" }).click();
  await page
    .getByRole("status")
    .filter({ hasText: `21–${PAGED} of ${PAGED}` })
    .waitFor();
  const second = await apiCustomers({ search: COMPANY }, first.pageInfo.endCursor ?? undefined);
  expect(second.edges.length).toBe(PAGED - 20);
  expect(await column(page, /^Customers \(/, "E-mail")).toEqual(emails(second));
  await page.reload();
  await page
    .getByRole("status")
    .filter({ hasText: `21–${PAGED} of ${PAGED}` })
    .waitFor();
  expect(await column(page, /^Customers \(/, "E-mail")).toEqual(emails(second));
  await page.getByRole("button", { name: "Previous" }).click();
  await page
    .getByRole("status")
    .filter({ hasText: `1–20 of ${PAGED}` })
    .waitFor();
  expect(await column(page, /^Customers \(/, "E-mail")).toEqual(emails(first));

  await page.getByLabel("Status").selectOption("suspended");
  const suspended = await apiCustomers({ search: COMPANY, status: "suspended" });
  expect(suspended.totalCount).toBe(Math.ceil(PAGED / 4));
  await page.getByRole("table", { name: `Customers (${suspended.totalCount})` }).waitFor();
  expect(await column(page, /^Customers \(/, "E-mail")).toEqual(emails(suspended));
  expect(new URL(page.url()).searchParams.get("status")).toBe("suspended");

  await page.goBack();
  await page.getByRole("table", { name: `Customers (${PAGED})` }).waitFor();
  expect(await page.getByLabel("Status").inputValue()).toBe("");
  expect(await page.getByLabel("Search (e-mail, name or company)").inputValue()).toBe(COMPANY);
  await page.goForward();
  await page.getByRole("table", { name: `Customers (${suspended.totalCount})` }).waitFor();
  await page.reload();
  await page.getByRole("table", { name: `Customers (${suspended.totalCount})` }).waitFor();
  expect(await page.getByLabel("Status").inputValue()).toBe("suspended");
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});

test("'New customer' (admin) creates the customer in the database; the form shows the API's refusal of an e-mail already taken", async () => {
  const { context, page } = await signedInPage(harness, "admin", "/admin/customers");
  await page.getByRole("button", { name: "New customer" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("E-mail").fill("giulia.neri@example.com");
  await dialog.getByRole("button", { name: "Create customer" }).click();
  await dialog.getByRole("alert").filter({ hasText: "already exists" }).waitFor();
  await dialog.getByLabel("E-mail").fill("Nuovo.Cliente@Example.com");
  await dialog.getByLabel("Name").fill("Nuovo Cliente");
  await dialog.getByLabel("Company").fill("Cliente Spa");
  await dialog.getByLabel(/^Country/).fill("it");
  await dialog.getByRole("button", { name: "Create customer" }).click();
  await page.getByRole("status").filter({ hasText: "created" }).waitFor();
  const created = await harness.platform.services.models.Customer.findOne({ email: "nuovo.cliente@example.com" }).lean().exec();
  expect(created).toMatchObject({ name: "Nuovo Cliente", company: "Cliente Spa", country: "IT", status: "active" });
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});

const DETAIL = `query ($id: ID!) {
  customer(id: $id) { email licenses { keyLast4 status } payments { transactionId } }
  activity(filter: { customerId: $id }, first: 20) { edges { node { action } } }
}`;
interface DetailAnswer {
  customer: { email: string; licenses: Array<{ keyLast4: string; status: string }>; payments: Array<{ transactionId: string }> };
  activity: { edges: Array<{ node: { action: string } }> };
}

test("a customer's page shows its licenses, payments and activity as the API has them; an admin edits it", async () => {
  const answer = (await harness.graphql<DetailAnswer>(DETAIL, { id: detailed.customerId })).data;
  if (!answer) throw new Error("no answer");
  const { context, page } = await signedInPage(harness, "admin", `/admin/customers/${detailed.customerId}`);
  await page.getByRole("heading", { level: 1, name: "Customer Giulia Neri" }).waitFor();
  const licensesTable = /^Licenses of giulia/;
  expect(await column(page, licensesTable, "Key")).toEqual(answer.customer.licenses.map((license) => `••••${license.keyLast4}`));
  expect(await column(page, licensesTable, "Status")).toEqual(answer.customer.licenses.map((license) => license.status));
  expect(await column(page, /^Payments of giulia/, "Transaction")).toEqual(answer.customer.payments.map((one) => one.transactionId));
  expect(await column(page, /^Activity of giulia/, "Action")).toEqual(answer.activity.edges.map((edge) => edge.node.action));
  expect(answer.customer.licenses.length).toBe(2);
  expect(answer.customer.payments.length).toBe(2);
  // Each license links to its page.
  await page
    .getByRole("link", { name: `••••${detailed.key.slice(-4)}` })
    .first()
    .click();
  await page.getByRole("heading", { level: 1, name: `License ••••${detailed.key.slice(-4)}` }).waitFor();
  await page.goBack();
  await page.getByRole("heading", { level: 1, name: "Customer Giulia Neri" }).waitFor();
  await screenshot(page, "customer");
  expect(await seriousAccessibilityViolations(page)).toEqual([]);

  await page.getByRole("button", { name: "Edit customer" }).click();
  const dialog = page.getByRole("dialog");
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  await dialog.getByLabel("Company").fill("Neri Hotels & Resorts");
  await dialog.getByLabel("Phone").fill("+39 055 123456");
  await dialog.getByLabel("Notes").fill("");
  await dialog.getByLabel("Status").selectOption("inactive");
  await dialog.getByRole("button", { name: "Save changes" }).click();
  await page.getByRole("status").filter({ hasText: "Customer saved." }).waitFor();
  const stored = await harness.platform.services.models.Customer.findById(new mongoose.Types.ObjectId(detailed.customerId)).lean().exec();
  expect(stored).toMatchObject({
    company: "Neri Hotels & Resorts",
    phone: "+39 055 123456",
    status: "inactive",
    email: "giulia.neri@example.com",
  });
  await page.getByText("Neri Hotels & Resorts", { exact: true }).waitFor();
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});
