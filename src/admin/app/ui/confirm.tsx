import { useEffect, useId, useRef, type FormEvent, type ReactNode } from "react";

/**
 * A confirmation in a native modal <dialog>: the browser traps focus in it, Escape cancels, and focus returns to
 * the button that opened it. `children` holds the form's fields (a reason, a date); the dialog stays open on error.
 */
export function ConfirmDialog({
  open,
  title,
  confirmLabel,
  danger,
  busy,
  onConfirm,
  onCancel,
  children,
}: {
  open: boolean;
  title: string;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm(form: FormData): void;
  onCancel(): void;
  children?: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onConfirm(new FormData(event.currentTarget));
  }

  return (
    <dialog ref={ref} aria-labelledby={titleId} onCancel={onCancel} onClose={onCancel}>
      <article>
        <form onSubmit={submit}>
          <h2 id={titleId}>{title}</h2>
          {children}
          <footer>
            <button type="button" className="secondary" onClick={onCancel}>
              Cancel
            </button>
            <button type="submit" className={danger ? "danger" : undefined} aria-busy={busy} disabled={busy}>
              {confirmLabel}
            </button>
          </footer>
        </form>
      </article>
    </dialog>
  );
}
