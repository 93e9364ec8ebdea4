import { CANONICAL_FIELDS } from "../target-canonical";
import { PaymentStatus } from "../../modules/payments/payment.model";
import type { TableSource } from "../migration.pass";
import { DocumentProblems, maskDocument, pick, v2CollectionSource, type MappedBatch, type V2Context } from "./v2.context";
import { moneyUnits, plainObject } from "./v2.values";

const STATUSES = new Set<string>(Object.values(PaymentStatus));
const FIELDS = CANONICAL_FIELDS.payments;

/**
 * Payments (v2 declared the collection but its code never wrote it: what is there came from scripts), amounts in
 * integer cents. The rules are v1's: a missing provider is "v2", a missing transaction id "v2-payment-<id>"; a
 * payment whose customer is not imported is skipped, one whose license is not keeps its customer.
 */
export function v2PaymentsSource(ctx: V2Context): TableSource {
  return v2CollectionSource(ctx, {
    collection: "payments",
    into: "payments",
    appendOnly: false,
    canonical: (document) => pick(document, FIELDS),
    map(documents): Promise<MappedBatch> {
      const batch: MappedBatch = { records: [], skipped: [], merged: 0 };
      for (const document of documents) {
        const problems = new DocumentProblems(ctx, "payments", document);
        const customer = problems.reference("customer_id", ctx.customers);
        const amount = moneyUnits(document.amount, 2);
        if (!customer.id || !amount.ok || amount.value === null) {
          if (!customer.id) problems.add("orphan", "skipped", customer.what);
          else problems.add("amount", "skipped", `amount: ${amount.ok ? "missing" : amount.problem}`);
          batch.skipped.push(problems.id);
          continue;
        }
        if (amount.note !== undefined)
          problems.add("invalid_value", "imported", `amount: ${amount.note}; imported as ${amount.value} cents`);
        const license = problems.reference("license_id", ctx.licenses);
        if (!license.id && !license.absent) problems.add("orphan", "imported", `${license.what}: imported without a license`);
        let currency = problems.text("currency");
        if (currency === null) {
          problems.add("null_required", "imported", "no currency: imported as EUR (v2's default)");
          currency = "EUR";
        }
        let status = problems.text("status");
        if (status === null || !STATUSES.has(status)) {
          problems.add("null_required", "imported", `status ${JSON.stringify(status)}: imported as pending (v2's default)`);
          status = PaymentStatus.pending;
        }
        const fields: Record<string, unknown> = {
          customer_id: customer.id,
          license_id: license.id,
          amount_cents: amount.value,
          currency,
          status,
          provider: problems.text("provider") ?? "v2",
          transaction_id: problems.text("transaction_id") ?? `v2-payment-${problems.id}`,
          payment_method: problems.text("payment_method"),
          metadata: problems.read("metadata", plainObject(document.metadata), {
            value: { v2_raw: document.metadata },
            says: "kept as metadata.v2_raw",
          }),
          created_at: problems.date("created_at"),
          updated_at: problems.date("updated_at"),
        };
        batch.records.push({ sourceId: problems.id, targetId: document._id, fields, row: maskDocument(document) });
      }
      return Promise.resolve(batch);
    },
  });
}
