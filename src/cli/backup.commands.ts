import type { Command } from "commander";
import { createBackup } from "../backup/backup.create";
import { BackupError } from "../backup/backup.errors";
import type { BackupManifest, Consistency } from "../backup/backup.format";
import { verifyBackup } from "../backup/backup.reader";
import { restoreBackup } from "../backup/backup.restore";
import { loadConfig } from "../config";
import { connectDatabase, type Database } from "../db/connect";
import { createCliLogger } from "./cli.logger";
import { createOutput, type Output } from "./output";

export function registerBackupCommands(program: Command): void {
  const backup = program
    .command("backup")
    .description("write, check and restore backups of the database (one gzip file of canonical Extended JSON)");

  backup
    .command("create")
    .description("write a consistent backup of the database to a new file")
    .requiredOption("--out <file>", "the file to write (it must not exist yet)")
    .action(async (options: { out: string }) => {
      await run(program, async (out) => {
        const result = await withDatabase((db) => createBackup(db.connection, options.out));
        out.result({ ok: true, file: result.file, bytes: result.bytes, documents: result.documents, manifest: result.manifest }, () => {
          const collections = Object.keys(result.manifest.collections).length;
          out.line(`Backup written to ${result.file}: ${collections} collections, ${result.documents} documents, ${result.bytes} bytes.`);
          out.line(`Consistency: ${describeConsistency(result.manifest.consistency)}.`);
        });
      });
    });

  backup
    .command("verify")
    .description("check a backup file completely (structure, counts, SHA-256 hashes), without a database")
    .argument("<file>", "the backup file")
    .action(async (file: string) => {
      await run(program, async (out) => {
        const { header, manifest } = await verifyBackup(file);
        out.result({ ok: true, file, header, manifest }, () => {
          out.line(
            `${file} is a sound backup: format ${manifest.formatVersion}, platform ${manifest.platformVersion}, database ${manifest.database}, ` +
              `taken ${manifest.createdAt}.`,
          );
          out.line(`Consistency: ${describeConsistency(manifest.consistency)}.`);
          printCollections(out, manifest);
        });
      });
    });

  backup
    .command("restore")
    .description("restore a backup into an empty database, recreate its indexes and check what was restored")
    .argument("<file>", "the backup file")
    .option("--drop", "replace a database that is not empty: drop every collection in it first")
    .action(async (file: string, options: { drop?: boolean }) => {
      await run(program, async (out) => {
        const result = await withDatabase((db) => restoreBackup(db.connection, file, { drop: options.drop === true }));
        out.result({ ok: true, ...result }, () => {
          if (result.dropped.length > 0) out.line(`Dropped ${result.dropped.length} collections first.`);
          out.line(
            `Restored ${file} into the database ${result.database}: ${result.collections.length} collections, ${result.documents} documents; ` +
              "counts and SHA-256 hashes checked, indexes recreated.",
          );
          printCollections(out, result.manifest);
          out.line("Start the platform with the APP_SECRET the backed-up database was made with: it refuses any other.");
        });
      });
    });
}

/** Connects as the platform does, attaching to the running platform's embedded engine when there is one. */
async function withDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const logger = createCliLogger(config);
  const db = await connectDatabase(config, logger, { attachToRunningEngine: true });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

/** A refused or failed backup is one line and exit code 1, as the CLI reports every expected failure. */
async function run(program: Command, work: (out: Output) => Promise<void>): Promise<void> {
  const json = program.opts().json === true;
  try {
    await work(createOutput(json));
  } catch (error) {
    if (!(error instanceof BackupError)) throw error;
    if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: error.message })}\n`);
    else process.stderr.write(`Error: ${error.message}\n`);
    process.exit(1);
  }
}

function describeConsistency(consistency: Consistency): string {
  switch (consistency.method) {
    case "single-read":
      return "one point in time (the embedded engine read every collection in one atomic command)";
    case "snapshot": {
      const at = consistency.atClusterTime;
      return `one point in time (a snapshot session${at ? ` at cluster time ${at.t}.${at.i}` : ""})`;
    }
    case "per-collection":
      return "each collection at its own moment (a standalone server offers no snapshot): writes during the backup may fall between collections";
  }
}

function printCollections(out: Output, manifest: BackupManifest): void {
  const names = Object.keys(manifest.collections);
  const width = Math.max(0, ...names.map((name) => name.length));
  for (const name of names) {
    const { count, indexes, sha256 } = manifest.collections[name] as BackupManifest["collections"][string];
    out.line(`  ${name.padEnd(width)}  ${String(count).padStart(8)} documents  ${indexes} indexes  sha256 ${sha256.slice(0, 16)}…`);
  }
}
