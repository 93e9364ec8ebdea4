import { useId, type FormEvent } from "react";
import { useUrlState } from "./url-state";

export interface FilterField {
  /** The URL parameter it sets. */
  name: string;
  label: string;
  type?: "text" | "date" | "select";
  /** For selects: value and label; an "All" option (no filter) comes first. */
  options?: Array<{ value: string; label: string }>;
  placeholder?: string;
}

/**
 * A list's filters as one small form: the fields start from the URL, "Apply" writes them back to it (and starts
 * again from the first page), "Clear" removes them. Typing does not reload the list on every key.
 */
export function FilterForm({ label, fields }: { label: string; fields: FilterField[] }) {
  const [params, update] = useUrlState();
  const id = useId();

  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    update(Object.fromEntries(fields.map((field) => [field.name, String(form.get(field.name) ?? "").trim() || undefined])));
  }
  function clear() {
    update(Object.fromEntries(fields.map((field) => [field.name, undefined])));
  }

  return (
    // Keyed on the URL's filters, so Back/Forward and "Clear" show the filters in force.
    <form className="filters" aria-label={label} onSubmit={apply} key={fields.map((field) => params.get(field.name) ?? "").join("\u0000")}>
      {fields.map((field) => {
        const fieldId = `${id}-${field.name}`;
        const value = params.get(field.name) ?? "";
        return (
          <label key={field.name} htmlFor={fieldId}>
            {field.label}
            {field.type === "select" ? (
              <select id={fieldId} name={field.name} defaultValue={value}>
                <option value="">All</option>
                {field.options?.map((option) => (
                  <option key={option.value} value={option.value}>
                    {option.label}
                  </option>
                ))}
              </select>
            ) : (
              <input id={fieldId} name={field.name} type={field.type ?? "text"} defaultValue={value} placeholder={field.placeholder} />
            )}
          </label>
        );
      })}
      <div className="actions">
        <button type="submit">Apply</button>
        <button type="button" className="secondary" onClick={clear}>
          Clear
        </button>
      </div>
    </form>
  );
}

/** The URL's filter values, without the empty ones (for a GraphQL filter input). */
export function filterFromUrl<K extends string>(params: URLSearchParams, names: readonly K[]): Partial<Record<K, string>> {
  const filter: Partial<Record<K, string>> = {};
  for (const name of names) {
    const value = params.get(name);
    if (value) filter[name] = value;
  }
  return filter;
}
