// The money and message pages: Payments, Webhook events, Notifications (real Chromium against a real platform).
import type { Page } from "playwright-core";
import { PaymentStatus } from "../../src/modules/payments/payment.model";
import { AdjustmentAction, AdjustmentStatus } from "../../src/modules/payments/payment-adjustment.model";
import { WebhookEventStatus } from "../../src/modules/billing/webhook-event.model";
import { DeliveryStatus, NotificationKind } from "../../src/modules/notifications/notification.model";
import {
  pageProblems,
  screenshot,
  seriousAccessibilityViolations,
  signedInPage,
  startAdminHarness,
  type AdminHarness,
} from "../support/admin-browser";
import { startWebhookReceiver, type WebhookReceiver } from "../support/notify-receivers";

jest.setTimeout(120_000);

let harness: AdminHarness;
let receiver: WebhookReceiver;

const PROVIDER = "paging-test";
const PAGING_PAYMENTS = 25;
const FAILING_KEY = "ledger-test:failing-message";

/** Money as the browser writes it (its language), so the page and the API's cents can be compared. */
async function money(page: Page, cents: number, currency: string): Promise<string> {
  return (await page.evaluate(
    `new Intl.NumberFormat(undefined, { style: "currency", currency: ${JSON.stringify(currency)} }).format(${cents} / 100)`,
  )) as string;
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The text of each body row's cell in one column of a captioned table. */
async function column(page: Page, caption: string, index: number): Promise<string[]> {
  return page.getByRole("table", { name: caption }).locator(`tbody tr td:nth-child(${index})`).allTextContents();
}

/**
 * Waits until a column shows the expected values, each containing its string: a list keeps showing its previous
 * rows while the next ones load, so right after a click the old rows may still be there.
 */
async function columnShows(page: Page, caption: string, index: number, expected: string[]): Promise<void> {
  const shown = await until(
    () => column(page, caption, index),
    (cells) => cells.length === expected.length && cells.every((cell, i) => cell.includes(expected[i]!)),
  );
  expect(shown).toEqual(expected.map((text) => expect.stringContaining(text)));
}

/** Waits for the pager to read exactly `text` (e.g. "21–25 of 25"). */
async function pagerShows(page: Page, text: string): Promise<void> {
  await page.getByRole("navigation", { name: "Pages" }).getByText(text, { exact: true }).waitFor();
}

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  harness = await startAdminHarness({
    env: { NOTIFY_WEBHOOK_URL: receiver.url, NOTIFY_WEBHOOK_SECRET: "ledger-test-secret-0123456789abcdef" },
  });
  const { models } = harness.platform.services;
  const customer = await models.Customer.findOne({ email: harness.demo[0]!.email }).lean().exec();
  const license = await models.License.findOne({ customer_id: customer!._id }).lean().exec();
  // 25 payments of one provider: 5 in March (the date range), 3 of them failed; the rest in April.
  for (let i = 0; i < PAGING_PAYMENTS; i++) {
    await models.Payment.create({
      customer_id: customer!._id,
      license_id: license!._id,
      amount_cents: 1000 + i,
      currency: "EUR",
      status: i < 3 ? PaymentStatus.failed : PaymentStatus.completed,
      provider: PROVIDER,
      transaction_id: `txn_paging_${String(i).padStart(2, "0")}`,
      paid_at: i < 5 ? new Date(2025, 2, 10 + (i % 3), 12) : new Date(2025, 3, 1 + i, 12),
    });
  }
  // A payment refunded in part, with its refund.
  const refunded = await models.Payment.create({
    customer_id: customer!._id,
    license_id: license!._id,
    amount_cents: 2900,
    currency: "EUR",
    status: PaymentStatus.partially_refunded,
    refunded_cents: 500,
    provider: "refund-test",
    transaction_id: "txn_refund_test_01",
    paid_at: new Date(2025, 4, 2, 12),
  });
  await models.PaymentAdjustment.create({
    payment_id: refunded._id,
    provider: "paddle",
    adjustment_id: "adj_refund_test_01",
    action: AdjustmentAction.refund,
    amount_cents: 500,
    currency: "EUR",
    status: AdjustmentStatus.approved,
    applied_cents: 500,
    reason: "test: customer asked",
    cause: "manual",
  });
  await models.WebhookEvent.create([
    {
      event_id: "evt_ledger_failed_0001",
      event_type: "ledger.test_unhandled",
      payload: { event_id: "evt_ledger_failed_0001" },
      status: WebhookEventStatus.failed,
      attempts: 3,
      last_error: "test: the handler threw",
      next_attempt_at: new Date(Date.now() + 3_600_000),
    },
    {
      event_id: "evt_ledger_attention_0001",
      event_type: "transaction.completed",
      payload: { event_id: "evt_ledger_attention_0001" },
      status: WebhookEventStatus.processed,
      attempts: 1,
      attention: "refund_needed",
      note: "test: sold out while paying",
    },
  ]);
}, 120_000);

