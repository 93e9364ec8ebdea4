import { MAX_SITE_URL_LENGTH, isDevelopmentHost, normaliseSiteUrl } from "../../../src/modules/licenses/site-url";

/** [input, expected site or null, expected isDevelopment (ignored when null)] */
type Case = [input: unknown, site: string | null, isDevelopment?: boolean];

/** A URL of exactly `length` characters: `example.com/` then `a`s. */
function urlOfLength(length: number): string {
  const prefix = "example.com/";
  return prefix + "a".repeat(length - prefix.length);
}

const cases: Case[] = [
  // Contract examples.
  ["https://www.Example.com/shop/", "example.com/shop", false],
  ["HTTP://WWW.EXAMPLE.COM", "example.com", false],
  ["localhost:8080/", "localhost:8080", true],

  // Scheme optional; scheme dropped.
  ["example.com", "example.com", false],
  ["www.example.com/blog", "example.com/blog", false],
  ["ftp://example.com/x", "example.com/x", false],

  // Default ports are per scheme.
  ["http://example.com:80/", "example.com", false],
  ["https://example.com:443/", "example.com", false],
  ["example.com:80", "example.com", false],
  ["https://example.com:80/", "example.com:80", false],
  ["http://example.com:443/", "example.com:443", false],
  ["https://example.com:8443/shop", "example.com:8443/shop", false],
  ["http://example.com:0080/", "example.com", false],
  ["http://example.com:/", "example.com", false],

  // User info, query and fragment dropped.
  ["https://user:secret@example.com/shop", "example.com/shop", false],
  ["https://user@www.example.com", "example.com", false],
  ["https://example.com/shop?ref=1#top", "example.com/shop", false],
  ["https://example.com/shop/?a=/b/", "example.com/shop", false],
  ["https://example.com#frag/", "example.com", false],
  ["https://example.com?x", "example.com", false],

  // Path kept as written, every trailing slash stripped.
  ["https://example.com///", "example.com", false],
  ["https://example.com/shop///", "example.com/shop", false],
  ["https://example.com/Shop/Cart", "example.com/Shop/Cart", false],
  ["https://example.com/a%2Fb/caf%C3%A9", "example.com/a%2Fb/caf%C3%A9", false],
  ["https://example.com/café", "example.com/café", false],
  ["https://example.com/a/../b", "example.com/a/../b", false],
  ["https://example.com//shop", "example.com//shop", false],
  ["https://example.com\\shop\\", "example.com/shop", false],

  // One leading www. only.
  ["www.www.example.com", "www.example.com", false],
  ["https://www/", "www", false],
  ["https://wwwexample.com", "wwwexample.com", false],

  // Host canonical forms.
  ["https://Bücher.example/", "xn--bcher-kva.example", false],
  ["https://ex%61mple.com", "example.com", false],
  ["https://example.com./shop", "example.com/shop", false],
  ["http://192.168.1.10:8080/wp", "192.168.1.10:8080/wp", false],
  ["http://0x7f.1/", "127.0.0.1", true],
  ["http://[2001:DB8::1]:8080/x", "[2001:db8::1]:8080/x", false],
  ["[2001:db8::1]", "[2001:db8::1]", false],

  // Whitespace trimmed.
  ["  https://example.com/shop/ \n\t", "example.com/shop", false],

  // Length limit applies to the trimmed value.
  [urlOfLength(MAX_SITE_URL_LENGTH), urlOfLength(MAX_SITE_URL_LENGTH), false],
  [urlOfLength(MAX_SITE_URL_LENGTH + 1), null],
  [`  ${urlOfLength(MAX_SITE_URL_LENGTH)}  `, urlOfLength(MAX_SITE_URL_LENGTH), false],

  // Invalid.
  ["", null],
  ["   ", null],
  [null, null],
  [undefined, null],
  [42, null],
  [{ href: "https://example.com" }, null],
  ["http://", null],
  ["https://", null],
  ["https:///path", null],
  ["://x", null],
  ["//example.com", null],
  ["/shop", null],
  ["?x", null],
  ["http:/example.com", null],
  ["https:example.com", null],
  ["exa mple.com", null],
  ["exa\nmple.com", null],
  ["https://example.com:99999", null],
  ["https://example.com:port", null],
  ["https://user@", null],
  ["http://.", null],
  ["http://[::1", null],

  // Development hosts.
  ["http://localhost", "localhost", true],
  ["localhost:3000", "localhost:3000", true],
  ["http://127.0.0.1:8000/", "127.0.0.1:8000", true],
  ["127.0.0.1", "127.0.0.1", true],
  ["http://[::1]:8080/", "[::1]:8080", true],
  ["http://[0:0:0:0:0:0:0:1]/", "[::1]", true],
  ["https://my.local/", "my.local", true],
  ["https://x.test", "x.test", true],
  ["https://a.localhost:8080", "a.localhost:8080", true],
  ["https://b.invalid/shop", "b.invalid/shop", true],
  ["https://dev.example.com", "dev.example.com", true],
  ["https://www.dev.example.com", "dev.example.com", true],
  ["https://devsite.example.com", "devsite.example.com", false],
  ["https://staging.shop.com", "staging.shop.com", true],
  ["https://stage.shop.com", "stage.shop.com", true],
  ["https://shop.staging.com", "shop.staging.com", false],
  ["https://STAGING.Shop.com", "staging.shop.com", true],
  ["https://localhost.", "localhost", true],
  ["https://mylocal", "mylocal", false],
  ["https://test.com", "test.com", false],
  ["https://example.local.com", "example.local.com", false],
  ["https://127.0.0.2", "127.0.0.2", false],
];

