import { useState, type FormEvent } from "react";
import { Page } from "../ui/states";

/** The plugin's REST routes (shared/contracts/plugin-rest.md), as the old dashboard's "API Testing" page offered them. */
const ENDPOINTS = [
  { id: "health", method: "GET", path: "/api/health", key: false, note: "Detailed health; no key" },
  { id: "validate", method: "POST", path: "/api/validate", key: true, note: "Validate a license (as the plugin does on every page load)" },
  { id: "usage-current", method: "GET", path: "/api/usage/current", key: true, note: "This month's usage and warnings" },
  { id: "usage-history", method: "GET", path: "/api/usage/history", key: true, note: "Daily usage; days 1–90 (default 30)" },
  { id: "limits", method: "GET", path: "/api/limits/check", key: true, note: "Pre-flight limit check" },
  { id: "sites", method: "GET", path: "/api/sites", key: true, note: "The license's activated sites" },
] as const;

type Endpoint = (typeof ENDPOINTS)[number];

interface Answer {
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
  body: string;
  ms: number;
}

/** Pretty-prints a JSON body; anything else is shown as it came. */
function readable(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/**
 * Sends one real request to the plugin's REST API from this browser, with the license key in the X-License-Key
 * header as the plugin sends it, and shows the status, headers and body. The key stays in this form (never in the
 * URL, never stored).
 */
export function ApiTestingPage() {
  const [endpointId, setEndpointId] = useState<Endpoint["id"]>("validate");
  const [licenseKey, setLicenseKey] = useState("");
  const [siteUrl, setSiteUrl] = useState("");
  const [days, setDays] = useState("");
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const endpoint = ENDPOINTS.find((one) => one.id === endpointId) ?? ENDPOINTS[0];

  async function send(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    const query = new URLSearchParams();
    if (endpoint.id === "usage-history" && days) query.set("days", days);
    const headers: Record<string, string> = {};
    if (endpoint.key && licenseKey.trim()) headers["x-license-key"] = licenseKey.trim();
    if (siteUrl.trim()) headers["x-site-url"] = siteUrl.trim();
    const started = performance.now();
    try {
      const response = await fetch(`${endpoint.path}${query.size ? `?${query.toString()}` : ""}`, { method: endpoint.method, headers });
      const body = await response.text();
      setAnswer({
        status: response.status,
        statusText: response.statusText,
        headers: [...response.headers.entries()],
        body: readable(body),
        ms: Math.round(performance.now() - started),
      });
    } catch {
      setAnswer(null);
      setFailure("The platform cannot be reached.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page title="API testing">
      <p>
        Sends a real request to the plugin's REST API, as the WordPress plugin would. It counts toward the license's rate limits and updates
        its last check. Every route, its parameters and its answers are documented at <a href="/api/docs">/api/docs</a> (OpenAPI, with “Try
        it out”); GraphQL has its <a href="/playground/">playground</a>.
      </p>
      <form onSubmit={send}>
        <div className="grid-2">
          <label>
            Endpoint
            <select value={endpointId} onChange={(event) => setEndpointId(event.target.value as Endpoint["id"])}>
              {ENDPOINTS.map((one) => (
                <option key={one.id} value={one.id}>
                  {one.method} {one.path}
                </option>
              ))}
            </select>
            <small>{endpoint.note}</small>
          </label>
          <label>
            License key (X-License-Key)
            <input
              type="password"
              autoComplete="off"
              value={licenseKey}
              onChange={(event) => setLicenseKey(event.target.value)}
              disabled={!endpoint.key}
              placeholder={endpoint.key ? "CHT-…" : "not needed"}
            />
          </label>
          <label>
            Site URL (X-Site-URL, optional)
            <input type="url" value={siteUrl} onChange={(event) => setSiteUrl(event.target.value)} placeholder="https://example.com" />
          </label>
          {endpoint.id === "usage-history" && (
            <label>
              Days
              <input type="number" min={1} max={90} value={days} onChange={(event) => setDays(event.target.value)} placeholder="30" />
            </label>
          )}
        </div>
        <button type="submit" aria-busy={busy} disabled={busy}>
          Send {endpoint.method} {endpoint.path}
        </button>
      </form>
      {failure && <p role="alert">{failure}</p>}
      {answer && (
        <section aria-labelledby="answer-heading">
          <h2 id="answer-heading">
            Answer: {answer.status} {answer.statusText} <small>({answer.ms} ms)</small>
          </h2>
          <details>
            <summary>Headers ({answer.headers.length})</summary>
            <pre>{answer.headers.map(([name, value]) => `${name}: ${value}`).join("\n")}</pre>
          </details>
          <pre aria-label="Response body" tabIndex={0}>
            {answer.body}
          </pre>
        </section>
      )}
    </Page>
  );
}