afterAll(async () => {
  await harness?.stop();
  await receiver?.close();
});

describe("Payments", () => {
  test("the ledger shows the API's payments and totals, with customer and license links", async () => {
    const { context, page } = await signedInPage(harness, "admin", "/admin/payments");
    const api = await harness.graphql<{
      payments: {
        totalCount: number;
        edges: Array<{
          node: { transactionId: string; amountCents: number; currency: string; customer: { id: string }; license: { id: string } | null };
        }>;
      };
      paymentTotals: Array<{
        currency: string;
        grossCents: number;
        netCents: number;
        refundedCents: number;
        count: number;
        failedCount: number;
      }>;
    }>(`{ payments(first: 20) { totalCount edges { node { transactionId amountCents currency customer { id } license { id } } } }
          paymentTotals { currency grossCents netCents refundedCents count failedCount } }`);
    const rows = api.data!.payments.edges.map((edge) => edge.node);
    await page.getByRole("table", { name: "Payments, newest first" }).waitFor();
    expect(await column(page, "Payments, newest first", 8)).toEqual(rows.map((row) => expect.stringContaining(row.transactionId)));
    expect(await column(page, "Payments, newest first", 4)).toEqual(
      await Promise.all(rows.map((row) => money(page, row.amountCents, row.currency))),
    );
    await expect(page.getByRole("navigation", { name: "Pages" }).getByRole("status").textContent()).resolves.toBe(
      `1–20 of ${api.data!.payments.totalCount}`,
    );
    for (const total of api.data!.paymentTotals) {
      const group = page.getByRole("group", { name: `Totals in ${total.currency}` });
      const card = (name: string) =>
        group
          .locator("article", { hasText: `${name} (${total.currency})` })
          .locator(".card-value")
          .textContent();
      await expect(card("Gross")).resolves.toBe(await money(page, total.grossCents, total.currency));
      await expect(card("Net")).resolves.toBe(await money(page, total.netCents, total.currency));
      await expect(card("Refunded")).resolves.toBe(await money(page, total.refundedCents, total.currency));
      await expect(card("Settled payments")).resolves.toBe(String(total.count));
      await expect(card("Failed payments")).resolves.toBe(String(total.failedCount));
    }
    const first = rows[0]!;
    const table = page.getByRole("table", { name: "Payments, newest first" });
    await expect(table.locator("tbody tr").first().getByRole("link").first().getAttribute("href")).resolves.toBe(
      `/admin/customers/${first.customer.id}`,
    );
    await expect(table.locator("tbody tr").first().getByRole("link").nth(1).getAttribute("href")).resolves.toBe(
      `/admin/licenses/${first.license!.id}`,
    );
    await screenshot(page, "payments");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(pageProblems(page)).toEqual([]);
    await context.close();
  });

  test("filters (provider, status, date range) and paging are in the URL and match the API", async () => {
    const { context, page } = await signedInPage(harness, "readonly", "/admin/payments");
    await page.getByLabel("Provider").fill(PROVIDER);
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/provider=paging-test/);
    await pagerShows(page, `1–20 of ${PAGING_PAYMENTS}`);
    await page.getByRole("button", { name: "Next" }).click();
    await page.waitForURL(/after=/);
    await pagerShows(page, `21–25 of ${PAGING_PAYMENTS}`);
    await columnShows(
      page,
      "Payments, newest first",
      8,
      ["04", "03", "02", "01", "00"].map((n) => `txn_paging_${n}`),
    );
    // The address alone (a reload, a shared link) shows the same page.
    await page.reload();
    await pagerShows(page, `21–25 of ${PAGING_PAYMENTS}`);
    await page.getByRole("button", { name: "Previous" }).click();
    await pagerShows(page, `1–20 of ${PAGING_PAYMENTS}`);
    expect(new URL(page.url()).searchParams.get("after")).toBeNull();

    await page.getByLabel("Status").selectOption("failed");
    await page.getByLabel("Paid from").fill("2025-03-10");
    await page.getByLabel("Paid until (inclusive)").fill("2025-03-11");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/status=failed/);
    expect(new URL(page.url()).searchParams.get("from")).toBe("2025-03-10");
    const api = await harness.graphql<{
      payments: { edges: Array<{ node: { transactionId: string } }> };
      paymentTotals: Array<{ failedCount: number }>;
    }>(
      `query ($filter: PaymentFilterInput) { payments(filter: $filter, first: 20) { edges { node { transactionId } } } paymentTotals(filter: $filter) { failedCount } }`,
      {
        filter: {
          provider: PROVIDER,
          status: "failed",
          from: new Date(2025, 2, 10).toISOString(),
          to: new Date(2025, 2, 12).toISOString(),
        },
      },
    );
    const expected = api.data!.payments.edges.map((edge) => edge.node.transactionId);
    expect(expected).toEqual(["txn_paging_01", "txn_paging_00"]);
    await pagerShows(page, "1–2 of 2");
    await columnShows(page, "Payments, newest first", 8, expected);
    expect(pageProblems(page)).toEqual([]);
    await context.close();
  });

  test("a refunded payment shows what was refunded and its refund, and the totals count it", async () => {
    const { context, page } = await signedInPage(harness, "support", "/admin/payments?provider=refund-test");
    const api = await harness.graphql<{ paymentTotals: Array<{ grossCents: number; refundedCents: number; netCents: number }> }>(
      `{ paymentTotals(filter: { provider: "refund-test" }) { grossCents refundedCents netCents } }`,
    );
    const [total] = api.data!.paymentTotals;
    expect(total).toEqual({ grossCents: 2900, refundedCents: 500, netCents: 2400 });
    await columnShows(page, "Payments, newest first", 8, ["txn_refund_test_01"]);
    expect(await column(page, "Payments, newest first", 5)).toEqual([await money(page, 500, "EUR")]);
    expect(await column(page, "Payments, newest first", 6)).toEqual(["partially_refunded"]);
    expect(await column(page, "Payments, newest first", 9)).toEqual([
      `refund ${await money(page, 500, "EUR")} (approved): test: customer asked adj_refund_test_01`,
    ]);
    const card = (name: string) =>
      page.getByRole("group", { name: "Totals in EUR" }).locator("article", { hasText: name }).locator(".card-value").textContent();
    await expect(card("Net (EUR)")).resolves.toBe(await money(page, total!.netCents, "EUR"));
    await expect(card("Refunded (EUR)")).resolves.toBe(await money(page, total!.refundedCents, "EUR"));
    expect(pageProblems(page)).toEqual([]);
    await context.close();
  });

  test("an admin records a manual payment; readonly is not offered to", async () => {
    const readonly = await signedInPage(harness, "readonly", "/admin/payments");
    await readonly.page.getByRole("table", { name: "Payments, newest first" }).waitFor();
    expect(await readonly.page.getByRole("button", { name: "Record manual payment" }).count()).toBe(0);
    await readonly.context.close();

    const { context, page } = await signedInPage(harness, "admin", "/admin/payments");
    const customer = await harness.platform.services.models.Customer.findOne({ email: harness.demo[1]!.email }).lean().exec();
    await page.getByRole("button", { name: "Record manual payment" }).click();
    const dialog = page.getByRole("dialog", { name: "Record a manual payment" });
    await dialog.getByLabel("Customer id").fill(customer!._id.toHexString());
    await dialog.getByLabel("Amount, tax included").fill("12,3x");
    await dialog.getByRole("button", { name: "Record payment" }).click();
    await expect(dialog.getByRole("alert").textContent()).resolves.toContain("Amount must be more than 0");
    await dialog.getByLabel("Amount, tax included").fill("12.34");
    await dialog.getByLabel("Invoice number (optional)").fill("INV-LEDGER-1");
    await dialog.getByRole("button", { name: "Record payment" }).click();
    await page.getByText(`Recorded a payment of ${await money(page, 1234, "EUR")}.`).waitFor();
    const stored = await harness.platform.services.models.Payment.findOne({ invoice_number: "INV-LEDGER-1" }).lean().exec();
    expect(stored).toMatchObject({ provider: "manual", amount_cents: 1234, currency: "EUR", customer_id: customer!._id });
    expect(pageProblems(page)).toEqual([]);
    await context.close();
  });
});

