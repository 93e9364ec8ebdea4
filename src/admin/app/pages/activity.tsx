import { Link } from "wouter";
import { ActivityLogDocument, type ActivityFilterInput, type ActivityLogQuery } from "../api/operations";
import { FilterForm, filterFromUrl } from "../ui/filter-form";
import { formatDateTime } from "../ui/format";
import { Pager } from "../ui/pager";
import { Page, QueryView } from "../ui/states";
import { DataTable } from "../ui/table";
import { pageArguments, useUrlState } from "../ui/url-state";
import { useQuery } from "../ui/use-api";

export const ACTIVITY_PAGE_SIZE = 25;

type Entry = ActivityLogQuery["activity"]["edges"][number]["node"];

export function activityFilter(params: URLSearchParams): ActivityFilterInput {
  const chosen = filterFromUrl(params, ["actor", "action", "license"] as const);
  const filter: ActivityFilterInput = {};
  if (chosen.actor) filter.actor = chosen.actor;
  if (chosen.action) filter.action = chosen.action;
  if (chosen.license) filter.licenseId = chosen.license;
  return filter;
}

/** The rest of what was recorded, as "name: value" (the cause and the target have their own columns). */
function detailsText(details: Record<string, unknown>): string {
  return Object.entries(details)
    .filter(([name]) => name !== "cause")
    .map(([name, value]) => `${name}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join("; ");
}

/** A link that sets one filter, keeping the others. */
function FilterLink({ params, name, value }: { params: URLSearchParams; name: string; value: string }) {
  const next = new URLSearchParams(params);
  next.delete("after");
  next.delete("trail");
  next.set(name, value);
  return (
    <Link href={`/activity?${next.toString()}`} title={`Only entries with ${name} ${value}`}>
      {value}
    </Link>
  );
}

export function ActivityPage() {
  const [params] = useUrlState();
  const state = useQuery(ActivityLogDocument, { filter: activityFilter(params), ...pageArguments(params, ACTIVITY_PAGE_SIZE) });
  return (
    <Page title="Activity log">
      <FilterForm
        label="Filter the activity log"
        fields={[
          { name: "actor", label: "Actor", placeholder: "admin:<id>, paddle, system" },
          { name: "action", label: "Action", placeholder: "e.g. license.suspended" },
          { name: "license", label: "License id" },
        ]}
      />
      <QueryView state={state} what="the activity log">
        {(data) => (
          <>
            <DataTable<Entry>
              caption="Activity, newest first (times in your time zone)"
              rows={data.activity.edges.map((edge) => edge.node)}
              rowKey={(entry) => entry.id}
              empty="No activity matches these filters."
              columns={[
                { header: "Time", cell: (e) => <time dateTime={e.createdAt}>{formatDateTime(e.createdAt)}</time> },
                { header: "Actor", cell: (e) => <FilterLink params={params} name="actor" value={e.actor} /> },
                { header: "Action", cell: (e) => <FilterLink params={params} name="action" value={e.action} /> },
                {
                  header: "Target",
                  cell: (e) => (
                    <>
                      {e.customer && <Link href={`/customers/${e.customer.id}`}>{e.customer.email}</Link>}
                      {e.customer && e.license && <br />}
                      {e.license && <Link href={`/licenses/${e.license.id}`}>license …{e.license.keyLast4}</Link>}
                      {!e.customer && !e.license && "—"}
                    </>
                  ),
                },
                { header: "Cause", cell: (e) => (typeof e.details["cause"] === "string" ? <code>{e.details["cause"]}</code> : "—") },
                { header: "Details", cell: (e) => <small>{detailsText(e.details) || "—"}</small> },
              ]}
            />
            <Pager
              totalCount={data.activity.totalCount}
              shown={data.activity.edges.length}
              pageInfo={data.activity.pageInfo}
              pageSize={ACTIVITY_PAGE_SIZE}
            />
          </>
        )}
      </QueryView>
    </Page>
  );
}