describe("normaliseSiteUrl", () => {
  // Rows padded to three columns: jest reads a callback parameter beyond a row's length as `done`.
  const rows = cases.map(([input, site, isDevelopment]): [unknown, string | null, boolean] => [input, site, isDevelopment ?? false]);

  test.each(rows)("%j → %j (development: %j)", (input, site, isDevelopment) => {
    const result = normaliseSiteUrl(input);
    if (site === null) {
      expect(result).toBeNull();
      return;
    }
    expect(result).not.toBeNull();
    expect(result?.site).toBe(site);
    expect(result?.isDevelopment).toBe(isDevelopment);
  });

  test("host is the normalised host without port or path", () => {
    expect(normaliseSiteUrl("https://WWW.Example.com:8443/Shop/")).toEqual({
      site: "example.com:8443/Shop",
      host: "example.com",
      isDevelopment: false,
    });
    expect(normaliseSiteUrl("[::1]:8080")).toEqual({ site: "[::1]:8080", host: "[::1]", isDevelopment: true });
  });

  test("normal form is a fixed point, except where the contract's rules prevent it", () => {
    const notFixed = new Set([
      // The scheme is dropped, so an https site kept on :80 reads back as http's default port.
      "example.com:80",
      // Only ONE leading `www.` is removed per normalisation.
      "www.example.com",
    ]);
    for (const [input, site] of cases) {
      if (site === null || typeof input !== "string" || notFixed.has(site)) continue;
      expect(normaliseSiteUrl(site)?.site).toBe(site);
    }
  });
});

describe("isDevelopmentHost", () => {
  test.each<[string, boolean]>([
    ["localhost", true],
    ["LOCALHOST", true],
    ["127.0.0.1", true],
    ["::1", true],
    ["[::1]", true],
    ["my.local", true],
    ["x.test", true],
    ["a.localhost", true],
    ["b.invalid", true],
    ["dev", true],
    ["dev.example.com", true],
    ["stage.example.com", true],
    ["staging.example.com", true],
    ["localhost.", true],
    ["devsite.example.com", false],
    ["shop.staging.com", false],
    ["example.com", false],
    ["local", false],
    ["test", false],
    ["127.0.0.2", false],
    ["[::2]", false],
    ["", false],
  ])("%j → %j", (host, expected) => {
    expect(isDevelopmentHost(host)).toBe(expected);
  });
});