describe("Webhook events", () => {
  test("the list shows the API's events with state, attempts and errors; filters are in the URL", async () => {
    const { context, page } = await signedInPage(harness, "readonly", "/admin/webhooks");
    const api = await harness.graphql<{ webhookEvents: { totalCount: number; edges: Array<{ node: { eventId: string } }> } }>(
      `{ webhookEvents(first: 20) { totalCount edges { node { eventId } } } }`,
      {},
      "readonly",
    );
    await page.getByRole("table", { name: "Webhook events, newest first" }).waitFor();
    expect(await column(page, "Webhook events, newest first", 2)).toEqual(
      api.data!.webhookEvents.edges.map((edge) => expect.stringContaining(edge.node.eventId)),
    );
    await expect(page.getByRole("navigation", { name: "Pages" }).getByRole("status").textContent()).resolves.toContain(
      `of ${api.data!.webhookEvents.totalCount}`,
    );
    // readonly: no retry, even on the failed event.
    expect(await page.getByRole("button", { name: /^Retry/ }).count()).toBe(0);

    await page.getByLabel("Needs attention").selectOption("yes");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/attention=yes/);
    await columnShows(page, "Webhook events, newest first", 2, ["evt_ledger_attention_0001"]);
    await expect(page.getByText("needs attention: refund needed").count()).resolves.toBe(1);
    await expect(page.getByText("test: sold out while paying").count()).resolves.toBe(1);
    expect(pageProblems(page)).toEqual([]);
    await context.close();
  });

  test("an admin retries a failed event after a confirmation; the event leaves the failed state", async () => {
    const { context, page } = await signedInPage(harness, "admin", "/admin/webhooks?status=failed");
    const table = page.getByRole("table", { name: "Webhook events, newest first" });
    await columnShows(page, "Webhook events, newest first", 2, ["evt_ledger_failed_0001"]);
    await expect(table.getByText("test: the handler threw", { exact: true }).count()).resolves.toBe(1);
    await screenshot(page, "webhook-events");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await table.getByRole("button", { name: "Retry evt_ledger_failed_0001" }).click();
    const dialog = page.getByRole("dialog", { name: "Retry ledger.test_unhandled evt_ledger_failed_0001?" });
    await expect(dialog.textContent()).resolves.toContain("It failed 3 times, last with: test: the handler threw.");
    await dialog.getByRole("button", { name: "Retry event" }).click();
    await page.getByText("Retrying evt_ledger_failed_0001: now pending; the worker processes it within seconds.").waitFor();
    // The worker takes it again: an event type without a handler ends as ignored.
    const event = await until(
      () => harness.platform.services.models.WebhookEvent.findOne({ event_id: "evt_ledger_failed_0001" }).lean().exec(),
      (stored) => stored?.status === WebhookEventStatus.ignored,
    );
    expect(event).toMatchObject({ status: WebhookEventStatus.ignored, attempts: 4 });
    expect(pageProblems(page)).toEqual([]);
    await context.close();
  });
});

