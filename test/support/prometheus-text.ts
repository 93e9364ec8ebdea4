/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for tests: every line must be a HELP, a TYPE or a
 * sample of a declared family, or the parse throws (so a malformed exposition fails the test that scraped it).
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  help: string;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)(\s+-?\d+)?$/;
const SUFFIXES: Record<string, string[]> = { histogram: ["_bucket", "_sum", "_count"], summary: ["_sum", "_count"] };

export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const familyOf = (sampleName: string): Family | undefined => {
    const exact = families.get(sampleName);
    if (exact) return exact;
    for (const family of families.values()) {
      if ((SUFFIXES[family.type] ?? []).some((suffix) => sampleName === family.name + suffix)) return family;
    }
    return undefined;
  };
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta;
      if (!NAME.test(name)) throw new Error(`bad metric name in: ${line}`);
      const family = families.get(name) ?? { name, type: "untyped", help: "", samples: [] };
      families.set(name, family);
      if (kind === "HELP") family.help = rest;
      else if (["counter", "gauge", "histogram", "summary", "untyped"].includes(rest)) family.type = rest as Family["type"];
      else throw new Error(`bad type in: ${line}`);
      continue;
    }
    if (line.startsWith("#")) continue;
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const [, name, labelText, valueText] = match;
    const family = familyOf(name);
    if (!family) throw new Error(`sample of an undeclared family: ${line}`);
    // As Prometheus reads values (Go's ParseFloat): NaN in any case; prom-client writes "Nan" for an empty event-loop histogram.
    const value = valueText === "+Inf" ? Infinity : valueText === "-Inf" ? -Infinity : Number(valueText);
    if (Number.isNaN(value) && valueText.toLowerCase() !== "nan") throw new Error(`bad value in: ${line}`);
    family.samples.push({ name, labels: parseLabels(labelText ?? "", line), value });
  }
  return families;
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  if (text === "") return labels;
  let rest = text.slice(1, -1);
  while (rest.length > 0) {
    const match = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/.exec(rest);
    if (!match) throw new Error(`bad labels in: ${line}`);
    labels[match[1]] = match[2].replace(/\\(.)/g, (_, escaped: string) => (escaped === "n" ? "\n" : escaped));
    rest = rest.slice(match[0].length);
  }
  return labels;
}

/** The value of the one sample of `family` (or of its `_bucket`/`_sum`/`_count` series) with exactly these labels among others. */
export function valueOf(families: Map<string, Family>, sampleName: string, labels: Record<string, string> = {}): number | undefined {
  const family = [...families.values()].find(
    (candidate) => candidate.name === sampleName || candidate.samples.some((sample) => sample.name === sampleName),
  );
  const found = family?.samples.filter(
    (sample) => sample.name === sampleName && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  if (!found || found.length === 0) return undefined;
  if (found.length > 1) throw new Error(`${found.length} samples of ${sampleName} match ${JSON.stringify(labels)}`);
  return found[0].value;
}
