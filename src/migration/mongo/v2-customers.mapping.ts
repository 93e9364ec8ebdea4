import { mongoose } from "@typegoose/typegoose";
import { CustomerStatus } from "../../modules/customers/customer.model";
import type { TableSource } from "../migration.pass";
import { DocumentProblems, maskDocument, pick, resolveIds, v2CollectionSource, type MappedBatch, type V2Context } from "./v2.context";

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
  "paddle_customer_id",
  "paddle_subscription_id",
  "created_at",
  "updated_at",
] as const;

const STATUSES = new Set<string>(Object.values(CustomerStatus));

/** The email a customer is known by; a number (a hand edit) is its digits, anything else no email. */
function normaliseEmail(email: unknown): string {
  if (typeof email === "string") return email.trim().toLowerCase();
  return typeof email === "number" || typeof email === "boolean" ? String(email) : "";
}

/**
 * Customers are one per lower-cased email, as for v1. v2's unique index on email is case-sensitive, so it may hold
 * "Ann@x.io" and "ann@x.io": the lowest _id keeps the customer, the others are merged into it (their licenses and
 * payments follow) and reported. v2's dashboard wrote no status (the API read a missing one as active): a missing
 * status is active, without a report; a status v2 did not know is reported. v2's free-form `metadata` (e.g.
 * {source: "manual_insert"}) has no place in the platform's customers and is left out.
 */
export function v2CustomersSource(ctx: V2Context): TableSource {
  let winners: Map<string, string> | undefined;
  const loadWinners = async (): Promise<Map<string, string>> => {
    if (winners) return winners;
    winners = new Map();
    for await (const document of ctx.source.collection("customers").find({}, { projection: { email: 1 }, sort: { _id: 1 } })) {
      if (!(document._id instanceof mongoose.Types.ObjectId)) continue;
      const email = normaliseEmail(document.email);
      if (!winners.has(email)) winners.set(email, document._id.toHexString());
    }
    return winners;
  };

  return v2CollectionSource(ctx, {
    collection: "customers",
    into: "customers",
    appendOnly: false,
    canonical: (document) => pick(document, FIELDS),
    async map(documents): Promise<MappedBatch> {
      const first = await loadWinners();
      const batch: MappedBatch = { records: [], skipped: [], merged: 0 };
      const own = documents.filter((document) => first.get(normaliseEmail(document.email)) === document._id.toHexString());
      const ids = await resolveIds(
        ctx,
        "customers",
        "email",
        own.map((document) => ({ id: document._id.toHexString(), key: normaliseEmail(document.email) })),
      );
      own.forEach((document, i) => {
        const problems = new DocumentProblems(ctx, "customers", document);
        const targetId = ids[i] ?? document._id;
        const email = problems.text("email");
        if (email === null || email.trim() === "") problems.add("null_required", "imported", "no email: imported with an empty one");
        let status = problems.text("status");
        if (status !== null && !STATUSES.has(status)) {
          problems.add("invalid_value", "imported", `status ${JSON.stringify(status)}: imported as active`);
          status = null;
        }
        const fields: Record<string, unknown> = {
          email: normaliseEmail(document.email),
          name: problems.text("name"),
          company: problems.text("company"),
          notes: problems.text("notes"),
          phone: problems.text("phone"),
          address: problems.text("address"),
          country: problems.text("country"),
          status: status ?? CustomerStatus.active,
          stripe_customer_id: problems.text("stripe_customer_id"),
          paypal_customer_id: problems.text("paypal_customer_id"),
          paddle_customer_id: problems.text("paddle_customer_id"),
          paddle_subscription_id: problems.text("paddle_subscription_id"),
          created_at: problems.date("created_at"),
          updated_at: problems.date("updated_at"),
        };
        ctx.customers.set(problems.id, targetId);
        batch.records.push({ sourceId: problems.id, targetId, fields, row: maskDocument(document) });
      });
      for (const document of documents) {
        const winner = first.get(normaliseEmail(document.email));
        if (winner === undefined || winner === document._id.toHexString()) continue;
        const problems = new DocumentProblems(ctx, "customers", document);
        const merged = ctx.customers.get(winner);
        if (merged) ctx.customers.set(problems.id, merged);
        problems.add("duplicate_email", "merged", `same email as customer ${winner} but for case: merged into it`);
        batch.skipped.push(problems.id);
        batch.merged += 1;
      }
      return batch;
    },
  });
}
