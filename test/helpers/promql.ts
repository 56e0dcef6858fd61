/**
 * The metric names a PromQL expression reads. Enough of PromQL for the project's rules and
 * dashboards: strings, label matchers `{…}`, ranges `[…]`, grouping clauses `by (…)`, and
 * function and aggregation names are taken out; every identifier left is a metric.
 */
const KEYWORDS = new Set(["and", "or", "unless", "bool", "offset", "inf", "nan"]);
const GROUPING = /\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g;

export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, " ")
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(GROUPING, " ");
  const names = new Set<string>();
  for (const m of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*(?=\s*(\()?)/g)) {
    const before = stripped[m.index - 1];
    // A number's exponent (1e9) or unit is not a name.
    if (before !== undefined && /[0-9.]/.test(before)) continue;
    if (m[1] !== undefined || KEYWORDS.has(m[0].toLowerCase())) continue;
    names.add(m[0]);
  }
  return [...names];
}

/** Sample names in a Prometheus text exposition (histograms give _bucket, _sum, _count). */
export function exportedSampleNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split("\n")) {
    const m = /^([A-Za-z_:][A-Za-z0-9_:]*)[{ ]/.exec(line);
    if (m) names.add(m[1]);
  }
  return names;
}
