import { createConnection } from "mongoose";
import { AdminRole } from "../../src/modules/admins/admin.model";
import { createModels } from "../../src/db/models";
import { WebhookEventStatus, type WebhookEvent } from "../../src/modules/billing/webhook-event.model";
import { retryDelayMs } from "../../src/modules/billing/webhook-processor.service";
import { createServices } from "../../src/services";
import { bearer, servePlatform, startTestPlatform, testConfig, type TestPlatform } from "../support/platform";
import { PaddleSimulator, paddleSignature } from "../support/paddle-simulator";
import { subscriptionCreated, subscriptionUpdated, transactionCompleted, unknownEvent } from "./paddle-events";

const SECRET = "pdl_ntfset_01current_secret_for_tests";
const PREVIOUS_SECRET = "pdl_ntfset_01previous_secret_for_tests";
const ENV = { PADDLE_WEBHOOK_SECRET: SECRET, PADDLE_WEBHOOK_SECRET_PREVIOUS: PREVIOUS_SECRET };
const INVALID_SIGNATURE = { error: "Invalid signature", code: "INVALID_SIGNATURE" };
const paddle = new PaddleSimulator(SECRET);

/** A clock the test moves by hand: retries fall due only when the test says the time has come. */
function manualClock(): { clock: () => number; advance(ms: number): void } {
  let now = Date.parse("2030-01-01T00:00:00.000Z");
  return { clock: () => now, advance: (ms) => (now += ms) };
}

function stored(platform: TestPlatform, eventId?: string): Promise<WebhookEvent[]> {
  return platform.services.models.WebhookEvent.find(eventId === undefined ? {} : { event_id: eventId })
    .lean<WebhookEvent[]>()
    .exec();
}

