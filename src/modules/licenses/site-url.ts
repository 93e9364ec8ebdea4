/**
 * Site URL normal form and development-host test (plugin contract §5, "Normalisation" and
 * "Development hosts"). Pure: no I/O, no clock.
 *
 * Decisions beyond the contract's wording, and why:
 * - Host and port are parsed by WHATWG `URL`, always under http(s) rules whatever the scheme, so the
 *   host gets the same canonical form everywhere: lower-case, percent-decoded, IDN → punycode
 *   (`bücher.example` → `xn--bcher-kva.example`), IPv4 shorthands expanded (`0x7f.1` → `127.0.0.1`),
 *   IPv6 compressed and bracketed (`[0:0::1]` → `[::1]`). Two spellings of one host are one site.
 * - The path is NOT taken from `url.pathname`: that would percent-encode characters and resolve
 *   `.`/`..`, i.e. change the path the contract says to keep "as written". We slice the raw text
 *   between the authority and the first `?`/`#` instead. The single exception is `\`, which is turned
 *   into `/`: browsers (WHATWG) treat it as a path separator in http(s) URLs, so `example.com\shop\`
 *   means `example.com/shop`.
 * - The authority ends at the first `/`, `\`, `?` or `#` (as in WHATWG for http(s)). Unlike WHATWG we
 *   do not skip extra slashes, so `https:///path` and `//example.com` have no host and are invalid.
 * - One trailing dot on the host (the DNS root: `example.com.`) is removed: it names the same site,
 *   and keeping it would let one site take two records and make `localhost.` a non-development host.
 * - Control characters (incl. tab/newline) anywhere make the value invalid: WHATWG silently deletes
 *   tabs/newlines, which would turn garbage like `exa\nmple.com` into a real host.
 * - `http:`/`https:` without `//` (e.g. `http:/example.com`) is invalid rather than read as a host
 *   named `http`.
 * - The 2048-character limit applies to the trimmed input and, because punycode can lengthen a
 *   host, to the result as well.
 */

/** Longest accepted site URL, in UTF-16 code units, after trimming (plugin contract §5). */
export const MAX_SITE_URL_LENGTH = 2048;

export type NormalisedSite = {
  /** `host[:port][path]`, the form sites are stored and compared in. */
  site: string;
  /** Normalised host without port; IPv6 keeps its brackets (`[::1]`). */
  host: string;
  /** True when the host is a development host, which uses no seat. */
  isDevelopment: boolean;
};

/** `scheme://` (or `scheme:\\`, which WHATWG reads the same way) at the very start. */
const SCHEME_PREFIX = /^([A-Za-z][A-Za-z0-9+.-]*):[/\\]{2}/;

/** http(s) written without `//`: a broken URL, not a host called `http`. */
const BROKEN_HTTP_PREFIX = /^https?:/i;

/** C0 controls and DEL. */
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** Where the authority ends (WHATWG, special schemes). */
const AUTHORITY_END = /[/\\?#]/;

/**
 * Default ports that are dropped: http/https per the contract, plus WHATWG's other special schemes
 * so that "the scheme's default" means the same as in a browser. Other schemes have no default.
 */
const DEFAULT_PORTS: Readonly<Record<string, string>> = {
  http: "80",
  https: "443",
  ws: "80",
  wss: "443",
  ftp: "21",
};

const DEVELOPMENT_EXACT_HOSTS: ReadonlySet<string> = new Set(["localhost", "127.0.0.1", "::1"]);
const DEVELOPMENT_SUFFIXES: readonly string[] = [".local", ".test", ".localhost", ".invalid"];
const DEVELOPMENT_FIRST_LABELS: ReadonlySet<string> = new Set(["staging", "stage", "dev"]);

/** `URL` or null instead of a throw. */
function tryParse(href: string): URL | null {
  try {
    return new URL(href);
  } catch {
    return null;
  }
}

/**
 * Host and explicitly written port of an authority (`[user[:pass]@]host[:port]`), or null when it is
 * not valid. `URL` hides a port equal to its scheme's default, so one parse cannot tell `:80` from
 * no port; parsing under http (hides 80) and https (hides 443) and taking whichever shows a port
 * recovers the written port exactly (a port cannot be both 80 and 443).
 */
function parseAuthority(authority: string): { hostname: string; port: string } | null {
  const asHttp = tryParse(`http://${authority}/`);
  const asHttps = tryParse(`https://${authority}/`);
  if (asHttp === null || asHttps === null) return null;
  return { hostname: asHttp.hostname, port: asHttp.port !== "" ? asHttp.port : asHttps.port };
}

/** Normal form of a site URL (plugin contract §5), or null when the value is invalid. */
export function normaliseSiteUrl(raw: unknown): NormalisedSite | null {
  if (typeof raw !== "string") return null;
  const value = raw.trim();
  if (value === "" || value.length > MAX_SITE_URL_LENGTH || CONTROL_CHARS.test(value)) return null;

  // Without `scheme://` WHATWG would read `localhost:8080` as scheme `localhost:`; the contract says
  // to read such values as if they started with `http://`.
  const schemeMatch = SCHEME_PREFIX.exec(value);
  if (schemeMatch === null && BROKEN_HTTP_PREFIX.test(value)) return null;
  const scheme = schemeMatch === null ? "http" : schemeMatch[1].toLowerCase();
  const rest = schemeMatch === null ? value : value.slice(schemeMatch[0].length);

  const authorityEnd = rest.search(AUTHORITY_END);
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  if (authority === "") return null;
  const parsed = parseAuthority(authority);
  if (parsed === null) return null;

  let host = parsed.hostname.toLowerCase();
  if (host.endsWith(".")) host = host.slice(0, -1);
  if (host.startsWith("www.")) host = host.slice("www.".length);
  if (host === "") return null;

  const port = parsed.port !== "" && parsed.port !== DEFAULT_PORTS[scheme] ? `:${parsed.port}` : "";

  // Raw path text: from the end of the authority to the first `?`/`#` (query and fragment dropped).
  const tail = authorityEnd === -1 ? "" : rest.slice(authorityEnd);
  const pathEnd = tail.search(/[?#]/);
  const path = (pathEnd === -1 ? tail : tail.slice(0, pathEnd)).replace(/\\/g, "/").replace(/\/+$/, "");

  const site = `${host}${port}${path}`;
  if (site.length > MAX_SITE_URL_LENGTH) return null;
  return { site, host, isDevelopment: isDevelopmentHost(host) };
}

/**
 * Whether a host (without port) is a development host (plugin contract §5). Tolerant of input that
 * did not come from `normaliseSiteUrl`: case, IPv6 brackets and one trailing dot are ignored.
 */
export function isDevelopmentHost(host: string): boolean {
  let h = host.trim().toLowerCase();
  if (h.startsWith("[") && h.endsWith("]")) h = h.slice(1, -1);
  if (h.endsWith(".")) h = h.slice(0, -1);
  if (h === "") return false;
  if (DEVELOPMENT_EXACT_HOSTS.has(h)) return true;
  if (DEVELOPMENT_SUFFIXES.some((suffix) => h.endsWith(suffix))) return true;
  return DEVELOPMENT_FIRST_LABELS.has(h.split(".")[0]);
}
