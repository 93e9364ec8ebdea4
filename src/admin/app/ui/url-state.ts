import { useCallback, useMemo } from "react";
import { useLocation, useSearch } from "wouter";

/**
 * Filters and the page live in the URL (?status=active&after=…), so a filtered view can be bookmarked, shared,
 * and left with Back. Setting a filter starts again from the first page.
 */
export function useUrlState(): [URLSearchParams, (changes: Record<string, string | undefined>) => void] {
  const search = useSearch();
  const [location, navigate] = useLocation();
  const params = useMemo(() => new URLSearchParams(search), [search]);
  const update = useCallback(
    (changes: Record<string, string | undefined>) => {
      const next = new URLSearchParams(search);
      const paging = "after" in changes || "trail" in changes;
      if (!paging) {
        next.delete("after");
        next.delete("trail");
      }
      for (const [name, value] of Object.entries(changes)) {
        if (value === undefined || value === "") next.delete(name);
        else next.set(name, value);
      }
      const query = next.toString();
      navigate(query ? `${location}?${query}` : location);
    },
    [search, location, navigate],
  );
  return [params, update];
}

/** The GraphQL paging arguments for the page the URL names. */
export function pageArguments(params: URLSearchParams, pageSize: number): { first: number; after?: string } {
  const after = params.get("after");
  return after ? { first: pageSize, after } : { first: pageSize };
}
