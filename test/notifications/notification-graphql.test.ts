import { mongoose } from "@typegoose/typegoose";
import { AdminRole } from "../../src/modules/admins/admin.model";
import { NotificationKind } from "../../src/modules/notifications/notification.model";
import { newCustomer } from "../support/fixtures";
import { startWebhookReceiver, type WebhookReceiver } from "../support/notify-receivers";
import { bearer, startTestPlatform, type TestPlatform } from "../support/platform";
import { licenseIssued, manualClock, WEBHOOK_SECRET } from "./notify-fixtures";

interface Listed {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: Array<{ node: { idempotencyKey: string } }>;
}

const time = manualClock();
let receiver: WebhookReceiver;
let p: TestPlatform;
let admin: Record<string, string>;
const keys = { issued: "", failed: "", usage: "", founders: "" };
const ids = {
  alice: "",
  bob: "",
  aliceLicense: new mongoose.Types.ObjectId().toHexString(),
  bobLicense: new mongoose.Types.ObjectId().toHexString(),
};

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  p = await startTestPlatform({ clock: time.clock, env: { NOTIFY_WEBHOOK_URL: receiver.url, NOTIFY_WEBHOOK_SECRET: WEBHOOK_SECRET } });
  admin = bearer(await p.token(AdminRole.admin));
  const [alice, bob] = [await newCustomer(p), await newCustomer(p)];
  ids.alice = alice._id.toHexString();
  ids.bob = bob._id.toHexString();
  const aliceLicense = new mongoose.Types.ObjectId(ids.aliceLicense);
  const base = { customerId: alice._id, licenseId: aliceLicense, recipientEmail: alice.email };
  const messages = [
    licenseIssued(base),
    { ...licenseIssued(base), kind: NotificationKind.payment_failed, subject: "Your payment failed", secret: undefined },
    {
      ...licenseIssued({ customerId: bob._id, licenseId: new mongoose.Types.ObjectId(ids.bobLicense), recipientEmail: bob.email }),
      kind: NotificationKind.usage_threshold,
      secret: undefined,
    },
    { ...licenseIssued({ recipientEmail: null }), kind: NotificationKind.founders_almost_sold_out, secret: undefined },
  ];
  // Written one by one: the list is newest first, by id.
  for (const message of messages) await p.services.notifications.enqueue(message);
  [keys.issued, keys.failed, keys.usage, keys.founders] = messages.map((message) => message.idempotencyKey);
  // The payment_failed message's receiver fails: it stays pending (the clock never reaches its retry).
  receiver.failing.add(keys.failed);
  await p.services.notificationDelivery.drain();
});
afterAll(async () => {
  await p.stop();
  await receiver.close();
});

const LIST = `query($filter: NotificationFilterInput, $first: Int, $after: String) {
  notifications(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { idempotencyKey } }
  }
}`;

async function list(filter: Record<string, unknown> | null, page: { first?: number; after?: string } = {}): Promise<Listed> {
  const answer = await p.graphql<{ notifications: Listed }>(LIST, { filter, ...page }, admin);
  if (!answer.data) throw new Error(JSON.stringify(answer.errors));
  return answer.data.notifications;
}
const keysIn = (listed: Listed): string[] => listed.edges.map((edge) => edge.node.idempotencyKey);

describe("GraphQL notifications: filters, pages, rights", () => {
  it("lists newest first, and filters by kind, customer, license and delivery status (either channel)", async () => {
    expect(keysIn(await list(null))).toEqual([keys.founders, keys.usage, keys.failed, keys.issued]);
    expect(keysIn(await list({ kind: "license_issued" }))).toEqual([keys.issued]);
    expect(keysIn(await list({ customerId: ids.alice }))).toEqual([keys.failed, keys.issued]);
    expect(keysIn(await list({ licenseId: ids.bobLicense }))).toEqual([keys.usage]);
    expect(keysIn(await list({ status: "pending" }))).toEqual([keys.failed]);
    expect(keysIn(await list({ status: "delivered" }))).toEqual([keys.founders, keys.usage, keys.issued]);
    // No SMTP_URL: every e-mail is skipped.
    expect((await list({ status: "skipped" })).totalCount).toBe(4);
    expect(keysIn(await list({ customerId: ids.alice, status: "delivered" }))).toEqual([keys.issued]);
    expect(keysIn(await list({ customerId: ids.bob, kind: "payment_failed" }))).toEqual([]);
  });

  it("pages with first/after and counts all matches", async () => {
    const first = await list(null, { first: 3 });
    expect(first).toMatchObject({ totalCount: 4, pageInfo: { hasNextPage: true } });
    expect(keysIn(first)).toEqual([keys.founders, keys.usage, keys.failed]);
    const second = await list(null, { first: 3, after: first.pageInfo.endCursor ?? "" });
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(keysIn(second)).toEqual([keys.issued]);
  });

  it("answers bad input with a clear error", async () => {
    const errorOf = async (variables: Record<string, unknown>) => (await p.graphql(LIST, variables, admin)).errors?.[0];
    expect(await errorOf({ filter: { customerId: "alice" } })).toMatchObject({
      message: "filter.customerId is not a valid id",
      extensions: { code: "BAD_USER_INPUT" },
    });
    expect(await errorOf({ first: 0 })).toMatchObject({
      message: "first must be between 1 and 100",
      extensions: { code: "BAD_USER_INPUT" },
    });
    expect(await errorOf({ after: "not-a-cursor" })).toMatchObject({ extensions: { code: "BAD_USER_INPUT" } });
    expect(await errorOf({ filter: { kind: "invoice_sent" } })).toMatchObject({ extensions: { code: "BAD_USER_INPUT" } });
  });

  it("is for owners and admins only", async () => {
    for (const role of [AdminRole.readonly, AdminRole.support]) {
      const answer = await p.graphql(LIST, {}, bearer(await p.token(role)));
      expect(answer.errors?.[0]).toMatchObject({ extensions: { code: "FORBIDDEN" } });
      expect(answer.data?.notifications ?? null).toBeNull();
    }
    expect((await p.graphql(LIST, {})).errors?.[0]).toMatchObject({ extensions: { code: "UNAUTHENTICATED" } });
    expect((await p.graphql(LIST, {}, bearer(await p.token(AdminRole.owner)))).data).toBeDefined();
  });

  it("has no field that could show a secret", async () => {
    const answer = await p.graphql<{ __type: { fields: Array<{ name: string }> } }>(
      `{ __type(name: "Notification") { fields { name } } }`,
      {},
      admin,
    );
    expect(answer.data?.__type.fields.map((field) => field.name).sort()).toEqual(
      [
        "cause",
        "createdAt",
        "customerId",
        "data",
        "email",
        "id",
        "idempotencyKey",
        "kind",
        "licenseId",
        "recipientEmail",
        "subject",
        "updatedAt",
        "webhook",
      ].sort(),
    );
    const delivery = await p.graphql<{ __type: { fields: Array<{ name: string }> } }>(
      `{ __type(name: "NotificationDelivery") { fields { name } } }`,
      {},
      admin,
    );
    expect(delivery.data?.__type.fields.map((field) => field.name).sort()).toEqual([
      "attempts",
      "deliveredAt",
      "lastError",
      "nextAttemptAt",
      "status",
    ]);
  });
});
