import { useState } from "react";
import { OverviewAdminDocument, OverviewReaderDocument } from "../api/operations";
import { can } from "../auth/roles";
import { useSession } from "../auth/session";
import { Page, QueryView } from "../ui/states";
import { useQuery } from "../ui/use-api";
import { GraceAndFailures, LicenseCounts, LicenseSections, NearQuota, RecentActivity } from "./overview/license-sections";
import { overviewPeriods } from "./overview/periods";
import { AiUsageCharts, FoundersProgress, RevenueCards } from "./overview/revenue-sections";

/**
 * The business at a glance. Owners and admins get the revenue figures too (analytics is admin-only in the API);
 * support and readonly get the same page without them. Either way one query document, one round trip.
 */
export function OverviewPage() {
  const { role } = useSession();
  return <Page title="Overview">{can(role, "readAnalytics") ? <AdminOverview /> : <ReaderOverview />}</Page>;
}

function AdminOverview() {
  // Fixed when the page opens: new instants on every render would be new variables, and a new request each time.
  const [periods] = useState(() => overviewPeriods(Date.now()));
  const state = useQuery(OverviewAdminDocument, periods);
  return (
    <QueryView state={state} what="the overview">
      {(data) => (
        <>
          <RevenueCards data={data} />
          <FoundersProgress data={data} />
          <LicenseCounts counts={data.licenseCounts} />
          <AiUsageCharts data={data} />
          <NearQuota rows={data.licensesNearQuota} />
          <GraceAndFailures grace={data.licensesInGrace} failed={data.failedPayments} />
          <RecentActivity rows={data.recentActivity.edges} />
        </>
      )}
    </QueryView>
  );
}

function ReaderOverview() {
  const state = useQuery(OverviewReaderDocument, {});
  return (
    <QueryView state={state} what="the overview">
      {(data) => <LicenseSections data={data} />}
    </QueryView>
  );
}
