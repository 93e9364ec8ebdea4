import { Link } from "wouter";
import type { OverviewOperationsFragment } from "../../api/operations";
import { formatDateTime, formatMoney, formatNumber, formatPercent } from "../../ui/format";
import { StatusBadge } from "../../ui/states";
import { DataTable } from "../../ui/table";
import { formatMicroEur } from "../../ui/format";

// The parts of the Overview every staff role may read (no revenue): licenses, quota, grace, failed payments, activity.

type Data = OverviewOperationsFragment;

function LicenseLink({ id, keyLast4 }: { id: string; keyLast4: string }) {
  return <Link href={`/licenses/${id}`}>…{keyLast4}</Link>;
}

/** Counts by plan and by status, summed from the API's plan × status counts. */
export function LicenseCounts({ counts }: { counts: Data["licenseCounts"] }) {
  const sum = (key: (row: Data["licenseCounts"][number]) => string) => {
    const totals = new Map<string, number>();
    for (const row of counts) totals.set(key(row), (totals.get(key(row)) ?? 0) + row.count);
    return [...totals.entries()]
      .map(([name, count]) => ({ name, count }))
      .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  };
  const total = counts.reduce((all, row) => all + row.count, 0);
  return (
    <section aria-labelledby="licenses-heading">
      <h2 id="licenses-heading">Licenses ({formatNumber(total)})</h2>
      <div className="grid-2">
        <DataTable
          caption="Licenses by plan"
          columns={[
            { header: "Plan", cell: (row) => row.name },
            { header: "Licenses", cell: (row) => formatNumber(row.count), numeric: true },
          ]}
          rows={sum((row) => row.plan)}
          rowKey={(row) => row.name}
          empty="No licenses yet."
        />
        <DataTable
          caption="Licenses by status"
          columns={[
            { header: "Status", cell: (row) => <StatusBadge status={row.name} /> },
            { header: "Licenses", cell: (row) => formatNumber(row.count), numeric: true },
          ]}
          rows={sum((row) => row.status)}
          rowKey={(row) => row.name}
          empty="No licenses yet."
        />
      </div>
    </section>
  );
}

/** "used / limit (share)"; a limit of 0 is no limit. */
function limitText(used: string, limit: string, limitValue: number, share: number): string {
  return limitValue === 0 ? `${used} (no limit)` : `${used} / ${limit} (${formatPercent(share, 0)})`;
}

export function NearQuota({ rows }: { rows: Data["licensesNearQuota"] }) {
  return (
    <section aria-labelledby="quota-heading">
      <h2 id="quota-heading">Near or over their monthly quota</h2>
      <DataTable
        caption="Licenses at 80 % or more of their monthly requests or budget this month"
        columns={[
          { header: "License", cell: (row) => <LicenseLink id={row.license.id} keyLast4={row.license.keyLast4} /> },
          { header: "Customer", cell: (row) => <Link href={`/customers/${row.license.customer.id}`}>{row.license.customer.email}</Link> },
          { header: "Plan", cell: (row) => row.license.plan.name },
          {
            header: "Requests",
            cell: (row) => limitText(formatNumber(row.requests), formatNumber(row.requestLimit), row.requestLimit, row.requestsShare),
            numeric: true,
          },
          {
            header: "AI budget",
            cell: (row) => limitText(formatMicroEur(row.costMicros), formatMicroEur(row.budgetMicros), row.budgetMicros, row.budgetShare),
            numeric: true,
          },
        ]}
        rows={rows}
        rowKey={(row) => row.license.id}
        empty="No license is near its quota."
      />
    </section>
  );
}

export function GraceAndFailures({ grace, failed }: { grace: Data["licensesInGrace"]; failed: Data["failedPayments"] }) {
  return (
    <section aria-labelledby="billing-heading">
      <h2 id="billing-heading">Failed payments and grace periods</h2>
      <div className="grid-2">
        <DataTable
          caption="Grace periods ending (payment past due)"
          columns={[
            { header: "License", cell: (row) => <LicenseLink id={row.id} keyLast4={row.keyLast4} /> },
            { header: "Customer", cell: (row) => <Link href={`/customers/${row.customer.id}`}>{row.customer.email}</Link> },
            { header: "Plan", cell: (row) => row.plan.name },
            { header: "Grace ends", cell: (row) => formatDateTime(row.graceUntil) },
          ]}
          rows={grace}
          rowKey={(row) => row.id}
          empty="No license is in a grace period."
        />
        <div>
          <DataTable
            caption={`Failed payments (${formatNumber(failed.totalCount)})`}
            columns={[
              { header: "Date", cell: (row) => formatDateTime(row.paidAt) },
              { header: "Customer", cell: (row) => <Link href={`/customers/${row.customer.id}`}>{row.customer.email}</Link> },
              { header: "Amount", cell: (row) => formatMoney(row.amountCents, row.currency), numeric: true },
              {
                header: "License",
                cell: (row) => (row.license ? <LicenseLink id={row.license.id} keyLast4={row.license.keyLast4} /> : "—"),
              },
            ]}
            rows={failed.edges.map((edge) => edge.node)}
            rowKey={(row) => row.id}
            empty="No failed payment."
          />
          <p>
            <Link href="/payments?status=failed">All failed payments</Link>
          </p>
        </div>
      </div>
    </section>
  );
}

export function RecentActivity({ rows }: { rows: Data["recentActivity"]["edges"] }) {
  return (
    <section aria-labelledby="activity-heading">
      <h2 id="activity-heading">Last activity</h2>
      <DataTable
        caption="The latest entries of the activity log"
        columns={[
          { header: "When", cell: (row) => formatDateTime(row.createdAt) },
          { header: "Action", cell: (row) => row.action },
          { header: "By", cell: (row) => row.actor },
          {
            header: "About",
            cell: (row) =>
              row.license ? (
                <LicenseLink id={row.license.id} keyLast4={row.license.keyLast4} />
              ) : row.customer ? (
                <Link href={`/customers/${row.customer.id}`}>{row.customer.email}</Link>
              ) : (
                "—"
              ),
          },
        ]}
        rows={rows.map((edge) => edge.node)}
        rowKey={(row) => row.id}
        empty="Nothing has happened yet."
      />
      <p>
        <Link href="/activity">All activity</Link>
      </p>
    </section>
  );
}

/** Everything a reader sees, in the Overview's order. */
export function LicenseSections({ data }: { data: Data }) {
  return (
    <>
      <LicenseCounts counts={data.licenseCounts} />
      <NearQuota rows={data.licensesNearQuota} />
      <GraceAndFailures grace={data.licensesInGrace} failed={data.failedPayments} />
      <RecentActivity rows={data.recentActivity.edges} />
    </>
  );
}
