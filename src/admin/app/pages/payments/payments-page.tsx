import { Link } from "wouter";
import { PaymentsLedgerDocument, type PaymentStatus, type PaymentFilterInput, type PaymentsLedgerQuery } from "../../api/operations";
import { can } from "../../auth/roles";
import { useSession } from "../../auth/session";
import { FilterForm, filterFromUrl } from "../../ui/filter-form";
import { formatDateTime, formatMoney, formatNumber } from "../../ui/format";
import { Pager } from "../../ui/pager";
import { Page, QueryView, StatusBadge } from "../../ui/states";
import { DataTable } from "../../ui/table";
import { pageArguments, useUrlState } from "../../ui/url-state";
import { useQuery } from "../../ui/use-api";
import { endOfLocalDay, startOfLocalDay } from "./dates";
import { RecordManualPayment } from "./record-manual-payment";

export const PAYMENTS_PAGE_SIZE = 20;

// Every status once (the Record makes the type check fail when the schema gains one).
const STATUSES = Object.keys({ completed: 1, pending: 1, failed: 1, partially_refunded: 1, refunded: 1 } satisfies Record<
  PaymentStatus,
  1
>) as PaymentStatus[];

type PaymentRow = PaymentsLedgerQuery["payments"]["edges"][number]["node"];

/** The URL's filters as the API's: dates are whole days in the browser's time zone, "to" included. */
export function paymentFilter(params: URLSearchParams): PaymentFilterInput {
  const chosen = filterFromUrl(params, ["status", "provider", "from", "to"] as const);
  const filter: PaymentFilterInput = {};
  if (chosen.status && (STATUSES as string[]).includes(chosen.status)) filter.status = chosen.status as PaymentStatus;
  if (chosen.provider) filter.provider = chosen.provider;
  const from = chosen.from ? startOfLocalDay(chosen.from) : null;
  const to = chosen.to ? endOfLocalDay(chosen.to) : null;
  if (from) filter.from = from.toISOString();
  if (to) filter.to = to.toISOString();
  return filter;
}

function Adjustments({ payment }: { payment: PaymentRow }) {
  if (payment.adjustments.length === 0) return <>—</>;
  return (
    <ul className="compact">
      {payment.adjustments.map((adjustment) => (
        <li key={adjustment.id}>
          {adjustment.action} {formatMoney(adjustment.amountCents, adjustment.currency)} ({adjustment.status.replace(/_/g, " ")})
          {adjustment.reason ? `: ${adjustment.reason}` : ""} <code>{adjustment.adjustmentId}</code>
        </li>
      ))}
    </ul>
  );
}

function Totals({ totals }: { totals: PaymentsLedgerQuery["paymentTotals"] }) {
  if (totals.length === 0) return <p>No settled payments match these filters.</p>;
  return (
    <section aria-labelledby="payment-totals">
      <h2 id="payment-totals">Totals for these filters</h2>
      {totals.map((total) => (
        <div className="cards" key={total.currency} aria-label={`Totals in ${total.currency}`} role="group">
          {(
            [
              ["Gross", formatMoney(total.grossCents, total.currency)],
              ["Refunded", formatMoney(total.refundedCents, total.currency)],
              ["Net", formatMoney(total.netCents, total.currency)],
              ["Fees", formatMoney(total.feeCents, total.currency)],
              ["Settled payments", formatNumber(total.count)],
              ["Failed payments", formatNumber(total.failedCount)],
            ] as const
          ).map(([name, value]) => (
            <article key={name}>
              <p>
                {name} ({total.currency})
              </p>
              <p className="card-value">{value}</p>
            </article>
          ))}
        </div>
      ))}
    </section>
  );
}

export function PaymentsPage() {
  const { role } = useSession();
  const [params] = useUrlState();
  const state = useQuery(PaymentsLedgerDocument, { filter: paymentFilter(params), ...pageArguments(params, PAYMENTS_PAGE_SIZE) });
  return (
    <Page title="Payments" actions={can(role, "recordManualPayment") ? <RecordManualPayment onRecorded={state.reload} /> : undefined}>
      <FilterForm
        label="Filter payments"
        fields={[
          {
            name: "status",
            label: "Status",
            type: "select",
            options: STATUSES.map((value) => ({ value, label: value.replace(/_/g, " ") })),
          },
          { name: "provider", label: "Provider", placeholder: "paddle, manual, …" },
          { name: "from", label: "Paid from", type: "date" },
          { name: "to", label: "Paid until (inclusive)", type: "date" },
        ]}
      />
      <QueryView state={state} what="payments">
        {(data) => (
          <>
            <Totals totals={data.paymentTotals} />
            <h2>Ledger</h2>
            <DataTable<PaymentRow>
              caption="Payments, newest first"
              rows={data.payments.edges.map((edge) => edge.node)}
              rowKey={(payment) => payment.id}
              empty="No payments match these filters."
              columns={[
                { header: "Paid", cell: (p) => formatDateTime(p.paidAt) },
                { header: "Customer", cell: (p) => <Link href={`/customers/${p.customer.id}`}>{p.customer.email}</Link> },
                {
                  header: "License",
                  cell: (p) => (p.license ? <Link href={`/licenses/${p.license.id}`}>…{p.license.keyLast4}</Link> : "—"),
                },
                { header: "Amount", numeric: true, cell: (p) => formatMoney(p.amountCents, p.currency) },
                { header: "Refunded", numeric: true, cell: (p) => (p.refundedCents ? formatMoney(p.refundedCents, p.currency) : "—") },
                {
                  header: "Status",
                  cell: (p) => (
                    <>
                      <StatusBadge status={p.status} />
                      {p.failureReason && <small> {p.failureReason}</small>}
                    </>
                  ),
                },
                { header: "Provider", cell: (p) => p.provider },
                {
                  header: "Provider ids",
                  cell: (p) => (
                    <>
                      <code>{p.transactionId}</code>
                      {p.customer.paddleCustomerId && (
                        <>
                          {" "}
                          <code>{p.customer.paddleCustomerId}</code>
                        </>
                      )}
                      {p.invoiceNumber && <small> invoice {p.invoiceNumber}</small>}
                    </>
                  ),
                },
                { header: "Refunds and adjustments", cell: (p) => <Adjustments payment={p} /> },
              ]}
            />
            <Pager
              totalCount={data.payments.totalCount}
              shown={data.payments.edges.length}
              pageInfo={data.payments.pageInfo}
              pageSize={PAYMENTS_PAGE_SIZE}
            />
          </>
        )}
      </QueryView>
    </Page>
  );
}
