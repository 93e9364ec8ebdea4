import { createConnection } from "mongoose";
import { createModels } from "../../src/db/models";
import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import { type WebhookEvent } from "../../src/modules/billing/webhook-event.model";
import { retryDelayMs } from "../../src/modules/billing/webhook-processor.service";
import type { Payment } from "../../src/modules/payments/payment.model";
import { createServices } from "../../src/services";
import { PaddleSimulator } from "../support/paddle-simulator";
import { servePlatform, startTestPlatform, testConfig, type TestPlatform } from "../support/platform";
import { expectLicensingInvariants } from "../support/invariants";
import { PRICES } from "./paddle-transaction-events";

export const SECRET = "pdl_ntfset_01ledger_tests_secret";
const ENV = { PADDLE_WEBHOOK_SECRET: SECRET };
export const paddle = new PaddleSimulator(SECRET);

/** A clock the test moves by hand: a failed event's retry falls due only when the test says so. */
export function manualClock(): { clock: () => number; advance(ms: number): void } {
  let now = Date.parse("2030-01-01T00:00:00.000Z");
  return { clock: () => now, advance: (ms) => (now += ms) };
}

/**
 * One or two platform instances on one database (the second shares the first's engine over its own connection, as a
 * second server would), with Paddle prices mapped to plans: pro monthly, and the Founders one-time price.
 */
export class BillingHarness {
  readonly time = manualClock();
  instances: TestPlatform[] = [];

  get platform(): TestPlatform {
    return this.instances[0] as TestPlatform;
  }

  async start(count = 1): Promise<this> {
    const first = await startTestPlatform({ env: ENV, clock: this.time.clock });
    this.instances.push(first);
    for (let n = 1; n < count; n++) {
      const connection = await createConnection(first.db.uri, { dbName: first.db.connection.name, bufferCommands: false }).asPromise();
      const config = testConfig(ENV);
      this.instances.push(
        await servePlatform(
          config,
          { type: "mongodb", uri: first.db.uri, connection, close: () => connection.close() },
          createServices(createModels(connection), config, { clock: this.time.clock }),
        ),
      );
    }
    await first.services.plans.update("pro", { paddle_price_ids: [PRICES.proMonthly] }, SYSTEM_ACTOR);
    await first.services.plans.update("founders", { paddle_price_ids: [PRICES.founders] }, SYSTEM_ACTOR);
    return this;
  }

  async stop(): Promise<void> {
    for (const instance of [...this.instances].reverse()) await instance.stop();
  }

  get models() {
    return this.platform.services.models;
  }

  /** Delivers signed events one after the other to the first instance and waits until every due event is processed. */
  async deliver(...events: object[]): Promise<void> {
    for (const event of events) {
      const answer = await paddle.deliver(this.platform.baseUrl, event);
      expect(answer).toEqual({ status: 200, body: { received: true } });
    }
    await this.drain();
  }

  async drain(): Promise<void> {
    await Promise.all(this.instances.map((instance) => instance.services.webhookProcessor.drain()));
  }

  /** Moves the clock past the backoff of an event that failed `attempts` times, and processes what is then due. */
  async retryAfter(attempts: number): Promise<void> {
    this.time.advance(retryDelayMs(attempts));
    await this.drain();
  }

  async event(eventId: string): Promise<WebhookEvent> {
    const row = await this.models.WebhookEvent.findOne({ event_id: eventId }).lean<WebhookEvent>().exec();
    if (!row) throw new Error(`event ${eventId} not stored`);
    return row;
  }

  payments(transactionId: string): Promise<Payment[]> {
    return this.models.Payment.find({ provider: "paddle", transaction_id: transactionId }).lean<Payment[]>().exec();
  }

  async payment(transactionId: string): Promise<Payment> {
    const rows = await this.payments(transactionId);
    expect(rows).toHaveLength(1);
    return rows[0] as Payment;
  }

  activityCausedBy(eventId: string) {
    return this.models.ActivityLog.find({ "details.cause": eventId }).sort({ _id: 1 }).lean().exec();
  }

  invariants(): Promise<void> {
    return expectLicensingInvariants(this.models);
  }
}
