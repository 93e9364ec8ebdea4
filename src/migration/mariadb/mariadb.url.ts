import { MigrationSourceError } from "../migration.errors";

export interface MariadbTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** The URL without its password, for messages and reports. */
  shown: string;
}

const EXAMPLE = "mysql://user:password@host:3306/chatello_saas";

/** Parses `--from`: mysql:// or mariadb://, a user, a host, an optional port and the database. */
export function parseMariadbUrl(text: string): MariadbTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new MigrationSourceError(`--from is not a URL; expected something like ${EXAMPLE}`);
  }
  if (url.protocol !== "mysql:" && url.protocol !== "mariadb:")
    throw new MigrationSourceError(`--from must be a mysql:// or mariadb:// URL (got ${url.protocol}//…), e.g. ${EXAMPLE}`);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ""));
  if (url.hostname === "") throw new MigrationSourceError(`--from names no host, e.g. ${EXAMPLE}`);
  if (database === "" || database.includes("/")) throw new MigrationSourceError(`--from names no database, e.g. ${EXAMPLE}`);
  if (url.username === "") throw new MigrationSourceError(`--from names no user, e.g. ${EXAMPLE}`);
  const port = url.port === "" ? 3306 : Number(url.port);
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const user = decodeURIComponent(url.username);
  return {
    host,
    port,
    user,
    password: decodeURIComponent(url.password),
    database,
    shown: `${url.protocol}//${encodeURIComponent(user)}${url.password === "" ? "" : ":***"}@${url.host}/${encodeURIComponent(database)}`,
  };
}
