import mysql from "mysql2/promise";
import { MigrationSourceError } from "../migration.errors";
import type { MariadbTarget } from "./mariadb.url";
import { V1_COLUMNS, V1_TABLES, type DateKind, type V1Table } from "./v1.schema";

export type SourceRow = Record<string, unknown>;

const CONNECT_TIMEOUT_MS = 10_000;

/**
 * The v1 database, opened read-only inside one consistent snapshot: every query of a run sees the data as it was
 * when the run started, whatever the live v1 server writes meanwhile. TIMESTAMPs are read in UTC.
 */
export class MariadbSource {
  private constructor(
    private readonly connection: mysql.Connection,
    readonly target: MariadbTarget,
    readonly serverVersion: string,
    readonly serverTimeZone: { global: string; system: string },
    /** Per table, the date columns and whether each is a TIMESTAMP or a DATETIME. */
    readonly dateKinds: Record<V1Table, Record<string, DateKind>>,
  ) {}

  static async open(target: MariadbTarget): Promise<MariadbSource> {
    let connection: mysql.Connection;
    try {
      connection = await mysql.createConnection({
        host: target.host,
        port: target.port,
        user: target.user,
        password: target.password,
        database: target.database,
        connectTimeout: CONNECT_TIMEOUT_MS,
        charset: "utf8mb4_general_ci",
        // Exact values: dates as text (converted by the importer, zero dates included), DECIMAL and BIGINT as
        // strings (never through a float), JSON as its raw text (it may not be valid).
        dateStrings: true,
        decimalNumbers: false,
        supportBigNumbers: true,
        bigNumberStrings: true,
        jsonStrings: true,
      });
    } catch (error) {
      throw connectError(error, target);
    }
    try {
      await connection.query("SET SESSION time_zone = '+00:00'");
      await connection.query("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      await connection.query("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
      const [[info]] = await connection.query<mysql.RowDataPacket[]>(
        "SELECT VERSION() AS version, @@global.time_zone AS global_zone, @@system_time_zone AS system_zone",
      );
      const dateKinds = await checkSchema(connection, target);
      return new MariadbSource(
        connection,
        target,
        String(info?.version ?? "unknown"),
        { global: String(info?.global_zone ?? "unknown"), system: String(info?.system_zone ?? "unknown") },
        dateKinds,
      );
    } catch (error) {
      await connection.end().catch(() => undefined);
      if (error instanceof MigrationSourceError) throw error;
      throw new MigrationSourceError(`cannot read ${target.shown}: ${(error as Error).message}`);
    }
  }

  async query<T extends SourceRow = SourceRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    const [rows] = await this.connection.query<mysql.RowDataPacket[]>(sql, params);
    return rows as unknown as T[];
  }

  /** The table's columns the importer reads, for a SELECT list. */
  columns(table: V1Table): string {
    return V1_COLUMNS[table].map((column) => `\`${column}\``).join(", ");
  }

  /** Ends the snapshot (nothing was written in it) and the connection. */
  async close(): Promise<void> {
    await this.connection.query("ROLLBACK").catch(() => undefined);
    await this.connection.end().catch(() => undefined);
  }
}

/** Refuses a database that is not the v1 schema, naming what is missing. */
async function checkSchema(connection: mysql.Connection, target: MariadbTarget): Promise<Record<V1Table, Record<string, DateKind>>> {
  const [rows] = await connection.query<mysql.RowDataPacket[]>(
    "SELECT TABLE_NAME AS t, COLUMN_NAME AS c, DATA_TYPE AS type FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?",
    [target.database],
  );
  const present = new Map<string, Map<string, string>>();
  for (const row of rows) {
    const table = String(row.t).toLowerCase();
    if (!present.has(table)) present.set(table, new Map());
    present.get(table)?.set(String(row.c).toLowerCase(), String(row.type).toLowerCase());
  }
  const missingTables = V1_TABLES.filter((table) => !present.has(table));
  if (missingTables.length === V1_TABLES.length)
    throw new MigrationSourceError(
      `the database "${target.database}" at ${target.host}:${target.port} is not a Chatello v1 database: it has none of its tables (${V1_TABLES.join(", ")})`,
    );
  const missingColumns = V1_TABLES.filter((table) => present.has(table)).flatMap((table) =>
    V1_COLUMNS[table].filter((column) => !present.get(table)?.has(column)).map((column) => `${table}.${column}`),
  );
  if (missingTables.length > 0 || missingColumns.length > 0) {
    const parts = [];
    if (missingTables.length > 0) parts.push(`missing tables ${missingTables.join(", ")}`);
    if (missingColumns.length > 0) parts.push(`missing columns ${missingColumns.join(", ")}`);
    throw new MigrationSourceError(
      `the database "${target.database}" at ${target.host}:${target.port} is not the Chatello v1 schema: ${parts.join("; ")}`,
    );
  }
  const kinds = {} as Record<V1Table, Record<string, DateKind>>;
  for (const table of V1_TABLES) {
    kinds[table] = {};
    for (const [column, type] of present.get(table) ?? []) if (type === "timestamp" || type === "datetime") kinds[table][column] = type;
  }
  return kinds;
}

function connectError(error: unknown, target: MariadbTarget): MigrationSourceError {
  const code = (error as { code?: string }).code ?? "";
  const where = `${target.host}:${target.port}`;
  switch (code) {
    case "ECONNREFUSED":
      return new MigrationSourceError(
        `cannot reach MariaDB at ${where}: connection refused (is the server running, and is the port right?)`,
      );
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new MigrationSourceError(`cannot reach MariaDB at ${where}: unknown host "${target.host}"`);
    case "ETIMEDOUT":
      return new MigrationSourceError(`cannot reach MariaDB at ${where}: no answer within ${CONNECT_TIMEOUT_MS / 1000} s`);
    case "ER_ACCESS_DENIED_ERROR":
      return new MigrationSourceError(`MariaDB at ${where} refused the login of user "${target.user}": wrong user or password`);
    case "ER_DBACCESS_DENIED_ERROR":
      return new MigrationSourceError(`MariaDB at ${where}: user "${target.user}" may not read the database "${target.database}"`);
    case "ER_BAD_DB_ERROR":
      return new MigrationSourceError(`MariaDB at ${where} has no database "${target.database}"`);
    default:
      return new MigrationSourceError(`cannot connect to MariaDB at ${where}: ${(error as Error).message}`);
  }
}
