import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { request, whenUnauthenticated } from "../api/client";
import { ViewerDocument, type AdminRole } from "../api/operations";

/** sessionStorage, never a URL or localStorage: the token lives as long as the tab and is never in history or logs. */
const STORAGE_KEY = "chatello.admin.token";

export interface Session {
  token: string;
  role: AdminRole;
  name: string;
}

interface SessionState {
  session: Session | null;
  /** Why the last session ended (shown on the sign-in page), e.g. "Invalid or revoked admin token". */
  endedBecause: string | null;
  signIn(token: string): Promise<void>;
  signOut(reason?: string): void;
}

const SessionContext = createContext<SessionState | null>(null);

/** Asks the API who the token belongs to; only an admin token is accepted here (a license key is not a sign-in). */
async function whoIs(token: string): Promise<Session> {
  const { viewer } = await request(token, ViewerDocument);
  if (viewer.kind !== "admin" || !viewer.role || !viewer.admin) throw new Error("This is not an admin token.");
  return { token, role: viewer.role, name: viewer.admin.name };
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(null);
  const [restoring, setRestoring] = useState(() => sessionStorage.getItem(STORAGE_KEY) !== null);
  const [endedBecause, setEndedBecause] = useState<string | null>(null);

  const signOut = useCallback((reason?: string) => {
    sessionStorage.removeItem(STORAGE_KEY);
    setSession(null);
    setEndedBecause(reason ?? null);
  }, []);

  const signIn = useCallback(async (token: string) => {
    const next = await whoIs(token.trim());
    sessionStorage.setItem(STORAGE_KEY, next.token);
    setEndedBecause(null);
    setSession(next);
  }, []);

  useEffect(() => {
    whenUnauthenticated((message) => signOut(`Signed out: ${message}.`));
    const stored = sessionStorage.getItem(STORAGE_KEY);
    if (stored === null) return;
    whoIs(stored)
      .then(setSession)
      .catch((error: unknown) => signOut(`Signed out: ${error instanceof Error ? error.message : String(error)}.`))
      .finally(() => setRestoring(false));
  }, [signOut]);

  const value = useMemo(() => ({ session, endedBecause, signIn, signOut }), [session, endedBecause, signIn, signOut]);
  if (restoring) return <p aria-busy="true">Signing in…</p>;
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSessionState(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error("useSessionState outside SessionProvider");
  return state;
}

/** The signed-in session (pages are only rendered inside one). */
export function useSession(): Session & { signOut(reason?: string): void } {
  const { session, signOut } = useSessionState();
  if (!session) throw new Error("useSession without a session");
  return { ...session, signOut };
}
