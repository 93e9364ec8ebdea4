import { Link } from "wouter";
import type { ActivityRowFieldsFragment } from "../../api/operations";
import { formatDateTime } from "../../ui/format";
import { DataTable } from "../../ui/table";

/** "plan=pro, note=asked by phone": an entry's details, short enough for a table cell. */
export function describeDetails(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([name, value]) => `${name}: ${typeof value === "object" && value !== null ? JSON.stringify(value) : String(value)}`)
    .join(", ");
}

/** The latest activity of a customer or a license (the Activity page has the whole log). */
export function ActivityTable({
  caption,
  rows,
  totalCount,
  showLicense,
}: {
  caption: string;
  rows: ActivityRowFieldsFragment[];
  totalCount: number;
  showLicense?: boolean;
}) {
  return (
    <>
      <DataTable
        caption={rows.length < totalCount ? `${caption} (latest ${rows.length} of ${totalCount})` : caption}
        rows={rows}
        rowKey={(row) => row.id}
        empty="No activity yet."
        columns={[
          { header: "When", cell: (row) => formatDateTime(row.createdAt) },
          { header: "Action", cell: (row) => <code>{row.action}</code> },
          ...(showLicense
            ? [
                {
                  header: "License",
                  cell: (row: ActivityRowFieldsFragment) =>
                    row.license ? <Link href={`/licenses/${row.license.id}`}>••••{row.license.keyLast4}</Link> : "—",
                },
              ]
            : []),
          { header: "By", cell: (row) => row.actor },
          { header: "Details", cell: (row) => describeDetails(row.details) || "—" },
        ]}
      />
    </>
  );
}
