import { useCallback, useEffect, useRef, useState } from "react";
import { request } from "../api/client";
import type { TypedDocumentString } from "../api/operations";
import { useSession } from "../auth/session";

export interface QueryState<R> {
  data: R | undefined;
  error: Error | undefined;
  loading: boolean;
  reload(): void;
}

/**
 * Runs a query when the view mounts and whenever its variables change (compared as JSON). One view, one query:
 * each page asks for everything it shows in one document, so it renders after one GraphQL round trip.
 */
export function useQuery<R, V>(document: TypedDocumentString<R, V>, variables?: V, options: { skip?: boolean } = {}): QueryState<R> {
  const { token } = useSession();
  const key = JSON.stringify(variables ?? {});
  const [state, setState] = useState<{ data?: R; error?: Error; loading: boolean }>({ loading: !options.skip });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);

  useEffect(() => {
    if (options.skip) return;
    let current = true;
    setState((previous) => ({ data: previous.data, loading: true }));
    request(token, document, JSON.parse(key) as V)
      .then((data) => current && setState({ data, loading: false }))
      .catch((error: unknown) => current && setState({ error: error instanceof Error ? error : new Error(String(error)), loading: false }));
    return () => {
      current = false;
    };
  }, [token, document, key, generation, options.skip]);

  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export interface MutationState<R, V> {
  run(variables: V): Promise<R | undefined>;
  result: R | undefined;
  error: Error | undefined;
  busy: boolean;
  reset(): void;
}

/** A mutation with its outcome kept for the view to show (the result, or the API's message). */
export function useMutation<R, V>(document: TypedDocumentString<R, V>): MutationState<R, V> {
  const { token } = useSession();
  const [state, setState] = useState<{ result?: R; error?: Error; busy: boolean }>({ busy: false });
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );
  const run = useCallback(
    async (variables: V) => {
      setState({ busy: true });
      try {
        const result = await request(token, document, variables);
        if (mounted.current) setState({ result, busy: false });
        return result;
      } catch (error) {
        if (mounted.current) setState({ error: error instanceof Error ? error : new Error(String(error)), busy: false });
        return undefined;
      }
    },
    [token, document],
  );
  const reset = useCallback(() => setState({ busy: false }), []);
  return { run, result: state.result, error: state.error, busy: state.busy, reset };
}
