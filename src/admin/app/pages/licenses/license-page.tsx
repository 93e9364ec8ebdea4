import { useMemo, useState } from "react";
import { Link, useParams } from "wouter";
import { LicenseDetailDocument, RemoveActivationDocument, type LicenseDetailQuery } from "../../api/operations";
import { can } from "../../auth/roles";
import { useSession } from "../../auth/session";
import { formatDate, formatDateTime, formatMoney, formatNumber, formatPercent } from "../../ui/format";
import { Outcome, Page, QueryView, StatusBadge } from "../../ui/states";
import { DataTable } from "../../ui/table";
import { useQuery } from "../../ui/use-api";
import { ActionButton } from "./action-button";
import { ActivityTable } from "./activity-table";
import { formatMicroEur } from "../../ui/format";
import { currentUtcMonth, limitText, maskedKey } from "./format-license";
import { KeyOnce } from "./key-once";
import { LicenseActions, type ActionResult } from "./license-actions";
import { UsageChart } from "./usage-chart";
import "./licenses.css";

type License = NonNullable<LicenseDetailQuery["license"]>;
type Site = License["activations"][number];
type PaymentRow = LicenseDetailQuery["payments"]["edges"][number]["node"];

export function LicensePage() {
  const { id = "" } = useParams<{ id: string }>();
  const month = useMemo(() => currentUtcMonth(), []);
  const state = useQuery(LicenseDetailDocument, { id, from: month.from, to: month.to });
  const [outcome, setOutcome] = useState<ActionResult | null>(null);

  function done(result: ActionResult) {
    setOutcome(result);
    state.reload();
  }

  const title = state.data?.license ? `License ${maskedKey(state.data.license.keyLast4)}` : "License";
  return (
    <Page title={title}>
      <QueryView state={state} what="the license">
        {(data) =>
          data.license ? (
            <LicenseView
              data={data}
              license={data.license}
              month={month.days}
              outcome={outcome}
              onDone={done}
              onDismissKey={() => setOutcome(null)}
            />
          ) : (
            <p role="alert">There is no license with this id.</p>
          )
        }
      </QueryView>
    </Page>
  );
}