describe("POST /webhooks/paddle: intake, processing and order", () => {
  let platform: TestPlatform;
  const time = manualClock();
  const calls: Array<{ type: string; eventId: string; status: unknown }> = [];
  let failuresLeft = 0;

  beforeAll(async () => {
    // The test runs the webhook worker itself (drain) on its hand-moved clock; the platform's timer would race it.
    platform = await startTestPlatform({ env: ENV, clock: time.clock, backgroundWork: false });
    const record = async (event: WebhookEvent): Promise<void> => {
      calls.push({ type: event.event_type, eventId: event.event_id, status: (event.payload["data"] as { status?: unknown }).status });
    };
    platform.services.webhookProcessor.handlers
      .register("subscription.created", record)
      .register("subscription.updated", record)
      .register("transaction.completed", async (event) => {
        await record(event);
        if (failuresLeft > 0) {
          failuresLeft--;
          throw new Error(`ledger unavailable (${failuresLeft} more failures)`);
        }
      });
  });
  afterAll(() => platform.stop());
  const drain = (): Promise<void> => platform.services.webhookProcessor.drain();
  const callsOf = (eventId: string) => calls.filter((call) => call.eventId === eventId);

  it("stores a signed event once, answers 200, and processes it once however often Paddle delivers it", async () => {
    const event = subscriptionCreated();
    for (let delivery = 0; delivery < 3; delivery++) {
      expect(await paddle.deliver(platform.baseUrl, event)).toEqual({ status: 200, body: { received: true } });
    }
    // A replay through Paddle's API: same event id, new notification id.
    expect((await paddle.deliver(platform.baseUrl, { ...event, notification_id: "ntf_replayed" })).status).toBe(200);
    await drain();
    const rows = await stored(platform, event.event_id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      provider: "paddle",
      event_type: "subscription.created",
      occurred_at: new Date(event.occurred_at),
      notification_id: event.notification_id,
      group_key: event.data.id,
      status: WebhookEventStatus.processed,
      attempts: 1,
      payload: event,
    });
    expect(callsOf(event.event_id)).toHaveLength(1);
  });

  it("refuses a bad, missing or stale signature, or an altered body, with 401, and stores nothing", async () => {
    const before = (await stored(platform)).length;
    const body = JSON.stringify(subscriptionCreated({ eventId: "evt_forged_000000000000000001" }));
    const now = Math.floor(Date.now() / 1000);
    const refused = [
      await paddle.deliverRaw(platform.baseUrl, body, paddleSignature(body, "pdl_ntfset_someone_elses_secret")),
      await paddle.deliverRaw(platform.baseUrl, body.replace('"quantity":10', '"quantity":99'), paddleSignature(body, SECRET)),
      await paddle.deliverRaw(platform.baseUrl, body, undefined),
      await paddle.deliverRaw(platform.baseUrl, body, ""),
      await paddle.deliverRaw(platform.baseUrl, body, `ts=${now}`),
      await paddle.deliverRaw(platform.baseUrl, body, paddleSignature(body, SECRET, now).replace(/h1=./, "h1=0")),
      // Outside the SDK's 5 s tolerance: a captured request replayed a minute later.
      await paddle.deliverRaw(platform.baseUrl, body, paddleSignature(body, SECRET, now - 60)),
    ];
    for (const answer of refused) expect(answer).toEqual({ status: 401, body: INVALID_SIGNATURE });
    expect(await stored(platform)).toHaveLength(before);
  });

  it("verifies the exact bytes received (a pretty-printed body), and keeps the other routes' JSON parsing", async () => {
    const event = subscriptionCreated({ eventId: "evt_pretty_00000000000000001", subscriptionId: "sub_pretty" });
    const body = JSON.stringify(event, null, 2);
    expect((await paddle.deliverRaw(platform.baseUrl, body, paddleSignature(body, SECRET))).status).toBe(200);
    expect((await stored(platform, event.event_id))[0]?.payload).toEqual(event);
    const viewer = await platform.graphql<{ viewer: { kind: string } }>("query { viewer { kind } }");
    expect(viewer.data).toEqual({ viewer: { kind: "anonymous" } });
  });

  it("refuses a body over 1 MiB with 413 and other methods with 405, storing nothing", async () => {
    const before = (await stored(platform)).length;
    const huge = JSON.stringify({ ...subscriptionCreated({ eventId: "evt_huge" }), padding: "x".repeat(1024 * 1024) });
    const tooLarge = await paddle.deliverRaw(platform.baseUrl, huge, paddleSignature(huge, SECRET));
    expect(tooLarge).toEqual({ status: 413, body: { error: "Request body too large", code: "INVALID_INPUT" } });
    const get = await fetch(`${platform.baseUrl}/webhooks/paddle`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST, OPTIONS");
    expect(await stored(platform)).toHaveLength(before);
  });

  it("accepts events signed with the previous secret while the secret is being rotated", async () => {
    const event = subscriptionCreated({ eventId: "evt_rotated_0000000000000001", subscriptionId: "sub_rotated" });
    expect((await paddle.deliver(platform.baseUrl, event, { secret: PREVIOUS_SECRET })).status).toBe(200);
    expect(await stored(platform, event.event_id)).toHaveLength(1);
  });

  it("answers 400 to a correctly signed body that is not a Paddle event, and stores nothing", async () => {
    const before = (await stored(platform)).length;
    for (const body of ['{"event_id": "evt_x", "event_type": ', "[1,2]", '{"event_type":"subscription.created"}', '{"event_id":"evt_y"}']) {
      const answer = await paddle.deliverRaw(platform.baseUrl, body, paddleSignature(body, SECRET));
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code: "INVALID_INPUT" });
    }
    expect(await stored(platform)).toHaveLength(before);
  });

  it("stores an event of a type it has no handler for, answers 200 and marks it ignored", async () => {
    const event = unknownEvent();
    expect(await paddle.deliver(platform.baseUrl, event)).toEqual({ status: 200, body: { received: true } });
    await drain();
    const [row] = await stored(platform, event.event_id);
    expect(row).toMatchObject({ status: WebhookEventStatus.ignored, note: "no handler for this event type", payload: event });
  });

  it("retries a failing handler with backoff, shows the error in GraphQL meanwhile, and processes it once it succeeds", async () => {
    const event = transactionCompleted();
    failuresLeft = 2;
    const admin = bearer(await platform.token(AdminRole.admin));
    const query = `query { webhookEvents(filter: {eventType: "transaction.completed"}) {
      edges { node { id eventId eventType occurredAt status attempts lastError nextAttemptAt processedAt } } } }`;
    const nodeNow = async () => {
      const answer = await platform.graphql<{ webhookEvents: { edges: Array<{ node: Record<string, unknown> }> } }>(query, {}, admin);
      expect(answer.errors).toBeUndefined();
      return answer.data!.webhookEvents.edges[0]!.node;
    };

    expect((await paddle.deliver(platform.baseUrl, event)).status).toBe(200);
    await drain();
    expect(await nodeNow()).toMatchObject({
      eventId: event.event_id,
      status: "failed",
      attempts: 1,
      lastError: "ledger unavailable (1 more failures)",
      nextAttemptAt: new Date(time.clock() + retryDelayMs(1)).toISOString(),
      processedAt: null,
    });
    await drain(); // not due yet: nothing happens
    expect(callsOf(event.event_id)).toHaveLength(1);

    time.advance(retryDelayMs(1));
    await drain();
    expect(await nodeNow()).toMatchObject({
      status: "failed",
      attempts: 2,
      lastError: "ledger unavailable (0 more failures)",
      nextAttemptAt: new Date(time.clock() + retryDelayMs(2)).toISOString(),
    });
    expect(retryDelayMs(2)).toBe(2 * retryDelayMs(1));

    time.advance(retryDelayMs(2));
    await drain();
    expect(await nodeNow()).toMatchObject({
      status: "processed",
      attempts: 3,
      nextAttemptAt: null,
      processedAt: new Date(time.clock()).toISOString(),
    });
    expect(callsOf(event.event_id)).toHaveLength(3);
  });

  it("never applies an older event of a subscription after a newer one", async () => {
    const subscriptionId = "sub_out_of_order";
    const canceled = subscriptionUpdated({
      eventId: "evt_ooo_2",
      occurredAt: "2024-03-02T00:00:00.000Z",
      status: "canceled",
      subscriptionId,
    });
    const lateActive = subscriptionUpdated({
      eventId: "evt_ooo_1",
      occurredAt: "2024-03-01T00:00:00.000Z",
      status: "active",
      subscriptionId,
    });
    const resumed = subscriptionUpdated({ eventId: "evt_ooo_3", occurredAt: "2024-03-03T00:00:00.000Z", status: "active", subscriptionId });
    for (const event of [canceled, lateActive, resumed]) {
      expect((await paddle.deliver(platform.baseUrl, event)).status).toBe(200);
      await drain();
    }
    expect(calls.filter((call) => call.eventId.startsWith("evt_ooo_")).map((call) => [call.eventId, call.status])).toEqual([
      ["evt_ooo_2", "canceled"],
      ["evt_ooo_3", "active"],
    ]);
    const [late] = await stored(platform, lateActive.event_id);
    expect(late).toMatchObject({
      status: WebhookEventStatus.ignored,
      note: `superseded: a newer event for ${subscriptionId} was already applied`,
    });
    const state = await platform.services.models.BillingSubscription.findOne({ key: subscriptionId }).lean().exec();
    expect(state).toMatchObject({ last_occurred_at: new Date(resumed.occurred_at), last_event_id: resumed.event_id });
  });

  it("takes over an event whose instance stopped mid-processing, once that instance's lease has run out", async () => {
    const event = subscriptionCreated({ eventId: "evt_orphaned_0000000000000001", subscriptionId: "sub_orphaned" });
    await platform.services.models.WebhookEvent.create({
      event_id: event.event_id,
      event_type: event.event_type,
      occurred_at: new Date(event.occurred_at),
      group_key: event.data.id,
      payload: event,
      status: WebhookEventStatus.processing,
      attempts: 1,
      lease_owner: "stopped-instance",
      lease_until: new Date(time.clock() + 1000),
    });
    await drain(); // the lease still holds: not taken
    expect(callsOf(event.event_id)).toHaveLength(0);
    time.advance(1001);
    await drain();
    expect(callsOf(event.event_id)).toHaveLength(1);
    expect((await stored(platform, event.event_id))[0]).toMatchObject({
      status: WebhookEventStatus.processed,
      attempts: 2,
      lease_owner: null,
    });
  });

  it("lets readers list events but only owners and admins see payloads or retry", async () => {
    const readonly = bearer(await platform.token(AdminRole.readonly));
    const list = await platform.graphql<{ webhookEvents: { edges: Array<{ node: { id: string; status: string } }> } }>(
      "query { webhookEvents(filter: {status: processed}, first: 2) { edges { node { id status } } } }",
      {},
      readonly,
    );
    expect(list.errors).toBeUndefined();
    expect(list.data!.webhookEvents.edges.map((edge) => edge.node.status)).toEqual(["processed", "processed"]);
    const id = list.data!.webhookEvents.edges[0]!.node.id;
    const payload = await platform.graphql("query { webhookEvents(first: 1) { edges { node { payload } } } }", {}, readonly);
    expect(payload.errors?.[0]?.extensions?.["code"]).toBe("FORBIDDEN");
    const retryAsReader = await platform.graphql(`mutation { retryWebhookEvent(id: "${id}") { status } }`, {}, readonly);
    expect(retryAsReader.errors?.[0]?.extensions?.["code"]).toBe("FORBIDDEN");

    const admin = bearer(await platform.token(AdminRole.admin));
    const retryProcessed = await platform.graphql(`mutation { retryWebhookEvent(id: "${id}") { status } }`, {}, admin);
    expect(retryProcessed.errors?.[0]?.extensions?.["code"]).toBe("CONFLICT");
  });

  it("puts a failed event back in line with retryWebhookEvent, without waiting for its backoff", async () => {
    const event = transactionCompleted();
    const second = { ...event, event_id: "evt_retry_by_admin_00000001", data: { ...event.data, id: "txn_retry_by_admin" } };
    failuresLeft = 1;
    await paddle.deliver(platform.baseUrl, second);
    await drain();
    const [failed] = await stored(platform, second.event_id);
    expect(failed?.status).toBe(WebhookEventStatus.failed);
    const admin = bearer(await platform.token(AdminRole.admin));
    const retried = await platform.graphql<{ retryWebhookEvent: { status: string } }>(
      `mutation { retryWebhookEvent(id: "${failed!._id.toHexString()}") { status attempts } }`,
      {},
      admin,
    );
    expect(retried.errors).toBeUndefined();
    expect(retried.data!.retryWebhookEvent).toEqual({ status: "pending", attempts: 1 });
    await drain();
    expect((await stored(platform, second.event_id))[0]).toMatchObject({ status: WebhookEventStatus.processed, attempts: 2 });
  });
});

