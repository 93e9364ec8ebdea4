import { CustomerStatus } from "../../modules/customers/customer.model";
import type { TableSource } from "../migration.pass";
import { maskRow, pick, resolveIds, RowProblems, v1Id, v1TableSource, type MappedBatch, type V1Context } from "./v1.context";
import { sourceId } from "./v1.values";

const FIELDS = [
  "email",
  "name",
  "company",
  "notes",
  "phone",
  "address",
  "country",
  "status",
  "stripe_customer_id",
  "paypal_customer_id",
  "created_at",
  "updated_at",
] as const;

const STATUSES = new Set<string>(Object.values(CustomerStatus));

export const normaliseEmail = (email: unknown): string =>
  String(email ?? "")
    .trim()
    .toLowerCase();

/**
 * Customers are one per lower-cased email. v1's unique index compared emails case-insensitively only under a
 * case-insensitive collation, so a copy may hold "Ann@x.io" and "ann@x.io": the lowest id keeps the customer, the
 * others are merged into it (their licenses and payments follow) and reported.
 */
export function v1CustomersSource(ctx: V1Context): TableSource {
  let winners: Map<string, number> | undefined;
  const loadWinners = async (): Promise<Map<string, number>> => {
    if (winners) return winners;
    winners = new Map();
    for (const row of await ctx.source.query("SELECT id, email FROM customers ORDER BY id")) {
      const email = normaliseEmail(row.email);
      if (!winners.has(email)) winners.set(email, sourceId(row.id));
    }
    return winners;
  };

  return v1TableSource(ctx, {
    table: "customers",
    collection: "customers",
    appendOnly: false,
    canonical: (document) => pick(document, FIELDS),
    async map(rows): Promise<MappedBatch> {
      const first = await loadWinners();
      const batch: MappedBatch = { records: [], skipped: [], merged: 0 };
      const own = rows.filter((row) => first.get(normaliseEmail(row.email)) === sourceId(row.id));
      const ids = await resolveIds(
        ctx,
        "customers",
        "email",
        own.map((row) => ({ legacyId: v1Id("customers", sourceId(row.id)), key: normaliseEmail(row.email) })),
      );
      own.forEach((row, i) => {
        const problems = new RowProblems(ctx, "customers", row);
        const targetId = ids[i] ?? v1Id("customers", problems.id);
        let status = problems.text("status");
        if (status === null || !STATUSES.has(status)) {
          problems.add(
            "null_required",
            "imported",
            `status ${JSON.stringify(status)}: imported as active (v1 never checked a customer's status)`,
          );
          status = CustomerStatus.active;
        }
        const fields: Record<string, unknown> = {
          email: normaliseEmail(row.email),
          name: problems.text("name"),
          company: problems.text("company"),
          notes: problems.text("notes"),
          phone: problems.text("phone"),
          address: problems.text("address"),
          country: problems.text("country"),
          status,
          stripe_customer_id: problems.text("stripe_customer_id"),
          paypal_customer_id: problems.text("paypal_customer_id"),
          created_at: problems.date("created_at"),
          updated_at: problems.date("updated_at"),
        };
        ctx.customers.set(problems.id, targetId);
        batch.records.push({ sourceId: problems.id, targetId, fields, row: maskRow(row) });
      });
      for (const row of rows) {
        const winner = first.get(normaliseEmail(row.email)) as number;
        if (winner === sourceId(row.id)) continue;
        const problems = new RowProblems(ctx, "customers", row);
        const merged = ctx.customers.get(winner);
        if (merged) ctx.customers.set(problems.id, merged);
        problems.add("duplicate_email", "merged", `same email as customer #${winner} but for case: merged into it`);
        batch.skipped.push(problems.id);
        batch.merged += 1;
      }
      return batch;
    },
  });
}
