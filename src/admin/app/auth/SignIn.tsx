import { useState, type FormEvent } from "react";
import { useSessionState } from "./session";

export function SignIn() {
  const { signIn, endedBecause } = useSessionState();
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(token);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
      setBusy(false);
    }
  }

  return (
    <main className="container sign-in">
      <article>
        <header>
          <h1>Chatello admin</h1>
          <p>Sign in with an admin token (create one with `platform admin:token create`).</p>
        </header>
        {endedBecause && !error && (
          <p role="status" className="notice">
            {endedBecause}
          </p>
        )}
        <form onSubmit={submit}>
          <label htmlFor="admin-token">Admin token</label>
          <input
            id="admin-token"
            name="admin-token"
            type="password"
            autoComplete="off"
            required
            value={token}
            onChange={(event) => setToken(event.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? "sign-in-error" : undefined}
          />
          {error && (
            <small id="sign-in-error" role="alert">
              {error}
            </small>
          )}
          <button type="submit" aria-busy={busy} disabled={busy || token.trim() === ""}>
            Sign in
          </button>
        </form>
      </article>
    </main>
  );
}
