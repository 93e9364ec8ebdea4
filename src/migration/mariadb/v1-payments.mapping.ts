import { CANONICAL_FIELDS } from "../target-canonical";
import { PaymentStatus } from "../../modules/payments/payment.model";
import type { TableSource } from "../migration.pass";
import { maskRow, pick, RowProblems, v1Id, v1TableSource, type MappedBatch, type V1Context } from "./v1.context";
import { decimalToCents, jsonObject, sourceId } from "./v1.values";

const STATUSES = new Set<string>(Object.values(PaymentStatus));
const FIELDS = CANONICAL_FIELDS.payments;

/**
 * Payments, amounts in integer cents (exactly: the DECIMAL's text, never a float). The platform keys a payment by
 * (provider, transaction_id), which v1 left optional: a missing provider is "v1", a missing transaction id
 * "v1-payment-<id>". A payment whose customer is gone is skipped; one whose license is gone keeps its customer.
 */
export function v1PaymentsSource(ctx: V1Context): TableSource {
  return v1TableSource(ctx, {
    table: "payments",
    collection: "payments",
    appendOnly: false,
    canonical: (document) => pick(document, FIELDS),
    async map(rows): Promise<MappedBatch> {
      const batch: MappedBatch = { records: [], skipped: [], merged: 0 };
      for (const row of rows) {
        const problems = new RowProblems(ctx, "payments", row);
        const customerId = ctx.customers.get(sourceId(row.customer_id));
        const amount = decimalToCents(row.amount as string | null);
        if (!customerId || !amount.ok) {
          const why = !customerId
            ? `its customer #${String(row.customer_id)} does not exist`
            : `amount: ${amount.ok ? "" : amount.problem}`;
          problems.add(!customerId ? "orphan" : "amount", "skipped", why);
          batch.skipped.push(problems.id);
          continue;
        }
        const licenseId = row.license_id === null ? null : (ctx.licenses.get(sourceId(row.license_id)) ?? null);
        if (licenseId === null)
          problems.add("orphan", "imported", `its license #${String(row.license_id)} does not exist: imported without a license`);
        let currency = problems.text("currency");
        if (currency === null) {
          problems.add("null_required", "imported", "currency NULL: imported as EUR (v1's default)");
          currency = "EUR";
        }
        let status = problems.text("status");
        if (status === null || !STATUSES.has(status)) {
          problems.add("null_required", "imported", `status ${JSON.stringify(status)}: imported as pending (v1's default)`);
          status = PaymentStatus.pending;
        }
        const metadata = jsonObject(problems.text("metadata"));
        if (!metadata.ok) problems.add("invalid_json", "imported", `metadata: ${metadata.problem}; its text is kept as metadata.v1_raw`);
        const fields: Record<string, unknown> = {
          customer_id: customerId,
          license_id: licenseId,
          amount_cents: amount.value,
          currency,
          status,
          provider: problems.text("provider") ?? "v1",
          transaction_id: problems.text("transaction_id") ?? `v1-payment-${problems.id}`,
          payment_method: problems.text("payment_method"),
          metadata: metadata.ok ? metadata.value : metadata.raw,
          created_at: problems.date("created_at"),
          updated_at: problems.date("updated_at"),
        };
        batch.records.push({ sourceId: problems.id, targetId: v1Id("payments", problems.id), fields, row: maskRow(row) });
      }
      return batch;
    },
  });
}
