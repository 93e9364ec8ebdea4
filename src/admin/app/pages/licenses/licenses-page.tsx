import { useState } from "react";
import { Link } from "wouter";
import {
  LicensesDocument,
  type IssueLicenseMutation,
  type LicenseFilterInput,
  type LicenseStatus,
  type LicensesQuery,
} from "../../api/operations";
import { can } from "../../auth/roles";
import { useSession } from "../../auth/session";
import { formatDate } from "../../ui/format";
import { Pager } from "../../ui/pager";
import { Outcome, Page, QueryView, StatusBadge } from "../../ui/states";
import { DataTable } from "../../ui/table";
import { pageArguments, useUrlState } from "../../ui/url-state";
import { useQuery } from "../../ui/use-api";
import { Filters, SelectFilter } from "./filters";
import { limitText, maskedKey } from "./format-license";
import { IssueLicenseButton } from "./issue-license";
import { KeyOnce } from "./key-once";

const PAGE_SIZE = 20;
export const LICENSE_STATUSES: LicenseStatus[] = ["active", "inactive", "suspended", "expired", "cancelled"];

type LicenseRow = LicensesQuery["licenses"]["edges"][number]["node"];

/** The license list's filter, from the URL (?q=…&key=…&status=…&plan=…). */
function filterOf(params: URLSearchParams): LicenseFilterInput {
  const filter: LicenseFilterInput = {};
  const search = params.get("q");
  const key = params.get("key");
  const status = params.get("status");
  const plan = params.get("plan");
  if (search) filter.search = search;
  if (key) filter.keyLast4 = key;
  if (status && (LICENSE_STATUSES as string[]).includes(status)) filter.status = status as LicenseStatus;
  if (plan) filter.plan = plan;
  return filter;
}

export function LicensesPage() {
  const { role } = useSession();
  const [params] = useUrlState();
  const state = useQuery(LicensesDocument, { filter: filterOf(params), ...pageArguments(params, PAGE_SIZE) });
  const [issued, setIssued] = useState<IssueLicenseMutation["issueLicense"] | null>(null);

  return (
    <Page
      title="Licenses"
      actions={
        can(role, "issueLicense") && state.data ? (
          <IssueLicenseButton
            plans={state.data.plans}
            onIssued={(result) => {
              setIssued(result.issueLicense);
              state.reload();
            }}
          />
        ) : undefined
      }
    >
      {issued && (
        <>
          <Outcome
            success={
              <>
                License <Link href={`/licenses/${issued.license.id}`}>{maskedKey(issued.license.keyLast4)}</Link> issued to{" "}
                {issued.license.customer.email} on {issued.license.plan.displayName}.
              </>
            }
          />
          <KeyOnce title="The new license key" licenseKey={issued.key} onDismiss={() => setIssued(null)} />
        </>
      )}
      <Filters
        texts={[
          { name: "q", label: "Customer (e-mail, name or company)" },
          { name: "key", label: "Key ends with", pattern: "[0-9A-Za-z\\-]{4}", hint: "The key's last 4 characters" },
        ]}
      >
        <SelectFilter name="status" label="Status" options={LICENSE_STATUSES.map((status) => ({ value: status, label: status }))} />
        {state.data && (
          <SelectFilter
            name="plan"
            label="Plan"
            options={state.data.plans.map((plan) => ({ value: plan.name, label: plan.displayName }))}
          />
        )}
      </Filters>
      <QueryView state={state} what="licenses">
        {({ licenses }) => (
          <>
            <DataTable<LicenseRow>
              caption={`Licenses (${licenses.totalCount})`}
              rows={licenses.edges.map((edge) => edge.node)}
              rowKey={(row) => row.id}
              empty="No license matches these filters."
              columns={[
                {
                  header: "Key",
                  cell: (row) => (
                    <Link href={`/licenses/${row.id}`} aria-label={`License ending in ${row.keyLast4}`}>
                      <code>{maskedKey(row.keyLast4)}</code>
                    </Link>
                  ),
                },
                {
                  header: "Customer",
                  cell: (row) => (
                    <Link href={`/customers/${row.customer.id}`}>
                      {row.customer.name ? `${row.customer.name} <${row.customer.email}>` : row.customer.email}
                    </Link>
                  ),
                },
                { header: "Plan", cell: (row) => row.plan.displayName },
                { header: "Status", cell: (row) => <StatusBadge status={row.status} /> },
                { header: "Sites", numeric: true, cell: (row) => `${row.activeSites} / ${limitText(row.plan.maxSites)}` },
                { header: "Expires", cell: (row) => (row.expiresAt ? formatDate(row.expiresAt) : "never") },
                { header: "Created", cell: (row) => formatDate(row.createdAt) },
              ]}
            />
            <Pager totalCount={licenses.totalCount} shown={licenses.edges.length} pageInfo={licenses.pageInfo} pageSize={PAGE_SIZE} />
          </>
        )}
      </QueryView>
    </Page>
  );
}
