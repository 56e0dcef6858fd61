import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";

export const root = new URL("../..", import.meta.url).pathname;

export function readText(path: string): string {
  return readFileSync(join(root, path), "utf8");
}

export function readYaml<T = Record<string, unknown>>(path: string): T {
  return parse(readText(path)) as T;
}

/** Every document of a multi-document YAML file. */
export function readYamlDocuments(path: string): Array<Record<string, unknown>> {
  return parseAllDocuments(readText(path)).map((d) => d.toJS() as Record<string, unknown>);
}

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function alertRules(): AlertRule[] {
  const file = readYaml<{ groups: Array<{ rules: AlertRule[] }> }>("deploy/prometheus/alerts.yml");
  return file.groups.flatMap((g) => g.rules);
}

export const DASHBOARDS = ["deploy/grafana/overview.json", "deploy/grafana/performance.json"];

export interface DashboardPanel {
  title: string;
  targets?: Array<{ expr: string }>;
}

export function dashboard(path: string): { uid: string; title: string; panels: DashboardPanel[] } {
  return JSON.parse(readText(path));
}

/** GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces as hyphens. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (line.startsWith("```")) fenced = !fenced;
    const m = fenced ? null : /^#{1,6}\s+(.*)$/.exec(line);
    if (m) anchors.add(m[1].trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-"));
  }
  return anchors;
}
