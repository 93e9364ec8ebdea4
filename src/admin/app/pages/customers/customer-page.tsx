import { useState } from "react";
import { Link, useParams } from "wouter";
import {
  CustomerDetailDocument,
  SetCustomerStatusDocument,
  UpdateCustomerDocument,
  type CustomerDetailQuery,
  type CustomerStatus,
  type IssueLicenseMutation,
} from "../../api/operations";
import { request } from "../../api/client";
import { can } from "../../auth/roles";
import { useSession } from "../../auth/session";
import { formatDate, formatDateTime, formatMoney, formatNumber } from "../../ui/format";
import { Outcome, Page, QueryView, StatusBadge } from "../../ui/states";
import { DataTable } from "../../ui/table";
import { useQuery } from "../../ui/use-api";
import { ActionButton, text } from "../licenses/action-button";
import { ActivityTable } from "../licenses/activity-table";
import { maskedKey } from "../licenses/format-license";
import { IssueLicenseButton } from "../licenses/issue-license";
import { KeyOnce } from "../licenses/key-once";
import { CUSTOMER_STATUSES, changedCustomerInput, CustomerFields } from "./customer-fields";
import "../licenses/licenses.css";

type Customer = CustomerDetailQuery["customer"];
type LicenseRow = Customer["licenses"][number];
type PaymentRow = Customer["payments"][number];

export function CustomerPage() {
  const { id = "" } = useParams<{ id: string }>();
  const { role, token } = useSession();
  const state = useQuery(CustomerDetailDocument, { id });
  const [message, setMessage] = useState<string | null>(null);
  const [issued, setIssued] = useState<IssueLicenseMutation["issueLicense"] | null>(null);

  const customer = state.data?.customer;
  return (
    <Page title={customer ? `Customer ${customer.name ?? customer.email}` : "Customer"}>
      <QueryView state={state} what="the customer">
        {({ customer, plans, activity }) => (
          <>
            <section aria-label="Customer actions" className="actions">
              {can(role, "updateCustomer") && (
                <ActionButton
                  label="Edit customer"
                  title={`Edit ${customer.email}`}
                  confirmLabel="Save changes"
                  document={UpdateCustomerDocument}
                  variables={async (form) => {
                    // The status has its own mutation (it is audited as a status change); the rest is one update.
                    const status = text(form, "status") as CustomerStatus;
                    if (status && status !== customer.status && can(role, "setCustomerStatus"))
                      await request(token, SetCustomerStatusDocument, { id: customer.id, status });
                    return { id: customer.id, input: changedCustomerInput(form, customer) };
                  }}
                  onDone={() => {
                    setIssued(null);
                    setMessage("Customer saved.");
                    state.reload();
                  }}
                >
                  <CustomerFields customer={customer} />
                  <label htmlFor="customer-status">Status</label>
                  <select id="customer-status" name="status" defaultValue={customer.status}>
                    {CUSTOMER_STATUSES.map((status) => (
                      <option key={status} value={status}>
                        {status}
                      </option>
                    ))}
                  </select>
                  <small>A suspended customer's licenses stop passing validation.</small>
                </ActionButton>
              )}
              {can(role, "issueLicense") && (
                <IssueLicenseButton
                  plans={plans}
                  customer={customer}
                  onIssued={(result) => {
                    setMessage(
                      `License ${maskedKey(result.issueLicense.license.keyLast4)} issued on ${result.issueLicense.license.plan.displayName}.`,
                    );
                    setIssued(result.issueLicense);
                    state.reload();
                  }}
                />
              )}
            </section>
            <Outcome success={message} />
            {issued && <KeyOnce title="The new license key" licenseKey={issued.key} onDismiss={() => setIssued(null)} />}

            <dl className="facts" aria-label="Customer details">
              <dt>E-mail</dt>
              <dd>{customer.email}</dd>
              <dt>Name</dt>
              <dd>{customer.name ?? "—"}</dd>
              <dt>Company</dt>
              <dd>{customer.company ?? "—"}</dd>
              <dt>Status</dt>
              <dd>
                <StatusBadge status={customer.status} />
              </dd>
              <dt>Country</dt>
              <dd>{customer.country ?? "—"}</dd>
              <dt>Phone</dt>
              <dd>{customer.phone ?? "—"}</dd>
              <dt>Address</dt>
              <dd>{customer.address ?? "—"}</dd>
              <dt>Notes</dt>
              <dd>{customer.notes ?? "—"}</dd>
              <dt>Paddle customer</dt>
              <dd>{customer.paddleCustomerId ? <code>{customer.paddleCustomerId}</code> : "—"}</dd>
              <dt>Created</dt>
              <dd>{formatDateTime(customer.createdAt)}</dd>
            </dl>

            <h2>Licenses</h2>
            <DataTable<LicenseRow>
              caption={`Licenses of ${customer.email} (${customer.licenses.length})`}
              rows={customer.licenses}
              rowKey={(row) => row.id}
              empty="This customer has no license."
              columns={[
                {
                  header: "Key",
                  cell: (row) => (
                    <Link href={`/licenses/${row.id}`}>
                      <code>{maskedKey(row.keyLast4)}</code>
                    </Link>
                  ),
                },
                { header: "Plan", cell: (row) => row.plan.displayName },
                { header: "Status", cell: (row) => <StatusBadge status={row.status} /> },
                { header: "Sites", numeric: true, cell: (row) => formatNumber(row.activeSites) },
                { header: "AI requests this month", numeric: true, cell: (row) => formatNumber(row.usageSummary.requests) },
                { header: "Expires", cell: (row) => (row.expiresAt ? formatDate(row.expiresAt) : "never") },
                { header: "Created", cell: (row) => formatDate(row.createdAt) },
              ]}
            />

            <h2>Payments</h2>
            <DataTable<PaymentRow>
              caption={`Payments of ${customer.email} (latest ${customer.payments.length})`}
              rows={customer.payments}
              rowKey={(row) => row.id}
              empty="No payments."
              columns={[
                { header: "Date", cell: (row) => formatDateTime(row.createdAt) },
                { header: "Transaction", cell: (row) => <code>{row.transactionId}</code> },
                { header: "Provider", cell: (row) => row.provider },
                { header: "Status", cell: (row) => <StatusBadge status={row.status} /> },
                { header: "Amount", numeric: true, cell: (row) => formatMoney(row.amountCents, row.currency) },
                {
                  header: "License",
                  cell: (row) => (row.license ? <Link href={`/licenses/${row.license.id}`}>{maskedKey(row.license.keyLast4)}</Link> : "—"),
                },
              ]}
            />

            <h2>Activity</h2>
            <ActivityTable
              caption={`Activity of ${customer.email}`}
              rows={activity.edges.map((edge) => edge.node)}
              totalCount={activity.totalCount}
              showLicense
            />
          </>
        )}
      </QueryView>
    </Page>
  );
}
