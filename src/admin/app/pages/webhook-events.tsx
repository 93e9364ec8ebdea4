import { useState } from "react";
import {
  RetryWebhookEventDocument,
  WebhookEventsDocument,
  type WebhookEventFieldsFragment,
  type WebhookEventFilterInput,
  type WebhookEventStatus,
} from "../api/operations";
import { can } from "../auth/roles";
import { useSession } from "../auth/session";
import { ConfirmDialog } from "../ui/confirm";
import { FilterForm, filterFromUrl } from "../ui/filter-form";
import { formatDateTime } from "../ui/format";
import { Pager } from "../ui/pager";
import { Outcome, Page, QueryView, StatusBadge } from "../ui/states";
import { DataTable } from "../ui/table";
import { pageArguments, useUrlState } from "../ui/url-state";
import { useMutation, useQuery } from "../ui/use-api";

export const WEBHOOK_EVENTS_PAGE_SIZE = 20;

const STATUSES = Object.keys({ pending: 1, processing: 1, processed: 1, failed: 1, ignored: 1 } satisfies Record<
  WebhookEventStatus,
  1
>) as WebhookEventStatus[];

export function webhookEventFilter(params: URLSearchParams): WebhookEventFilterInput {
  const chosen = filterFromUrl(params, ["status", "attention", "type"] as const);
  const filter: WebhookEventFilterInput = {};
  if (chosen.status && (STATUSES as string[]).includes(chosen.status)) filter.status = chosen.status as WebhookEventStatus;
  if (chosen.attention === "yes") filter.needsAttention = true;
  if (chosen.type) filter.eventType = chosen.type;
  return filter;
}

/** "Retry" for a failed event: confirmed first; the answer (the event put back in line) is shown, the list reloaded. */
function RetryEvent({ event, onRetried }: { event: WebhookEventFieldsFragment; onRetried(message: string): void }) {
  const [open, setOpen] = useState(false);
  const retry = useMutation(RetryWebhookEventDocument);
  async function confirm() {
    const result = await retry.run({ id: event.id });
    if (result) {
      setOpen(false);
      onRetried(`Retrying ${event.eventId}: now ${result.retryWebhookEvent.status}; the worker processes it within seconds.`);
    }
  }
  return (
    <>
      <button type="button" className="secondary" onClick={() => (retry.reset(), setOpen(true))}>
        Retry <span className="visually-hidden">{event.eventId}</span>
      </button>
      <ConfirmDialog
        open={open}
        title={`Retry ${event.eventType} ${event.eventId}?`}
        confirmLabel="Retry event"
        busy={retry.busy}
        onConfirm={() => void confirm()}
        onCancel={() => setOpen(false)}
      >
        <p>
          It failed {event.attempts} {event.attempts === 1 ? "time" : "times"}
          {event.lastError ? `, last with: ${event.lastError}` : ""}. It is put back in line and processed again within seconds.
        </p>
        <Outcome error={retry.error} />
      </ConfirmDialog>
    </>
  );
}

export function WebhookEventsPage() {
  const { role } = useSession();
  const [params] = useUrlState();
  const state = useQuery(WebhookEventsDocument, { filter: webhookEventFilter(params), ...pageArguments(params, WEBHOOK_EVENTS_PAGE_SIZE) });
  const mayRetry = can(role, "retryWebhookEvent");
  // Kept here, not in the row: the retried event leaves the "failed" state, and its button with it.
  const [retried, setRetried] = useState<string | null>(null);
  const onRetried = (message: string) => {
    setRetried(message);
    state.reload();
  };
  return (
    <Page title="Webhook events">
      <FilterForm
        label="Filter webhook events"
        fields={[
          { name: "status", label: "Processing state", type: "select", options: STATUSES.map((value) => ({ value, label: value })) },
          { name: "attention", label: "Needs attention", type: "select", options: [{ value: "yes", label: "Needs attention only" }] },
          { name: "type", label: "Event type", placeholder: "e.g. transaction.completed" },
        ]}
      />
      <Outcome success={retried ?? undefined} />
      <QueryView state={state} what="webhook events">
        {(data) => (
          <>
            <DataTable<WebhookEventFieldsFragment>
              caption="Webhook events, newest first"
              rows={data.webhookEvents.edges.map((edge) => edge.node)}
              rowKey={(event) => event.id}
              empty="No webhook events match these filters."
              columns={[
                { header: "Received", cell: (e) => formatDateTime(e.receivedAt) },
                {
                  header: "Type",
                  cell: (e) => (
                    <>
                      {e.eventType}
                      <br />
                      <code>{e.eventId}</code>
                    </>
                  ),
                },
                {
                  header: "State",
                  cell: (e) => (
                    <>
                      <StatusBadge status={e.status} />
                      {e.attention && (
                        <>
                          {" "}
                          <span className="badge badge-attention">needs attention: {e.attention.replace(/_/g, " ")}</span>
                        </>
                      )}
                      {e.nextAttemptAt && e.status === "failed" && <small> next try {formatDateTime(e.nextAttemptAt)}</small>}
                    </>
                  ),
                },
                { header: "Attempts", numeric: true, cell: (e) => e.attempts },
                { header: "Last error", cell: (e) => e.lastError ?? "—" },
                { header: "Note", cell: (e) => e.note ?? "—" },
                ...(mayRetry
                  ? [
                      {
                        header: "Action",
                        cell: (e: WebhookEventFieldsFragment) =>
                          e.status === "failed" ? <RetryEvent event={e} onRetried={onRetried} /> : null,
                      },
                    ]
                  : []),
              ]}
            />
            <Pager
              totalCount={data.webhookEvents.totalCount}
              shown={data.webhookEvents.edges.length}
              pageInfo={data.webhookEvents.pageInfo}
              pageSize={WEBHOOK_EVENTS_PAGE_SIZE}
            />
          </>
        )}
      </QueryView>
    </Page>
  );
}