describe("POST /webhooks/paddle on two instances sharing one database", () => {
  let first: TestPlatform;
  let second: TestPlatform;
  const calls: string[] = [];

  beforeAll(async () => {
    first = await startTestPlatform({ env: ENV });
    const connection = await createConnection(first.db.uri, { dbName: first.db.connection.name, bufferCommands: false }).asPromise();
    const config = testConfig(ENV);
    second = await servePlatform(
      config,
      { type: "mongodb", uri: first.db.uri, connection, close: () => connection.close() },
      createServices(createModels(connection), config),
    );
    for (const instance of [first, second]) {
      instance.services.webhookProcessor.handlers.register("subscription.created", async (event) => {
        calls.push(event.event_id);
      });
    }
  });
  afterAll(async () => {
    await second.stop();
    await first.stop();
  });

  it("processes an event delivered to both at once exactly once", async () => {
    const event = subscriptionCreated({ eventId: "evt_concurrent_000000000001", subscriptionId: "sub_concurrent" });
    const deliveries = Array.from({ length: 10 }, (_, n) => paddle.deliver((n % 2 === 0 ? first : second).baseUrl, event));
    for (const answer of await Promise.all(deliveries)) expect(answer).toEqual({ status: 200, body: { received: true } });
    await Promise.all([first.services.webhookProcessor.drain(), second.services.webhookProcessor.drain()]);
    expect(await stored(first, event.event_id)).toHaveLength(1);
    expect((await stored(second, event.event_id))[0]).toMatchObject({ status: WebhookEventStatus.processed, attempts: 1 });
    expect(calls).toEqual([event.event_id]);
  });
});

describe("POST /webhooks/paddle without a secret configured", () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({ seed: false });
  });
  afterAll(() => platform.stop());

  it("answers 503 and stores nothing, even for a signed event", async () => {
    const answer = await paddle.deliver(platform.baseUrl, subscriptionCreated());
    expect(answer).toEqual({ status: 503, body: { error: "Paddle webhooks are not configured", code: "NOT_CONFIGURED" } });
    expect(await stored(platform)).toHaveLength(0);
  });
});
