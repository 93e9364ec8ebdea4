import { useState } from "react";
import {
  NotificationsDocument,
  RetryNotificationDocument,
  type DeliveryStatus,
  type NotificationDeliveryFieldsFragment,
  type NotificationFieldsFragment,
  type NotificationFilterInput,
  type NotificationKind,
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

export const NOTIFICATIONS_PAGE_SIZE = 20;

const STATUSES = Object.keys({ pending: 1, sending: 1, delivered: 1, skipped: 1 } satisfies Record<DeliveryStatus, 1>) as DeliveryStatus[];
const KINDS = Object.keys({
  license_issued: 1,
  license_suspended: 1,
  payment_failed: 1,
  grace_period_ending: 1,
  usage_threshold: 1,
  founders_almost_sold_out: 1,
} satisfies Record<NotificationKind, 1>) as NotificationKind[];
/** Not a delivery status of the API: a pending delivery whose last attempt failed (the filter `failing`). */
const FAILED = "failed";

export function notificationFilter(params: URLSearchParams): NotificationFilterInput {
  const chosen = filterFromUrl(params, ["state", "kind"] as const);
  const filter: NotificationFilterInput = {};
  if (chosen.state === FAILED) filter.failing = true;
  else if (chosen.state && (STATUSES as string[]).includes(chosen.state)) filter.status = chosen.state as DeliveryStatus;
  if (chosen.kind && (KINDS as string[]).includes(chosen.kind)) filter.kind = chosen.kind as NotificationKind;
  return filter;
}

const failing = (delivery: NotificationDeliveryFieldsFragment) => delivery.status === "pending" && delivery.lastError !== null;

function Delivery({ delivery }: { delivery: NotificationDeliveryFieldsFragment }) {
  return (
    <>
      <StatusBadge status={failing(delivery) ? "failed" : delivery.status} />{" "}
      <small>
        {delivery.attempts} {delivery.attempts === 1 ? "attempt" : "attempts"}
        {delivery.deliveredAt && `, delivered ${formatDateTime(delivery.deliveredAt)}`}
        {delivery.status === "pending" && delivery.nextAttemptAt && `, next ${formatDateTime(delivery.nextAttemptAt)}`}
      </small>
      {delivery.lastError && (
        <>
          <br />
          <small>Last error: {delivery.lastError}</small>
        </>
      )}
    </>
  );
}

function RetryMessage({ message, onRetried }: { message: NotificationFieldsFragment; onRetried(text: string): void }) {
  const [open, setOpen] = useState(false);
  const retry = useMutation(RetryNotificationDocument);
  async function confirm() {
    const result = await retry.run({ id: message.id });
    if (result) {
      setOpen(false);
      const { webhook, email } = result.retryNotification;
      onRetried(`Retrying "${message.subject}": webhook ${webhook.status}, e-mail ${email.status}; the worker sends it within seconds.`);
    }
  }
  return (
    <>
      <button type="button" className="secondary" onClick={() => (retry.reset(), setOpen(true))}>
        Retry <span className="visually-hidden">{message.subject}</span>
      </button>
      <ConfirmDialog
        open={open}
        title={`Send "${message.subject}" again?`}
        confirmLabel="Retry now"
        busy={retry.busy}
        onConfirm={() => void confirm()}
        onCancel={() => setOpen(false)}
      >
        <p>Its failed deliveries are made due now instead of waiting for their next attempt.</p>
        <Outcome error={retry.error} />
      </ConfirmDialog>
    </>
  );
}

function NotificationsList() {
  const { role } = useSession();
  const [params] = useUrlState();
  const state = useQuery(NotificationsDocument, { filter: notificationFilter(params), ...pageArguments(params, NOTIFICATIONS_PAGE_SIZE) });
  const [retried, setRetried] = useState<string | null>(null);
  const mayRetry = can(role, "retryNotification");
  const onRetried = (text: string) => {
    setRetried(text);
    state.reload();
  };
  return (
    <>
      <FilterForm
        label="Filter notifications"
        fields={[
          {
            name: "state",
            label: "Delivery state",
            type: "select",
            options: [...STATUSES.map((value) => ({ value, label: value })), { value: FAILED, label: "failed (waiting to retry)" }],
          },
          { name: "kind", label: "Kind", type: "select", options: KINDS.map((value) => ({ value, label: value.replace(/_/g, " ") })) },
        ]}
      />
      <Outcome success={retried ?? undefined} />
      <QueryView state={state} what="notifications">
        {(data) => (
          <>
            <DataTable<NotificationFieldsFragment>
              caption="Notifications, newest first"
              rows={data.notifications.edges.map((edge) => edge.node)}
              rowKey={(message) => message.id}
              empty="No notifications match these filters."
              columns={[
                { header: "Created", cell: (m) => formatDateTime(m.createdAt) },
                {
                  header: "Message",
                  cell: (m) => (
                    <>
                      {m.subject}
                      <br />
                      <small>{m.kind.replace(/_/g, " ")}</small>
                    </>
                  ),
                },
                { header: "Recipient", cell: (m) => m.recipientEmail ?? "operators (webhook)" },
                { header: "Webhook", cell: (m) => <Delivery delivery={m.webhook} /> },
                { header: "E-mail", cell: (m) => <Delivery delivery={m.email} /> },
                ...(mayRetry
                  ? [
                      {
                        header: "Action",
                        cell: (m: NotificationFieldsFragment) =>
                          failing(m.webhook) || failing(m.email) ? <RetryMessage message={m} onRetried={onRetried} /> : null,
                      },
                    ]
                  : []),
              ]}
            />
            <Pager
              totalCount={data.notifications.totalCount}
              shown={data.notifications.edges.length}
              pageInfo={data.notifications.pageInfo}
              pageSize={NOTIFICATIONS_PAGE_SIZE}
            />
          </>
        )}
      </QueryView>
    </>
  );
}

export function NotificationsPage() {
  const { role } = useSession();
  return (
    <Page title="Notifications">
      {can(role, "readNotifications") ? (
        <NotificationsList />
      ) : (
        <p role="alert">Notifications name customers and their addresses: only admins and owners may see them.</p>
      )}
    </Page>
  );
}
