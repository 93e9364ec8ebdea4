import { useState, type ReactNode } from "react";
import type { TypedDocumentString } from "../../api/operations";
import { ConfirmDialog } from "../../ui/confirm";
import { Outcome } from "../../ui/states";
import { useMutation } from "../../ui/use-api";

/**
 * One action of a page: a button that opens a confirmation (with the action's fields), runs the mutation, and hands
 * the result to the page (which shows it and reloads). On error the dialog stays open with the API's message.
 * `variables` reads the dialog's form; it returns a string when the input is not acceptable (shown, nothing sent).
 */
export function ActionButton<R, V>({
  label,
  title,
  confirmLabel,
  danger,
  document,
  variables,
  onDone,
  children,
  outline = true,
}: {
  label: string;
  title: string;
  confirmLabel: string;
  danger?: boolean;
  document: TypedDocumentString<R, V>;
  variables(form: FormData): V | string | Promise<V | string>;
  onDone(result: R): void;
  children?: ReactNode;
  outline?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [invalid, setInvalid] = useState<string | null>(null);
  const mutation = useMutation(document);

  function close() {
    setOpen(false);
    setInvalid(null);
    mutation.reset();
  }

  async function confirm(form: FormData) {
    let vars: V | string;
    try {
      vars = await variables(form);
    } catch (error) {
      vars = error instanceof Error ? error.message : String(error);
    }
    if (typeof vars === "string") {
      setInvalid(vars);
      return;
    }
    setInvalid(null);
    const result = await mutation.run(vars);
    if (result !== undefined) {
      close();
      onDone(result);
    }
  }

  return (
    <>
      <button type="button" className={outline ? "outline" : undefined} onClick={() => setOpen(true)}>
        {label}
      </button>
      {open && (
        <ConfirmDialog
          open={open}
          title={title}
          confirmLabel={confirmLabel}
          danger={danger}
          busy={mutation.busy}
          onConfirm={(form) => void confirm(form)}
          onCancel={close}
        >
          {children}
          <Outcome error={invalid ? new Error(invalid) : mutation.error} />
        </ConfirmDialog>
      )}
    </>
  );
}

/** A form field's trimmed text ("" when absent). */
export function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value.trim() : "";
}
