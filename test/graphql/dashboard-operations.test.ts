import { specifiedRules, validate, type GraphQLSchema } from "graphql";
import { queryLimitRules } from "../../src/graphql/limits";
import { buildApiSchema } from "../../src/graphql/schema";
import { AdminRole } from "../../src/modules/admins/admin.model";
import { PaymentStatus } from "../../src/modules/payments/payment.model";
import { WebhookEventStatus } from "../../src/modules/billing/webhook-event.model";
import { DeliveryStatus, NotificationKind } from "../../src/modules/notifications/notification.model";
import type { CustomerStatus, LicenseStatus } from "../__generated__/operations";
import {
  operationDocument,
  operationNames,
  runOperation,
  type DashboardOperations,
  type OperationName,
  type ResultOf,
  type VariablesOf,
} from "../support/dashboard-operations";
import { bearer, startTestPlatform, type TestPlatform } from "../support/platform";

// Issue item 7: the dashboard's operations (schema/operations) run against the API with the types codegen made for
// them, so `npm run typecheck` fails when an operation and the schema drift apart.

describe("the dashboard's operations", () => {
  let platform: TestPlatform;
  let owner: Record<string, string>;

  beforeAll(async () => {
    platform = await startTestPlatform();
    owner = bearer(await platform.token(AdminRole.owner));
  });
  afterAll(() => platform.stop());

  /** Runs an operation as the owner and returns its data; any error fails the test with its message. */
  async function run<K extends OperationName>(name: K, variables: VariablesOf<K>): Promise<ResultOf<K>> {
    const response = await runOperation(platform.graphql.bind(platform), name, variables, owner);
    if (response.errors)
      throw new Error(
        `${name}: ${response.errors.map((error) => `${String(error.extensions?.code)} ${error.message} at ${(error.path ?? []).join(".")}`).join("; ")}`,
      );
    expect(response.status).toBe(200);
    if (!response.data) throw new Error(`${name}: no data`);
    return response.data;
  }

  const isIsoDate = (value: string | null): boolean => value !== null && new Date(value).toISOString() === value;

  it("lists every operation of schema/operations in DashboardOperations (so each has its generated types)", () => {
    // A compile-time list cannot be enumerated; this record must name every key of DashboardOperations.
    const covered: Record<OperationName, true> = {
      Viewer: true,
      Admins: true,
      CreateAdminToken: true,
      RevokeAdminToken: true,
      ProviderKeys: true,
      SetProviderKey: true,
      Settings: true,
      Backups: true,
      TestProviderKey: true,
      Customers: true,
      CustomerDetail: true,
      CreateCustomer: true,
      UpdateCustomer: true,
      SetCustomerStatus: true,
      Licenses: true,
      LicenseDetail: true,
      IssueLicense: true,
      SuspendLicense: true,
      ReactivateLicense: true,
      CancelLicense: true,
      ChangeLicensePlan: true,
      ExtendLicense: true,
      RotateLicenseKey: true,
      RevealLicenseKey: true,
      RemoveActivation: true,
      Plans: true,
      UpdatePlan: true,
      Usage: true,
      Payments: true,
      Activity: true,
      OverviewReader: true,
      OverviewAdmin: true,
      AnalyticsPage: true,
      PlanImpact: true,
      PaymentsLedger: true,
      RecordManualPayment: true,
      WebhookEvents: true,
      RetryWebhookEvent: true,
      Notifications: true,
      RetryNotification: true,
      ActivityLog: true,
    };
    expect(operationNames()).toEqual(Object.keys(covered).sort());
  });

  it("are all within the query limits and valid against the served schema", async () => {
    const schema: GraphQLSchema = await buildApiSchema();
    const problems = operationNames().flatMap((name) =>
      validate(schema, operationDocument(name as keyof DashboardOperations), [...specifiedRules, ...queryLimitRules()]).map(
        (error) => `${name}: ${error.message}`,
      ),
    );
    expect(problems).toEqual([]);
  });

  it("Viewer: the signed-in owner", async () => {
    const { viewer } = await run("Viewer", {});
    expect(viewer.kind).toBe("admin");
    expect(viewer.role).toBe("owner");
    expect(viewer.admin?.tokenPrefix).toMatch(/^chk_o_/);
    expect(viewer.license).toBeNull();
  });

  it("Plans and UpdatePlan", async () => {
    const { plans } = await run("Plans", { includeInactive: true });
    expect(plans.map((plan) => plan.name).sort()).toEqual(["agency", "founders", "pro", "starter"]);
    const pro = plans.find((plan) => plan.name === "pro");
    expect(pro?.billing).toBe("monthly");
    expect(typeof pro?.monthlyBudgetMicros).toBe("number");

    const { updatePlan } = await run("UpdatePlan", {
      name: "pro",
      input: { monthlyRequests: 1234, allowedModels: [{ provider: "openai", models: ["gpt-4o-mini"] }] },
    });
    expect(updatePlan.monthlyRequests).toBe(1234);
    expect(updatePlan.allowedModels).toEqual([{ provider: "openai", models: ["gpt-4o-mini"] }]);
    expect(isIsoDate(updatePlan.updatedAt)).toBe(true);
  });

  it("a customer's life: create, update, status, list, detail", async () => {
    const { createCustomer } = await run("CreateCustomer", {
      input: { email: "Dash.Board@Example.com", name: "Dash Board", country: "IT" },
    });
    expect(createCustomer.email).toBe("dash.board@example.com");
    const status: CustomerStatus = createCustomer.status;
    expect(status).toBe("active");

    const { updateCustomer } = await run("UpdateCustomer", { id: createCustomer.id, input: { company: "Dashboard Srl", notes: "VIP" } });
    expect(updateCustomer).toMatchObject({ company: "Dashboard Srl", notes: "VIP", name: "Dash Board" });

    const { setCustomerStatus } = await run("SetCustomerStatus", { id: createCustomer.id, status: "suspended" });
    expect(setCustomerStatus.status).toBe("suspended");

    const { customers } = await run("Customers", { filter: { search: "dashboard srl", status: "suspended" }, first: 10 });
    expect(customers.totalCount).toBe(1);
    expect(customers.edges.map((edge) => edge.node.id)).toEqual([createCustomer.id]);
    expect(customers.pageInfo.hasNextPage).toBe(false);

    const { customer } = await run("CustomerDetail", { id: createCustomer.id });
    expect(customer).toMatchObject({ email: "dash.board@example.com", company: "Dashboard Srl", licenses: [], payments: [] });
  });

  /** A customer with a fresh license on `plan`, issued through the dashboard's operations. */
  async function issue(email: string, plan: string): Promise<ResultOf<"IssueLicense">["issueLicense"]> {
    const { createCustomer } = await run("CreateCustomer", { input: { email } });
    const { issueLicense } = await run("IssueLicense", { input: { customerId: createCustomer.id, plan, domain: "licensee.example" } });
    expect(issueLicense.key.endsWith(issueLicense.license.keyLast4)).toBe(true);
    expect(issueLicense.license.customer.email).toBe(email);
    return issueLicense;
  }

  it("a license's life: issue, list, suspend, reactivate, change plan, extend, rotate, cancel, activity", async () => {
    const issued = await issue("licensee@example.com", "starter");
    const id = issued.license.id;

    const { licenses } = await run("Licenses", { filter: { customerId: issued.license.customer.id }, first: 5 });
    expect(licenses.totalCount).toBe(1);
    expect(licenses.edges.map((edge) => edge.node.id)).toEqual([id]);
    expect(licenses.edges[0].node.customer.email).toBe("licensee@example.com");

    const suspended = await run("SuspendLicense", { id, reason: "chargeback" });
    const suspendedStatus: LicenseStatus = suspended.suspendLicense.status;
    expect([suspendedStatus, suspended.suspendLicense.statusReason]).toEqual(["suspended", "chargeback"]);
    expect((await run("ReactivateLicense", { id })).reactivateLicense.status).toBe("active");

    const { changeLicensePlan } = await run("ChangeLicensePlan", { id, plan: "pro" });
    expect(changeLicensePlan.plan.name).toBe("pro");

    const expiresAt = new Date(Date.UTC(new Date().getUTCFullYear() + 2, 0, 1)).toISOString();
    const { extendLicense } = await run("ExtendLicense", { id, expiresAt });
    expect(extendLicense.expiresAt).toBe(expiresAt);

    const { rotateLicenseKey } = await run("RotateLicenseKey", { id });
    expect(rotateLicenseKey.key).not.toBe(issued.key);
    expect(rotateLicenseKey.license.keyLast4).toBe(rotateLicenseKey.key.slice(-4));

    expect((await run("CancelLicense", { id })).cancelLicense.status).toBe("cancelled");

    const { activity } = await run("Activity", { filter: { licenseId: id }, first: 50 });
    const actions = activity.edges.map((edge) => edge.node.action);
    for (const action of [
      "license.issued",
      "license.suspended",
      "license.reactivated",
      "license.plan_changed",
      "license.extended",
      "license.key_rotated",
      "license.cancelled",
    ]) {
      expect(actions).toContain(action);
    }
    expect(activity.edges.every((edge) => edge.node.license?.id === id && edge.node.customer?.email === "licensee@example.com")).toBe(true);
  });

  it("RevealLicenseKey, and the activity page afterwards", async () => {
    const issued = await issue("revealer@example.com", "pro");
    expect((await run("RevealLicenseKey", { id: issued.license.id })).revealLicenseKey).toBe(issued.key);
    // The reveal is logged without details; the activity page must still load.
    const { activity } = await run("Activity", { filter: { licenseId: issued.license.id }, first: 10 });
    const reveal = activity.edges.find((edge) => edge.node.action === "license.key_revealed");
    expect(reveal?.node.details).toEqual({});
  });

  it("LicenseDetail of a freshly issued license", async () => {
    const issued = await issue("detail@example.com", "starter");
    const month = { from: "2026-01-01T00:00:00.000Z", to: "2026-02-01T00:00:00.000Z" };
    const { license: found } = await run("LicenseDetail", { id: issued.license.id, ...month });
    expect(found).not.toBeNull();
    const license = found as NonNullable<typeof found>;
    expect(license.plan.name).toBe("starter");
    expect(license.plan.maxSites).toBe(1);
    expect(license.customer.email).toBe("detail@example.com");
    expect(license.activations).toEqual([]);
    expect(license.usageSummary.requests).toBe(0);
    expect(license.usageSummary.month).toMatch(/^\d{4}-\d{2}$/);
    expect(license.metadata).toEqual({});
  });

  it("Usage: a license's AI usage grouped by provider", async () => {
    const issued = await issue("user@example.com", "pro");
    const at = new Date(Date.UTC(2026, 0, 15, 10));
    await platform.services.models.UsageLog.create([
      {
        license_id: issued.license.id,
        endpoint: "/ai/chat",
        provider: "openai",
        model: "gpt-4o-mini",
        tokens_used: 600,
        cost_micros: 900,
        created_at: at,
      },
      {
        license_id: issued.license.id,
        endpoint: "/ai/chat",
        provider: "anthropic",
        model: "claude",
        tokens_used: 400,
        cost_micros: 700,
        created_at: at,
      },
    ]);
    const { usage } = await run("Usage", {
      licenseId: issued.license.id,
      from: "2026-01-01T00:00:00.000Z",
      to: "2026-02-01T00:00:00.000Z",
      groupBy: "PROVIDER",
    });
    expect(usage).toEqual([
      { key: "anthropic", requests: 1, tokens: 400, costMicros: 700, cost: expect.any(String) },
      { key: "openai", requests: 1, tokens: 600, costMicros: 900, cost: expect.any(String) },
    ]);
  });

  it("Payments and the customer's payments", async () => {
    const issued = await issue("payer@example.com", "pro");
    const customerId = issued.license.customer.id;
    // Written as `setup sample` writes payments (no metadata).
    await platform.services.models.Payment.create({
      customer_id: customerId,
      license_id: issued.license.id,
      amount_cents: 799,
      currency: "EUR",
      status: PaymentStatus.completed,
      provider: "paddle",
      transaction_id: "txn_dashboard_1",
    });

    const { customer } = await run("CustomerDetail", { id: customerId });
    expect(customer.payments.map((payment) => [payment.transactionId, payment.amount, payment.license?.id])).toEqual([
      ["txn_dashboard_1", "7.99", issued.license.id],
    ]);

    const { payments } = await run("Payments", { filter: { customerId, status: "completed" } });
    expect(payments.totalCount).toBe(1);
    expect(payments.edges[0].node).toMatchObject({
      amount: "7.99",
      amountCents: 799,
      transactionId: "txn_dashboard_1",
      customer: { email: "payer@example.com" },
      metadata: {},
    });
    expect(payments.edges[0].node.license?.id).toBe(issued.license.id);
  });

  it("answers {} for every empty JSONObject field (Plan.metadata, License.metadata, Payment.metadata, ActivityEntry.details)", async () => {
    // mongoose's `minimize` drops an empty object on save, so the stored document has no such field at all.
    const issued = await issue("empty-json@example.com", "pro");
    await run("RevealLicenseKey", { id: issued.license.id });
    await platform.services.models.Payment.create({
      customer_id: issued.license.customer.id,
      amount_cents: 1,
      currency: "EUR",
      status: PaymentStatus.pending,
      provider: "paddle",
      transaction_id: "txn_empty_json",
    });
    const queries: Array<[string, string, Record<string, unknown>]> = [
      ["Plan.metadata", `{ plan(name: "pro") { metadata } }`, {}],
      ["License.metadata", `query ($id: ID!) { license(id: $id) { metadata } }`, { id: issued.license.id }],
      [
        "Payment.metadata",
        `query ($id: ID!) { payments(filter: { customerId: $id }) { edges { node { metadata } } } }`,
        { id: issued.license.customer.id },
      ],
      [
        "ActivityEntry.details",
        `query ($id: ID!) { activity(filter: { licenseId: $id, action: "license.key_revealed" }) { edges { node { details } } } }`,
        { id: issued.license.id },
      ],
    ];
    const failures: string[] = [];
    for (const [field, query, variables] of queries) {
      const response = await platform.graphql(query, variables, owner);
      if (response.errors)
        failures.push(`${field}: ${response.errors.map((error) => `${String(error.extensions?.code)} ${error.message}`).join("; ")}`);
    }
    expect(failures).toEqual([]);
  });

  it("Admins, CreateAdminToken, RevokeAdminToken", async () => {
    const { createAdminToken } = await run("CreateAdminToken", { input: { name: "support desk", role: "support" } });
    expect(createAdminToken.token).toMatch(/^chk_s_/);
    const { admins } = await run("Admins", {});
    expect(admins.map((admin) => admin.id)).toContain(createAdminToken.admin.id);

    const { revokeAdminToken } = await run("RevokeAdminToken", { id: createAdminToken.admin.id });
    expect(isIsoDate(revokeAdminToken.revokedAt)).toBe(true);
    const refused = await runOperation(platform.graphql.bind(platform), "Viewer", {}, bearer(createAdminToken.token));
    expect(refused.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("ProviderKeys and SetProviderKey", async () => {
    const { setProviderKey } = await run("SetProviderKey", { provider: "openai", apiKey: "sk-dashboard-test-1234" });
    expect(setProviderKey).toMatchObject({ provider: "openai", keyLast4: "1234", isActive: true });
    const { providerKeys } = await run("ProviderKeys", {});
    expect(providerKeys.find((key) => key.provider === "openai")?.keyLast4).toBe("1234");
    expect(JSON.stringify(providerKeys)).not.toMatch(/sk-dashboard/);
  });

  it("PlanImpact, PaymentsLedger, RecordManualPayment, WebhookEvents, RetryWebhookEvent, Notifications, RetryNotification, ActivityLog", async () => {
    const licensed = await issue("ops.pages@example.com", "agency");
    const impact = await run("PlanImpact", { plan: "agency" });
    expect(impact.active.totalCount).toBeGreaterThanOrEqual(1);
    expect(impact.cancelled.totalCount).toBe(0);

    const { recordManualPayment } = await run("RecordManualPayment", {
      input: { customerId: licensed.license.customer.id, licenseId: licensed.license.id, amountCents: 4200, currency: "EUR" },
    });
    expect(recordManualPayment).toMatchObject({ amountCents: 4200, currency: "EUR", status: "completed" });
    const ledger = await run("PaymentsLedger", { filter: { provider: "manual", customerId: licensed.license.customer.id }, first: 5 });
    expect(ledger.payments.edges.map((edge) => edge.node.id)).toEqual([recordManualPayment.id]);
    expect(ledger.paymentTotals).toEqual([expect.objectContaining({ currency: "EUR", grossCents: 4200, netCents: 4200, count: 1 })]);

    const failed = await platform.services.models.WebhookEvent.create({
      event_id: "evt_dashboard_ops_failed",
      event_type: "dashboard.ops_test",
      payload: {},
      status: WebhookEventStatus.failed,
      attempts: 1,
      last_error: "test",
    });
    const events = await run("WebhookEvents", { filter: { status: "failed" }, first: 5 });
    expect(events.webhookEvents.edges.map((edge) => edge.node.eventId)).toContain("evt_dashboard_ops_failed");
    const { retryWebhookEvent } = await run("RetryWebhookEvent", { id: failed._id.toHexString() });
    expect(retryWebhookEvent).toMatchObject({ eventId: "evt_dashboard_ops_failed", status: "pending" });

    const message = await platform.services.models.Notification.create({
      kind: NotificationKind.payment_failed,
      idempotency_key: "dashboard-ops:failing",
      subject: "Dashboard ops test",
      data: {},
      cause: "system",
      webhook: { status: DeliveryStatus.pending, attempts: 1, last_error: "HTTP 500", next_attempt_at: new Date(Date.now() + 3_600_000) },
      email: { status: DeliveryStatus.skipped, attempts: 0 },
    });
    const { notifications } = await run("Notifications", { filter: { failing: true }, first: 5 });
    expect(notifications.edges.map((edge) => edge.node.id)).toEqual([message._id.toHexString()]);
    const { retryNotification } = await run("RetryNotification", { id: message._id.toHexString() });
    expect(retryNotification.webhook.status).toBe("pending");

    const { activity } = await run("ActivityLog", { filter: { licenseId: licensed.license.id }, first: 5 });
    expect(activity.totalCount).toBe(activity.edges.length);
    expect(activity.edges.map((edge) => edge.node.action)).toContain("license.issued");
  });
});
