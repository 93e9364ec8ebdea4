import { MigrationSourceError } from "../migration.errors";

export interface MongoTarget {
  /** The URL as given, for the driver. */
  url: string;
  /** host:port[,host:port…], for messages. */
  hosts: string;
  user: string | null;
  database: string;
  /** The URL without its password, for messages and reports. */
  shown: string;
}

export const DEFAULT_V2_DATABASE = "chatello_saas";
const EXAMPLE = "mongodb://user:password@host:27017/chatello_saas";
const MONGO_URL = /^(mongodb(?:\+srv)?):\/\/(?:([^:@/?]*)(?::([^@/?]*))?@)?([^/?@]*)(?:\/([^?]*))?(\?.*)?$/;

/**
 * Parses `--from` for the v2 importer: mongodb:// or mongodb+srv://, one or more hosts, an optional user and
 * database (the path; `--database` wins, else v2's default `chatello_saas`). The driver checks the options later;
 * this only takes the URL apart far enough to name it without its password.
 */
export function parseMongoUrl(text: string, databaseOption?: string): MongoTarget {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) throw new MigrationSourceError(`--from is not a URL; expected something like ${EXAMPLE}`);
  const match = MONGO_URL.exec(text);
  if (!match) {
    const scheme = text.slice(0, text.indexOf("://"));
    if (scheme !== "mongodb" && scheme !== "mongodb+srv")
      throw new MigrationSourceError(`--from must be a mongodb:// or mongodb+srv:// URL (got ${scheme}://…), e.g. ${EXAMPLE}`);
    throw new MigrationSourceError(`--from is not a MongoDB URL this tool can read; expected something like ${EXAMPLE}`);
  }
  const [, scheme, user, password, hosts = "", path = "", query = ""] = match;
  if (hosts === "") throw new MigrationSourceError(`--from names no host, e.g. ${EXAMPLE}`);
  let database: string;
  try {
    database = databaseOption ?? (decodeURIComponent(path) || DEFAULT_V2_DATABASE);
  } catch {
    throw new MigrationSourceError(`--from has a database name that is not valid URL encoding, e.g. ${EXAMPLE}`);
  }
  if (database === "" || /[/\\. "$]/.test(database)) throw new MigrationSourceError(`"${database}" is not a MongoDB database name`);
  const decodedUser = user === undefined ? null : safeDecode(user);
  const credentials = user === undefined ? "" : `${user}${password === undefined ? "" : ":***"}@`;
  return {
    url: text,
    hosts,
    user: decodedUser,
    database,
    // Options are left out: some carry secrets of their own (tlsCertificateKeyFilePassword, AWS tokens).
    shown: `${scheme}://${credentials}${hosts}/${encodeURIComponent(database)}${query === "" ? "" : "?…"}`,
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