function LicenseView({
  data,
  license,
  month,
  outcome,
  onDone,
  onDismissKey,
}: {
  data: LicenseDetailQuery;
  license: License;
  month: string[];
  outcome: ActionResult | null;
  onDone(result: ActionResult): void;
  onDismissKey(): void;
}) {
  const { role } = useSession();
  const { plan, usageSummary: usage } = license;
  return (
    <>
      <LicenseActions license={license} plans={data.plans} onDone={onDone} />
      <Outcome success={outcome?.message} />
      {outcome?.key && <KeyOnce title={outcome.key.title} licenseKey={outcome.key.value} onDismiss={onDismissKey} />}

      <section className="cards" aria-label="Summary">
        <article>
          <h2 className="card-title">Status</h2>
          <p className="card-value">
            <StatusBadge status={license.status} />
          </p>
          {license.statusReason && <p>Reason: {license.statusReason}</p>}
          {license.graceUntil && <p>Payment past due: valid until {formatDateTime(license.graceUntil)}</p>}
        </article>
        <article>
          <h2 className="card-title">Plan</h2>
          <p className="card-value">{plan.displayName}</p>
          <p>
            {plan.billing === "lifetime" ? "Lifetime" : "Monthly"}, {formatMoney(plan.priceCents, plan.currency)}
          </p>
        </article>
        <article>
          <h2 className="card-title">Customer</h2>
          <p className="card-value">
            <Link href={`/customers/${license.customer.id}`}>{license.customer.name ?? license.customer.email}</Link>
          </p>
          <p>
            {license.customer.email}
            {license.customer.company ? `, ${license.customer.company}` : ""}
          </p>
        </article>
        <article>
          <h2 className="card-title">Expires</h2>
          <p className="card-value">{license.expiresAt ? formatDate(license.expiresAt) : "Never"}</p>
          <p>Issued {formatDate(license.createdAt)}</p>
        </article>
      </section>

      <h2>Limits this month ({usage.month}, UTC)</h2>
      <div className="overflow-auto" tabIndex={0} role="region" aria-label="Limits">
        <table className="striped">
          <caption>Limits of the {plan.displayName} plan and what is left</caption>
          <thead>
            <tr>
              <th scope="col">Limit</th>
              <th scope="col" className="numeric">
                Used
              </th>
              <th scope="col" className="numeric">
                Limit
              </th>
              <th scope="col" className="numeric">
                Left
              </th>
            </tr>
          </thead>
          <tbody>
            <LimitRow
              name="AI requests"
              used={formatNumber(usage.requests)}
              limit={limitText(usage.requestLimit)}
              left={
                usage.requestLimit > 0
                  ? `${formatNumber(Math.max(0, usage.requestLimit - usage.requests))} (${formatPercent(usage.requestsPercent / 100)} used)`
                  : "unlimited"
              }
            />
            <LimitRow
              name="AI budget"
              used={formatMicroEur(usage.costMicros)}
              limit={usage.budgetMicros > 0 ? formatMicroEur(usage.budgetMicros) : "unlimited"}
              left={
                usage.budgetMicros > 0
                  ? `${formatMicroEur(Math.max(0, usage.budgetMicros - usage.costMicros))} (${formatPercent(usage.budgetPercent / 100)} used)`
                  : "unlimited"
              }
            />
            <LimitRow
              name="Sites"
              used={formatNumber(license.activeSites)}
              limit={limitText(plan.maxSites)}
              left={plan.maxSites > 0 ? formatNumber(Math.max(0, plan.maxSites - license.activeSites)) : "unlimited"}
            />
            <LimitRow name="Tokens this month" used={formatNumber(usage.tokens)} limit="—" left="—" />
            <LimitRow name="Requests per minute" used="—" limit={limitText(plan.requestsPerMinute)} left="—" />
            <LimitRow name="Requests per hour" used="—" limit={limitText(plan.requestsPerHour)} left="—" />
            <LimitRow name="Tokens per request" used="—" limit={limitText(plan.maxTokens)} left="—" />
          </tbody>
        </table>
      </div>

      <h2>AI usage this month</h2>
      <UsageChart days={month} buckets={data.usage ?? []} />

      <h2>Sites</h2>
      <DataTable<Site>
        caption={`Sites (${license.activeSites} using a seat of ${limitText(plan.maxSites)})`}
        rows={license.activations}
        rowKey={(row) => row.id}
        empty="The license is not active on any site."
        columns={[
          { header: "Site", cell: (row) => row.site },
          { header: "Kind", cell: (row) => (row.isDevelopment ? "development (no seat)" : "production") },
          { header: "Activated", cell: (row) => formatDateTime(row.activatedAt) },
          { header: "Last seen", cell: (row) => formatDateTime(row.lastSeenAt) },
          ...(can(role, "removeActivation")
            ? [
                {
                  header: "Remove",
                  cell: (row: Site) => (
                    <ActionButton
                      label={`Remove ${row.site}`}
                      title={`Remove ${row.site} from this license?`}
                      confirmLabel="Remove site"
                      danger
                      document={RemoveActivationDocument}
                      variables={() => ({ licenseId: license.id, site: row.site })}
                      onDone={(removed) =>
                        onDone({
                          message: removed.removeActivation ? `Removed ${row.site}; its seat is free.` : `${row.site} was not active.`,
                        })
                      }
                    >
                      <p>
                        The site stops being served by this license; it frees its seat. The site can activate again later if a seat is free.
                      </p>
                    </ActionButton>
                  ),
                },
              ]
            : []),
        ]}
      />

      {license.billing && (
        <>
          <h2>Billing subscription</h2>
          <dl className="facts">
            <dt>Paddle subscription</dt>
            <dd>
              <code>{license.billing.paddleSubscriptionId}</code>
            </dd>
            <dt>Status</dt>
            <dd>{license.billing.status ? <StatusBadge status={license.billing.status} /> : "—"}</dd>
            <dt>Current period ends</dt>
            <dd>{formatDateTime(license.billing.currentPeriodEndsAt)}</dd>
            <dt>MRR</dt>
            <dd>{license.billing.currency ? formatMoney(license.billing.mrrCents, license.billing.currency) : "—"}</dd>
            {license.billing.pastDueSince && (
              <>
                <dt>Past due since</dt>
                <dd>{formatDateTime(license.billing.pastDueSince)}</dd>
              </>
            )}
            {license.billing.graceUntil && (
              <>
                <dt>Grace until</dt>
                <dd>{formatDateTime(license.billing.graceUntil)}</dd>
              </>
            )}
            {license.billing.scheduledCancelAt && (
              <>
                <dt>Cancels at</dt>
                <dd>{formatDateTime(license.billing.scheduledCancelAt)}</dd>
              </>
            )}
          </dl>
        </>
      )}

      <h2>Payments</h2>
      <DataTable<PaymentRow>
        caption={
          data.payments.edges.length < data.payments.totalCount
            ? `Payments (latest ${data.payments.edges.length} of ${data.payments.totalCount})`
            : "Payments"
        }
        rows={data.payments.edges.map((edge) => edge.node)}
        rowKey={(row) => row.id}
        empty="No payments for this license."
        columns={[
          { header: "Paid", cell: (row) => formatDateTime(row.paidAt) },
          { header: "Transaction", cell: (row) => <code>{row.transactionId}</code> },
          { header: "Provider", cell: (row) => row.provider },
          { header: "Status", cell: (row) => <StatusBadge status={row.status} /> },
          { header: "Amount", numeric: true, cell: (row) => formatMoney(row.amountCents, row.currency) },
          { header: "Refunded", numeric: true, cell: (row) => (row.refundedCents ? formatMoney(row.refundedCents, row.currency) : "—") },
        ]}
      />

      <h2>Activity</h2>
      <ActivityTable
        caption="Activity of this license"
        rows={data.activity.edges.map((edge) => edge.node)}
        totalCount={data.activity.totalCount}
      />
    </>
  );
}

function LimitRow({ name, used, limit, left }: { name: string; used: string; limit: string; left: string }) {
  return (
    <tr>
      <th scope="row">{name}</th>
      <td className="numeric">{used}</td>
      <td className="numeric">{limit}</td>
      <td className="numeric">{left}</td>
    </tr>
  );
}
