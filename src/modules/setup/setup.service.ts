import type { mongoose } from "@typegoose/typegoose";
import type { Models } from "../../db/models";
import { ensureIndexes } from "../../db/models";
import type { Services } from "../../services";
import type { CounterRepairs } from "../licenses/license-counters.service";
import { includesAi } from "../plans/plan.policy";
import { SYSTEM_ACTOR } from "../activity/activity.service";
import { PaymentStatus } from "../payments/payment.model";
import { UsageStatus } from "../usage/usage-log.model";
import { monthWindow, startOfNextMonth } from "../usage/usage-windows";

export interface DemoLicense {
  plan: string;
  email: string;
  key: string;
}

const DEMO_CUSTOMERS = [
  { email: "maria.rossi@example.com", name: "Maria Rossi", company: "Rossi Design", country: "IT", plan: "starter" },
  { email: "luca.bianchi@example.com", name: "Luca Bianchi", company: "Bianchi Web Studio", country: "IT", plan: "pro" },
  { email: "sofia@pixelagency.example", name: "Sofia Conti", company: "Pixel Agency", country: "DE", plan: "agency" },
  { email: "early.bird@example.org", name: "Marco Ferri", company: null, country: "FR", plan: "founders" },
];

/** What `setup init` and `setup sample` do, shared by the CLI and the first boot of an empty embedded database. */
export class SetupService {
  constructor(private readonly services: Services) {}

  private get models(): Models {
    return this.services.models;
  }

  /** Indexes, the contract's plans, and counters repaired where they disagree with their records; idempotent. */
  async init(): Promise<{ plansInserted: string[]; countersRepaired: CounterRepairs }> {
    await ensureIndexes(this.models);
    const { inserted } = await this.services.plans.seed();
    const countersRepaired = await this.services.licenseCounters.reconcile();
    return { plansInserted: inserted, countersRepaired };
  }

  /** No plans, customers or licenses at all: a database nobody has used yet. */
  async isEmpty(): Promise<boolean> {
    const counts = await Promise.all(
      [this.models.Plan, this.models.Customer, this.models.License].map((model) => model.estimatedDocumentCount().exec()),
    );
    return counts.every((count) => count === 0);
  }

  /**
   * Demo data: a customer and a license on every plan, a payment each, some AI usage this month and one site.
   * Running it again adds nothing: existing demo customers are reused and their keys revealed.
   */
  async sample(): Promise<{ licenses: DemoLicense[] }> {
    const licenses: DemoLicense[] = [];
    for (const demo of DEMO_CUSTOMERS) {
      const existing = await this.models.Customer.findOne({ email: demo.email }).lean().exec();
      const customer =
        existing ??
        (await this.services.customers.create(
          { email: demo.email, name: demo.name, company: demo.company, country: demo.country },
          SYSTEM_ACTOR,
        ));
      const current = await this.models.License.findOne({ customer_id: customer._id }).lean().exec();
      if (current) {
        licenses.push({ plan: demo.plan, email: demo.email, key: this.services.secrets.decrypt(current.key_encrypted) });
        continue;
      }
      const { key, license } = await this.services.licenses.issue(
        { customerId: customer._id, plan: demo.plan, metadata: { demo: true } },
        SYSTEM_ACTOR,
      );
      licenses.push({ plan: demo.plan, email: demo.email, key });
      const plan = await this.services.plans.byName(demo.plan);
      await this.models.Payment.create({
        customer_id: customer._id,
        license_id: license._id,
        amount_cents: plan.price_cents,
        currency: "EUR",
        status: PaymentStatus.completed,
        provider: "demo",
        transaction_id: `demo-${license._id.toHexString()}`,
      });
      const site = `https://www.${demo.company?.toLowerCase().replace(/[^a-z]+/g, "") || "example"}.example/`;
      await this.services.activations.activate(license, plan, site, SYSTEM_ACTOR);
      if (includesAi(plan)) await this.addDemoUsage(license._id);
    }
    return { licenses };
  }

  /** A few provider calls this month, written the way the AI proxy writes them: logs plus the month's counter. */
  private async addDemoUsage(licenseId: mongoose.Types.ObjectId): Promise<void> {
    const now = new Date();
    const calls = [
      { provider: "openai", model: "gpt-4o-mini", prompt_tokens: 420, completion_tokens: 180 },
      { provider: "anthropic", model: "claude-3-haiku-20240307", prompt_tokens: 610, completion_tokens: 240 },
      { provider: "deepseek", model: "deepseek-chat", prompt_tokens: 300, completion_tokens: 90 },
    ];
    let tokens = 0;
    let cost = 0;
    let responseTime = 0;
    for (const [i, call] of calls.entries()) {
      const used = call.prompt_tokens + call.completion_tokens;
      const costMicros = Math.round((used / 1000) * 1500);
      tokens += used;
      cost += costMicros;
      responseTime += 800 + i * 150;
      await this.models.UsageLog.create({
        license_id: licenseId,
        endpoint: `/api/chat/${call.provider}`,
        ...call,
        tokens_used: used,
        cost_micros: costMicros,
        response_time_ms: 800 + i * 150,
        status: UsageStatus.ok,
        site: null,
        created_at: new Date(now.getTime() - (i + 1) * 3_600_000),
      });
    }
    await this.models.UsageCounter.updateOne(
      { license_id: licenseId, window: monthWindow(now) },
      {
        $inc: { requests: calls.length, calls: calls.length, tokens, cost_micros: cost, response_time_ms: responseTime },
        $setOnInsert: { reserved_micros: 0, expires_at: startOfNextMonth(now) },
      },
      { upsert: true },
    ).exec();
  }
}
