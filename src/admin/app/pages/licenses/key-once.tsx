import { useState } from "react";

/**
 * A license key shown once (issued, rotated or revealed): it is not kept anywhere, so it is gone when this is
 * dismissed or the page is left. "Copy" puts it on the clipboard.
 */
export function KeyOnce({ title, licenseKey, onDismiss }: { title: string; licenseKey: string; onDismiss(): void }) {
  const [copied, setCopied] = useState<string | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(licenseKey);
      setCopied("Copied to the clipboard.");
    } catch {
      setCopied("Could not copy: select the key and copy it by hand.");
    }
  }
  return (
    <article className="key-once" aria-labelledby="key-once-title">
      <h2 id="key-once-title">{title}</h2>
      <p>This is the only time the key is shown. Copy it now and give it to the customer.</p>
      <p>
        <code className="license-key">{licenseKey}</code>
      </p>
      <div className="actions">
        <button type="button" onClick={() => void copy()}>
          Copy key
        </button>
        <button type="button" className="secondary" onClick={onDismiss}>
          Done, hide the key
        </button>
      </div>
      {copied && <p role="status">{copied}</p>}
    </article>
  );
}
