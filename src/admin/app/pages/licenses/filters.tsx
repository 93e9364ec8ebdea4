import { useEffect, useState, type FormEvent, type ReactNode } from "react";
import { useUrlState } from "../../ui/url-state";

/**
 * The filters of a list page, kept in the URL: text fields apply on "Search" (Enter), selects at once. Going Back
 * restores the fields from the URL.
 */
export function Filters({
  texts,
  children,
}: {
  texts: Array<{ name: string; label: string; pattern?: string; hint?: string }>;
  children?: ReactNode;
}) {
  const [params, update] = useUrlState();
  const fromUrl = texts.map((field) => params.get(field.name) ?? "").join("\u0000");
  const [values, setValues] = useState<Record<string, string>>({});
  useEffect(() => {
    setValues(Object.fromEntries(texts.map((field) => [field.name, params.get(field.name) ?? ""])));
    // Re-read only when the URL's values change (Back, Forward, a link), not while typing.
  }, [fromUrl]);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    update(Object.fromEntries(texts.map((field) => [field.name, values[field.name]?.trim() ?? ""])));
  }

  return (
    <form className="filters" aria-label="Filters" onSubmit={submit}>
      {texts.map((field) => (
        <label key={field.name}>
          {field.label}
          <input
            type="search"
            name={field.name}
            value={values[field.name] ?? ""}
            pattern={field.pattern}
            title={field.hint}
            onChange={(event) => setValues((previous) => ({ ...previous, [field.name]: event.target.value }))}
          />
        </label>
      ))}
      {children}
      <button type="submit" className="filters-submit">
        Search
      </button>
    </form>
  );
}

/** A select filter that applies at once. */
export function SelectFilter({ name, label, options }: { name: string; label: string; options: Array<{ value: string; label: string }> }) {
  const [params, update] = useUrlState();
  return (
    <label>
      {label}
      <select name={name} value={params.get(name) ?? ""} onChange={(event) => update({ [name]: event.target.value })}>
        <option value="">All</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}
