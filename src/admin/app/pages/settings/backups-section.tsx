import type { SettingsQuery } from "../../api/operations";
import { formatDateTime, formatNumber } from "../../ui/format";
import { DataTable } from "../../ui/table";

type Backups = SettingsQuery["backups"];

/** 1536 → "1.5 KB" (powers of 1024, as file managers show them). */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return "—";
  const units = ["bytes", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${new Intl.NumberFormat(undefined, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value)} ${units[unit]}`;
}

export function BackupsSection({ backups }: { backups: Backups }) {
  return (
    <section aria-labelledby="backups-heading" className="settings-section">
      <h2 id="backups-heading">Backups</h2>
      {backups.enabled ? <BackupsOn backups={backups} /> : <BackupsOff />}
    </section>
  );
}

function BackupsOff() {
  return (
    <div className="notice">
      <p>
        <strong>Scheduled backups are off.</strong> To turn them on, set <code>BACKUP_DIR</code> to a folder on a disk that survives the
        machine (it is created if missing) and restart the platform. <code>BACKUP_EVERY</code> says how often (default <code>24h</code>;{" "}
        <code>30m</code>, <code>6h</code>, <code>7d</code> …) and <code>BACKUP_KEEP</code> how many files to keep (default 14).
      </p>
      <p>
        A backup by hand, at any time: <code>npm run cli -- backup create --out chatello.backup.gz</code>.
      </p>
    </div>
  );
}

function BackupsOn({ backups }: { backups: Backups }) {
  const failedSinceSuccess =
    backups.lastFailureAt !== null && (backups.lastAt === null || new Date(backups.lastFailureAt) > new Date(backups.lastAt));
  return (
    <>
      <div className="cards">
        <article>
          <header>Last backup</header>
          <p className="card-value">{backups.lastAt ? formatDateTime(backups.lastAt) : "None yet"}</p>
          {backups.lastFile && (
            <small>
              {backups.lastFile}: {formatBytes(backups.lastBytes)}, {formatNumber(backups.lastDocuments)} documents
            </small>
          )}
        </article>
        <article>
          <header>Next backup</header>
          <p className="card-value">{formatDateTime(backups.nextAt)}</p>
          <small>
            Every {backups.every}, keeping the newest {backups.keep}
          </small>
        </article>
        <article>
          <header>Folder</header>
          <p>
            <code>{backups.directory}</code>
          </p>
          <small>{formatNumber(backups.files.length)} backup files</small>
        </article>
      </div>
      {failedSinceSuccess && (
        <p role="alert" className="outcome error">
          The last scheduled backup failed ({formatDateTime(backups.lastFailureAt)}): {backups.lastFailureMessage}
        </p>
      )}
      <DataTable
        caption="Backup files, newest first"
        rows={backups.files}
        rowKey={(file) => file.name}
        empty="No backup file in the folder yet."
        columns={[
          { header: "File", cell: (file) => <code>{file.name}</code> },
          { header: "Started", cell: (file) => formatDateTime(file.createdAt) },
          { header: "Size", numeric: true, cell: (file) => formatBytes(file.sizeBytes) },
        ]}
      />
    </>
  );
}
