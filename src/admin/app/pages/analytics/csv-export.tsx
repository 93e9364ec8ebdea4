import { useState } from "react";
import { useSession } from "../../auth/session";
import { Outcome } from "../../ui/states";
import type { DayRange } from "./range";

/**
 * Downloads GET /api/admin/analytics/history.csv (daily rows) for the range. The route takes the admin token in the
 * Authorization header, as GraphQL does; the token never goes into a URL, so the file is fetched and saved as a blob.
 */
export function CsvExport({ range, currency }: { range: DayRange; currency: string }) {
  const { token } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const name = `analytics-${currency}-${range.from}-${range.to}.csv`;

  async function download() {
    setBusy(true);
    setError(undefined);
    try {
      const query = new URLSearchParams({ from: range.from, to: range.to, currency });
      const response = await fetch(`/api/admin/analytics/history.csv?${query.toString()}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (!response.ok) {
        const body = (await response.json().catch(() => ({}))) as { error?: string };
        throw new Error(body.error ?? `The export failed (${response.status}).`);
      }
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement("a");
      link.href = url;
      link.download = name;
      document.body.append(link);
      link.click();
      link.remove();
      // The click has started the download; the blob is not needed after this turn.
      setTimeout(() => URL.revokeObjectURL(url), 0);
    } catch (caught) {
      setError(caught instanceof Error ? caught : new Error(String(caught)));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div>
      <button type="button" className="secondary" onClick={() => void download()} aria-busy={busy} disabled={busy}>
        Export CSV (one row per day)
      </button>
      <Outcome error={error} />
    </div>
  );
}
