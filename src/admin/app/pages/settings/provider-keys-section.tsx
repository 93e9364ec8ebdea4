import { useState } from "react";
import { SetProviderKeyDocument, TestProviderKeyDocument, type SettingsQuery, type TestProviderKeyMutation } from "../../api/operations";
import { ConfirmDialog } from "../../ui/confirm";
import { formatDateTime, formatNumber } from "../../ui/format";
import { Outcome, StatusBadge } from "../../ui/states";
import { DataTable } from "../../ui/table";
import { useMutation } from "../../ui/use-api";

type StoredKey = SettingsQuery["providerKeys"][number];
type KeySource = SettingsQuery["providerKeySources"][number];
type KeyTest = TestProviderKeyMutation["testProviderKey"];

/** The providers the platform calls (src/ai/providers.ts), in the order the page lists them. */
const PROVIDERS = [
  { id: "openai", label: "OpenAI", env: "OPENAI_API_KEY" },
  { id: "anthropic", label: "Anthropic", env: "ANTHROPIC_API_KEY" },
  { id: "deepseek", label: "DeepSeek", env: "DEEPSEEK_API_KEY" },
] as const;
type ProviderRow = (typeof PROVIDERS)[number] & { stored: StoredKey | undefined; source: KeySource | undefined };

export function ProviderKeysSection({ keys, sources, reload }: { keys: StoredKey[]; sources: KeySource[]; reload(): void }) {
  const rows: ProviderRow[] = PROVIDERS.map((provider) => ({
    ...provider,
    stored: keys.find((key) => key.provider === provider.id),
    source: sources.find((source) => source.provider === provider.id),
  }));
  const [editing, setEditing] = useState<ProviderRow | null>(null);
  const [saved, setSaved] = useState<string | undefined>();
  const save = useMutation(SetProviderKeyDocument);
  const test = useMutation(TestProviderKeyDocument);
  const [tests, setTests] = useState<Record<string, KeyTest>>({});
  const [testing, setTesting] = useState<string | null>(null);

  async function runTest(provider: string) {
    setTesting(provider);
    const result = await test.run({ provider });
    setTesting(null);
    if (result) setTests((previous) => ({ ...previous, [provider]: result.testProviderKey }));
  }

  async function submitKey(form: FormData) {
    if (!editing) return;
    const result = await save.run({ provider: editing.id, apiKey: String(form.get("apiKey") ?? "") });
    if (!result) return;
    setSaved(`${editing.label} key saved: it ends in ${result.setProviderKey.keyLast4}.`);
    setEditing(null);
    reload();
  }

  return (
    <section aria-labelledby="provider-keys-heading" className="settings-section">
      <h2 id="provider-keys-heading">Provider keys</h2>
      <p>
        The platform&apos;s own keys for AI calls. A key saved here is stored encrypted and wins over the environment&apos;s
        <code>*_API_KEY</code>; only its last 4 characters are ever shown. &quot;Test&quot; sends one real call of one output token to the
        provider&apos;s default model.
      </p>
      <DataTable
        caption="Provider keys"
        rows={rows}
        rowKey={(row) => row.id}
        columns={[
          { header: "Provider", cell: (row) => row.label },
          { header: "Key", cell: (row) => (row.stored ? <code>•••• {row.stored.keyLast4}</code> : "None stored") },
          { header: "In use", cell: (row) => <KeyInUse row={row} /> },
          { header: "Default model", cell: (row) => <code>{row.source?.defaultModel ?? "—"}</code> },
          { header: "Last used", cell: (row) => formatDateTime(row.stored?.lastUsed) },
          { header: "Uses", numeric: true, cell: (row) => (row.stored ? formatNumber(row.stored.usageCount) : "—") },
          { header: "Saved", cell: (row) => formatDateTime(row.stored?.updatedAt) },
          {
            header: "Actions",
            cell: (row) => (
              <div className="actions">
                <button
                  type="button"
                  className="secondary"
                  onClick={() => {
                    save.reset();
                    setSaved(undefined);
                    setEditing(row);
                  }}
                >
                  {row.stored ? "Replace key" : "Set key"}
                  <span className="visually-hidden"> for {row.label}</span>
                </button>
                <button
                  type="button"
                  className="outline"
                  aria-busy={testing === row.id}
                  disabled={testing !== null}
                  onClick={() => void runTest(row.id)}
                >
                  Test key<span className="visually-hidden"> for {row.label}</span>
                </button>
              </div>
            ),
          },
        ]}
      />
      <Outcome success={saved} />
      {test.error && <Outcome error={test.error} />}
      {rows.map((row) => {
        const result = tests[row.id];
        if (!result) return null;
        return (
          <p key={row.id} role={result.ok ? "status" : "alert"} className={`outcome ${result.ok ? "ok" : "error"}`}>
            <strong>{row.label} test:</strong> {result.ok ? "the key works." : "the key failed."} {result.message}
          </p>
        );
      })}
      <ConfirmDialog
        open={editing !== null}
        title={editing ? `${editing.stored ? "Replace" : "Set"} the ${editing.label} key` : "Provider key"}
        confirmLabel="Save key"
        busy={save.busy}
        onConfirm={(form) => void submitKey(form)}
        onCancel={() => setEditing(null)}
      >
        {editing && (
          <>
            <label htmlFor="provider-api-key">{editing.label} API key</label>
            <input
              id="provider-api-key"
              name="apiKey"
              type="password"
              required
              minLength={8}
              maxLength={500}
              autoComplete="off"
              spellCheck={false}
              aria-describedby="provider-api-key-help"
            />
            <small id="provider-api-key-help">
              Stored encrypted; never shown again, only its last 4 characters.
              {editing.stored && ` It replaces the key ending in ${editing.stored.keyLast4} for every AI call within seconds.`}
            </small>
            <Outcome error={save.error} />
          </>
        )}
      </ConfirmDialog>
    </section>
  );
}

/** Which key AI calls use: the stored one (wins), the environment's, or none (calls to this provider fail). */
function KeyInUse({ row }: { row: ProviderRow }) {
  if (row.source?.keySource === "stored")
    return row.stored?.isActive === false ? <StatusBadge status="inactive" /> : <StatusBadge status="active" />;
  if (row.source?.keySource === "environment") return <>From {row.env}</>;
  return <span className="badge badge-pending">No key</span>;
}
