import { SettingsDocument } from "../../api/operations";
import { can } from "../../auth/roles";
import { useSession } from "../../auth/session";
import { NotAllowed } from "../../ui/layout";
import { Page, QueryView } from "../../ui/states";
import { useQuery } from "../../ui/use-api";
import { AdminTokensSection } from "./admin-tokens-section";
import { BackupsSection } from "./backups-section";
import { ProviderKeysSection } from "./provider-keys-section";
import "./settings.css";

/** Owner only: provider keys, admin tokens and backups. Other roles are told so, and nothing is asked of the API. */
export function SettingsPage() {
  const { role } = useSession();
  return <Page title="Settings">{can(role, "readSettings") ? <SettingsView /> : <NotAllowed what="the settings" />}</Page>;
}

function SettingsView() {
  const state = useQuery(SettingsDocument, {});
  return (
    <QueryView state={state} what="the settings">
      {(data) => (
        <>
          <ProviderKeysSection keys={data.providerKeys} sources={data.providerKeySources} reload={state.reload} />
          <AdminTokensSection admins={data.admins} signedInAs={data.viewer.admin?.id ?? null} reload={state.reload} />
          <BackupsSection backups={data.backups} />
        </>
      )}
    </QueryView>
  );
}