describe("Notifications", () => {
  test("support is not offered the page and sees no messages at its address", async () => {
    const { context, page } = await signedInPage(harness, "support", "/admin/notifications");
    expect(await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Notifications" }).count()).toBe(0);
    await expect(page.getByRole("alert").textContent()).resolves.toContain("only admins and owners may see them");
    expect(await page.getByRole("table").count()).toBe(0);
    await context.close();
  });

  test("an admin sees each message's delivery state, filters the failed ones and retries one until it is delivered", async () => {
    receiver.failing.add(FAILING_KEY);
    const { services } = harness.platform;
    await services.notifications.enqueue({
      kind: NotificationKind.payment_failed,
      idempotencyKey: FAILING_KEY,
      subject: "Ledger test: payment failed",
      data: { test: true },
      cause: "system",
    });
    await until(
      () => services.models.Notification.findOne({ idempotency_key: FAILING_KEY }).lean().exec(),
      (message) => message?.webhook.status === DeliveryStatus.pending && Boolean(message.webhook.last_error),
    );

    const { context, page } = await signedInPage(harness, "admin", "/admin/notifications");
    const api = await harness.graphql<{
      notifications: { totalCount: number; edges: Array<{ node: { subject: string; webhook: { attempts: number } } }> };
    }>(`{ notifications(first: 20) { totalCount edges { node { subject webhook { attempts } } } } }`);
    await page.getByRole("table", { name: "Notifications, newest first" }).waitFor();
    expect(await column(page, "Notifications, newest first", 2)).toEqual(
      api.data!.notifications.edges.map((edge) => expect.stringContaining(edge.node.subject)),
    );
    expect(await column(page, "Notifications, newest first", 4)).toEqual(
      api.data!.notifications.edges.map((edge) => expect.stringContaining(`${edge.node.webhook.attempts} attempt`)),
    );

    await page.getByLabel("Delivery state").selectOption("failed");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/state=failed/);
    await columnShows(page, "Notifications, newest first", 2, ["Ledger test: payment failed"]);
    await expect(column(page, "Notifications, newest first", 4)).resolves.toEqual([expect.stringMatching(/failed.*Last error: .*500/s)]);
    await screenshot(page, "notifications");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    receiver.failing.delete(FAILING_KEY);
    await page.getByRole("button", { name: "Retry Ledger test: payment failed" }).click();
    await page
      .getByRole("dialog", { name: 'Send "Ledger test: payment failed" again?' })
      .getByRole("button", { name: "Retry now" })
      .click();
    await page.getByText('Retrying "Ledger test: payment failed": webhook pending').waitFor();
    const delivered = await until(
      () => services.models.Notification.findOne({ idempotency_key: FAILING_KEY }).lean().exec(),
      (message) => message?.webhook.status === DeliveryStatus.delivered,
    );
    expect(delivered!.webhook.attempts).toBeGreaterThanOrEqual(2);
    expect(receiver.received.filter((hook) => hook.headers["idempotency-key"] === FAILING_KEY).length).toBe(delivered!.webhook.attempts);
    expect(pageProblems(page)).toEqual([]);
    await context.close();
  });
});
