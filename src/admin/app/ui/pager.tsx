import { useUrlState } from "./url-state";

/**
 * Cursor paging (the API pages forward with `after`): the cursors of the pages before this one are kept in the
 * URL (`trail`), so "Previous" is exact and every page has its own address.
 */
export function Pager({
  totalCount,
  shown,
  pageInfo,
  pageSize,
}: {
  totalCount: number;
  shown: number;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
  pageSize: number;
}) {
  const [params, update] = useUrlState();
  const trail = params.get("trail")?.split(" ").filter(Boolean) ?? [];
  const after = params.get("after") ?? "";
  // Assumes every page before this one was full, which cursor pages are.
  const skipped = after ? (trail.length + 1) * pageSize : 0;

  function next() {
    if (!pageInfo.endCursor) return;
    update({ after: pageInfo.endCursor, trail: after ? [...trail, after].join(" ") : undefined });
  }
  function previous() {
    const previousTrail = [...trail];
    const previousAfter = previousTrail.pop();
    update({ after: previousAfter, trail: previousTrail.length ? previousTrail.join(" ") : undefined });
  }

  return (
    <nav aria-label="Pages" className="pager">
      <span role="status">{totalCount === 0 ? "No results" : `${skipped + 1}–${skipped + shown} of ${totalCount}`}</span>
      <button type="button" className="secondary" onClick={previous} disabled={!after}>
        Previous
      </button>
      <button type="button" className="secondary" onClick={next} disabled={!pageInfo.hasNextPage}>
        Next
      </button>
    </nav>
  );
}
