import { useState } from "react";
import { CreateAdminTokenDocument, RevokeAdminTokenDocument, type AdminRole, type SettingsQuery } from "../../api/operations";
import { useSession } from "../../auth/session";
import { ConfirmDialog } from "../../ui/confirm";
import { formatDateTime } from "../../ui/format";
import { Outcome, StatusBadge } from "../../ui/states";
import { DataTable } from "../../ui/table";
import { useMutation } from "../../ui/use-api";

type AdminToken = SettingsQuery["admins"][number];

const ROLES: Array<{ role: AdminRole; says: string }> = [
  { role: "readonly", says: "readonly: reads everything except revenue analytics, notifications and settings" },
  { role: "support", says: "support: readonly, plus suspend, reactivate and reveal license keys" },
  { role: "admin", says: "admin: customers, licenses, plans, payments, analytics" },
  { role: "owner", says: "owner: everything, including these settings" },
];

export function AdminTokensSection({ admins, signedInAs, reload }: { admins: AdminToken[]; signedInAs: string | null; reload(): void }) {
  const { signOut } = useSession();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<AdminToken | null>(null);
  const [revoked, setRevoked] = useState<string | undefined>();
  const create = useMutation(CreateAdminTokenDocument);
  const revoke = useMutation(RevokeAdminTokenDocument);
  const own = revoking !== null && revoking.id === signedInAs;

  async function submitCreate(form: FormData) {
    const result = await create.run({ input: { name: String(form.get("name") ?? ""), role: String(form.get("role")) as AdminRole } });
    if (!result) return;
    setCreating(false);
    reload();
  }

  async function submitRevoke() {
    if (!revoking) return;
    const result = await revoke.run({ id: revoking.id });
    if (!result) return;
    // The API already refuses this token: end the session now rather than on the next failed call.
    if (own) return signOut("You revoked the token you were signed in with.");
    setRevoked(`The token “${result.revokeAdminToken.name}” is revoked: it no longer works.`);
    setRevoking(null);
    reload();
  }

  return (
    <section aria-labelledby="admin-tokens-heading" className="settings-section">
      <div className="page-heading">
        <h2 id="admin-tokens-heading">Admin tokens</h2>
        <button
          type="button"
          onClick={() => {
            create.reset();
            setCreating(true);
          }}
        >
          Create token
        </button>
      </div>
      {create.result && <NewToken created={create.result.createAdminToken} onDone={create.reset} />}
      <DataTable
        caption="Admin tokens, newest first"
        rows={admins}
        rowKey={(admin) => admin.id}
        columns={[
          { header: "Name", cell: (admin) => (admin.id === signedInAs ? `${admin.name} (you)` : admin.name) },
          { header: "Role", cell: (admin) => admin.role },
          { header: "Token", cell: (admin) => <code>{admin.tokenPrefix}…</code> },
          { header: "Created", cell: (admin) => formatDateTime(admin.createdAt) },
          { header: "Last used", cell: (admin) => formatDateTime(admin.lastUsedAt) },
          {
            header: "State",
            cell: (admin) => (admin.revokedAt ? <>revoked {formatDateTime(admin.revokedAt)}</> : <StatusBadge status="active" />),
          },
          {
            header: "Actions",
            cell: (admin) =>
              admin.revokedAt ? null : (
                <button
                  type="button"
                  className="secondary"
                  onClick={() => {
                    revoke.reset();
                    setRevoked(undefined);
                    setRevoking(admin);
                  }}
                >
                  Revoke<span className="visually-hidden"> the token {admin.name}</span>
                </button>
              ),
          },
        ]}
      />
      <Outcome success={revoked} />
      <ConfirmDialog
        open={creating}
        title="Create an admin token"
        confirmLabel="Create token"
        busy={create.busy}
        onConfirm={(form) => void submitCreate(form)}
        onCancel={() => setCreating(false)}
      >
        {creating && (
          <>
            <label htmlFor="token-name">Name</label>
            <input id="token-name" name="name" required maxLength={100} autoComplete="off" aria-describedby="token-name-help" />
            <small id="token-name-help">Who or what uses it, e.g. &quot;Support: Anna&quot; or &quot;Monitoring&quot;.</small>
            <label htmlFor="token-role">Role</label>
            <select id="token-role" name="role" defaultValue="readonly">
              {ROLES.map(({ role, says }) => (
                <option key={role} value={role}>
                  {says}
                </option>
              ))}
            </select>
            <Outcome error={create.error} />
          </>
        )}
      </ConfirmDialog>
      <ConfirmDialog
        open={revoking !== null}
        title={revoking ? `Revoke the token “${revoking.name}”?` : "Revoke"}
        confirmLabel={own ? "Revoke and sign out" : "Revoke token"}
        danger
        busy={revoke.busy}
        onConfirm={() => void submitRevoke()}
        onCancel={() => setRevoking(null)}
      >
        {revoking && (
          <>
            <p>
              Whatever uses <code>{revoking.tokenPrefix}…</code> ({revoking.role}) is refused from now on. This cannot be undone.
            </p>
            {own && (
              <p className="notice">
                <strong>This is the token you are signed in with.</strong> Revoking it signs you out at once; sign in again with another
                owner token.
              </p>
            )}
            <Outcome error={revoke.error} />
          </>
        )}
      </ConfirmDialog>
    </section>
  );
}

/** The new token, this once: the platform keeps only its digest, and a reload forgets it. */
function NewToken({ created, onDone }: { created: { token: string; admin: AdminToken }; onDone(): void }) {
  const [copied, setCopied] = useState<{ ok: boolean; text: string } | null>(null);
  function copy() {
    navigator.clipboard.writeText(created.token).then(
      () => setCopied({ ok: true, text: "Copied to the clipboard." }),
      () => setCopied({ ok: false, text: "The browser did not allow copying: select the token and copy it by hand." }),
    );
  }
  return (
    <article className="new-token" aria-labelledby="new-token-heading">
      <h3 id="new-token-heading">
        New {created.admin.role} token “{created.admin.name}”
      </h3>
      <p className="notice" role="status">
        Copy it now: <strong>it will not be shown again.</strong> The platform keeps only a digest of it.
      </p>
      <label htmlFor="new-token-value">New admin token</label>
      <div className="actions">
        <input id="new-token-value" readOnly value={created.token} onFocus={(event) => event.currentTarget.select()} />
        <button type="button" onClick={copy}>
          Copy token
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Done
        </button>
      </div>
      {copied && (
        <p role={copied.ok ? "status" : "alert"} className={`outcome ${copied.ok ? "ok" : "error"}`}>
          {copied.text}
        </p>
      )}
    </article>
  );
}
