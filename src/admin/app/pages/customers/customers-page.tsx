import { useState } from "react";
import { Link } from "wouter";
import {
  CreateCustomerDocument,
  CustomersDocument,
  type CreateCustomerMutation,
  type CustomerFilterInput,
  type CustomerStatus,
  type CustomersQuery,
} from "../../api/operations";
import { can } from "../../auth/roles";
import { useSession } from "../../auth/session";
import { formatDate } from "../../ui/format";
import { Pager } from "../../ui/pager";
import { Outcome, Page, QueryView, StatusBadge } from "../../ui/states";
import { DataTable } from "../../ui/table";
import { pageArguments, useUrlState } from "../../ui/url-state";
import { useQuery } from "../../ui/use-api";
import { ActionButton } from "../licenses/action-button";
import { Filters, SelectFilter } from "../licenses/filters";
import { CUSTOMER_STATUSES, CustomerFields, newCustomerInput } from "./customer-fields";
import "../licenses/licenses.css";

const PAGE_SIZE = 20;

type CustomerRow = CustomersQuery["customers"]["edges"][number]["node"];

function filterOf(params: URLSearchParams): CustomerFilterInput {
  const filter: CustomerFilterInput = {};
  const search = params.get("q");
  const status = params.get("status");
  if (search) filter.search = search;
  if (status && (CUSTOMER_STATUSES as string[]).includes(status)) filter.status = status as CustomerStatus;
  return filter;
}

export function CustomersPage() {
  const { role } = useSession();
  const [params] = useUrlState();
  const state = useQuery(CustomersDocument, { filter: filterOf(params), ...pageArguments(params, PAGE_SIZE) });
  const [created, setCreated] = useState<CreateCustomerMutation["createCustomer"] | null>(null);

  return (
    <Page
      title="Customers"
      actions={
        can(role, "createCustomer") ? (
          <ActionButton
            label="New customer"
            title="New customer"
            confirmLabel="Create customer"
            outline={false}
            document={CreateCustomerDocument}
            variables={(form) => ({ input: newCustomerInput(form) })}
            onDone={(result) => {
              setCreated(result.createCustomer);
              state.reload();
            }}
          >
            <CustomerFields />
          </ActionButton>
        ) : undefined
      }
    >
      {created && (
        <Outcome
          success={
            <>
              Customer <Link href={`/customers/${created.id}`}>{created.email}</Link> created.
            </>
          }
        />
      )}
      <Filters texts={[{ name: "q", label: "Search (e-mail, name or company)" }]}>
        <SelectFilter name="status" label="Status" options={CUSTOMER_STATUSES.map((status) => ({ value: status, label: status }))} />
      </Filters>
      <QueryView state={state} what="customers">
        {({ customers }) => (
          <>
            <DataTable<CustomerRow>
              caption={`Customers (${customers.totalCount})`}
              rows={customers.edges.map((edge) => edge.node)}
              rowKey={(row) => row.id}
              empty="No customer matches these filters."
              columns={[
                { header: "Name", cell: (row) => <Link href={`/customers/${row.id}`}>{row.name ?? "(no name)"}</Link> },
                { header: "E-mail", cell: (row) => row.email },
                { header: "Company", cell: (row) => row.company ?? "—" },
                { header: "Status", cell: (row) => <StatusBadge status={row.status} /> },
                {
                  header: "Licenses",
                  numeric: true,
                  cell: (row) => {
                    const active = row.licenses.filter((license) => license.status === "active").length;
                    return row.licenses.length === 0 ? "0" : `${row.licenses.length} (${active} active)`;
                  },
                },
                { header: "Created", cell: (row) => formatDate(row.createdAt) },
              ]}
            />
            <Pager totalCount={customers.totalCount} shown={customers.edges.length} pageInfo={customers.pageInfo} pageSize={PAGE_SIZE} />
          </>
        )}
      </QueryView>
    </Page>
  );
}
