import { useEffect, type ReactNode } from "react";
import type { QueryState } from "./use-api";

/** A page: its heading, and the document title that goes with it. */
export function Page({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Chatello admin`;
  }, [title]);
  return (
    <>
      <div className="page-heading">
        <h1>{title}</h1>
        {actions}
      </div>
      {children}
    </>
  );
}

export function ErrorBox({ error, retry }: { error: Error; retry?: () => void }) {
  return (
    <div role="alert" className="error-box">
      <p>
        <strong>Could not load this view.</strong> {error.message}
      </p>
      {retry && (
        <button type="button" className="secondary" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p aria-busy="true" role="status">
      Loading {what}…
    </p>
  );
}

/** Loading, error, or the view: every view shows one of the three. Data already shown stays while it reloads. */
export function QueryView<R>({ state, what, children }: { state: QueryState<R>; what: string; children: (data: R) => ReactNode }) {
  if (state.error && !state.data) return <ErrorBox error={state.error} retry={state.reload} />;
  if (!state.data) return <Loading what={what} />;
  return (
    <>
      {state.error && <ErrorBox error={state.error} retry={state.reload} />}
      {children(state.data)}
    </>
  );
}

/** The outcome of an action, announced to screen readers. */
export function Outcome({ error, success }: { error?: Error; success?: ReactNode }) {
  if (error)
    return (
      <p role="alert" className="outcome error">
        {error.message}
      </p>
    );
  if (success)
    return (
      <p role="status" className="outcome ok">
        {success}
      </p>
    );
  return null;
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status.toLowerCase()}`}>{status}</span>;
}
