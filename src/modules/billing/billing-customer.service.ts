import type { Models } from "../../db/models";
import type { Session } from "../../db/transaction";
import { isDuplicateKey } from "../../errors";
import type { ActivityService } from "../activity/activity.service";
import { CustomerStatus, type Customer } from "../customers/customer.model";
import { PADDLE_ACTOR } from "./paddle-actor";
import type { WebhookEvent } from "./webhook-event.model";

/** A webhook that cannot be applied yet (its customer is not known): the event fails and is retried with backoff. */
export class NotYetApplicable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotYetApplicable";
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * Links Paddle customers (`ctm_…`) to the platform's customers. Paddle's subscription and transaction events name
 * only the customer id; the e-mail comes with `customer.created`/`customer.updated` (or in a checkout's
 * `custom_data.email`). A customer is matched by Paddle id first, then by e-mail, and created when neither matches.
 */
export class BillingCustomerService {
  constructor(
    private readonly models: Models,
    private readonly activity: ActivityService,
  ) {}

  /** The handler of `customer.created` and `customer.updated`: records or refreshes the link and the e-mail. */
  async applyCustomerEvent(event: WebhookEvent): Promise<void> {
    const data = dataOf(event);
    const paddleId = stringField(data, "id");
    const email = stringField(data, "email")?.trim().toLowerCase();
    if (!paddleId || !email || !EMAIL.test(email)) throw new Error(`${event.event_type} without a customer id and e-mail`);
    const name = stringField(data, "name") ?? null;
    const linked = await this.models.Customer.findOne({ paddle_customer_id: paddleId }).lean<Customer>().exec();
    if (linked) {
      if (linked.email !== email || (name && linked.name !== name)) {
        await this.models.Customer.updateOne({ _id: linked._id }, { $set: { email, ...(name ? { name } : {}) } }).exec();
        await this.activity.record(PADDLE_ACTOR, {
          action: "customer.updated",
          customerId: linked._id,
          details: { cause: event.event_id, fields: ["email", "name"] },
        });
      }
      return;
    }
    await this.linkOrCreate(paddleId, email, name, event.event_id);
  }

  /**
   * The platform customer of a Paddle customer id. Unknown id: matched or created by `custom_data.email` when the
   * checkout passed one; otherwise NotYetApplicable (its `customer.created` has not been applied yet).
   */
  async resolve(paddleCustomerId: string, customData: unknown, cause: string, session?: Session): Promise<Customer> {
    const linked = await this.models.Customer.findOne({ paddle_customer_id: paddleCustomerId })
      .session(session ?? null)
      .lean<Customer>()
      .exec();
    if (linked) return linked;
    const email = typeof customData === "object" && customData !== null ? (customData as Record<string, unknown>)["email"] : undefined;
    if (typeof email === "string" && EMAIL.test(email.trim())) {
      return this.linkOrCreate(paddleCustomerId, email.trim().toLowerCase(), null, cause, session);
    }
    throw new NotYetApplicable(`Paddle customer ${paddleCustomerId} is not known yet: waiting for its customer.created event`);
  }

  private async linkOrCreate(paddleId: string, email: string, name: string | null, cause: string, session?: Session): Promise<Customer> {
    // An existing customer with that e-mail and no Paddle id yet is linked; one linked to another Paddle id is not
    // taken over (two Paddle customers with one e-mail stay two links to one platform customer's first id).
    const byEmail = await this.models.Customer.findOneAndUpdate(
      { email, $or: [{ paddle_customer_id: null }, { paddle_customer_id: { $exists: false } }, { paddle_customer_id: paddleId }] },
      { $set: { paddle_customer_id: paddleId } },
      { returnDocument: "after", session },
    )
      .lean<Customer>()
      .exec();
    if (byEmail) {
      await this.activity.record(
        PADDLE_ACTOR,
        { action: "customer.linked", customerId: byEmail._id, details: { cause, paddleCustomerId: paddleId } },
        session,
      );
      return byEmail;
    }
    const sameEmail = await this.models.Customer.findOne({ email })
      .session(session ?? null)
      .lean<Customer>()
      .exec();
    if (sameEmail) return sameEmail;
    try {
      const [created] = await this.models.Customer.create([{ email, name, paddle_customer_id: paddleId, status: CustomerStatus.active }], {
        session,
      });
      await this.activity.record(PADDLE_ACTOR, { action: "customer.created", customerId: created._id, details: { cause, email } }, session);
      return created.toObject() as Customer;
    } catch (error) {
      // Two events of one new customer racing: the other created it; take theirs.
      if (!isDuplicateKey(error) || session) throw error;
      const winner = await this.models.Customer.findOne({ email }).lean<Customer>().exec();
      if (!winner) throw error;
      return winner;
    }
  }
}

export function dataOf(event: WebhookEvent): Record<string, unknown> {
  const data = event.payload["data"];
  return typeof data === "object" && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
}

export function stringField(object: Record<string, unknown>, key: string): string | undefined {
  const value = object[key];
  return typeof value === "string" && value.length > 0 ? value : undefined;
}
