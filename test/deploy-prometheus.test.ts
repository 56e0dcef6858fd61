/**
 * The alert rules: promtool checks them and runs their unit tests, in which every alert both
 * fires and stays silent; each has a summary, a description and a runbook_url into an existing
 * section of docs/RUNBOOK.md; the operator's PrometheusRule carries the same rules.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { alertRules, headingAnchors, readText, readYaml, root } from "./helpers/deploy.ts";

function promtool(args: string[]): { code: number | null; out: string } {
  // scripts/ensure-test-tools.sh (run by npm test) installs Debian's prometheus package for it.
  const r = spawnSync("promtool", args, { cwd: join(root, "deploy/prometheus"), encoding: "utf8", timeout: 60_000 });
  if (r.error) assert.fail(`promtool cannot run (${r.error.message}): run scripts/ensure-test-tools.sh`);
  return { code: r.status, out: r.stdout + r.stderr };
}

test("promtool check rules accepts alerts.yml", () => {
  const r = promtool(["check", "rules", "alerts.yml"]);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, new RegExp(`SUCCESS: ${alertRules().length} rules found`));
});

test("promtool check config accepts the compose stack's prometheus.yml with its rules", () => {
  const r = promtool(["check", "config", "prometheus.yml"]);
  assert.equal(r.code, 0, r.out);
});

test("promtool test rules: the unit tests of every alert pass", () => {
  const r = promtool(["test", "rules", "alerts.test.yml"]);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /SUCCESS/);
});

test("promtool test rules fails when an alert's threshold moves (the unit tests can fail)", async () => {
  const { mkdtempSync, writeFileSync, copyFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const dir = mkdtempSync(join(tmpdir(), "alerts-"));
  writeFileSync(join(dir, "alerts.yml"), readText("deploy/prometheus/alerts.yml").replace("streaming_tda_latency_p99 > 0.2", "streaming_tda_latency_p99 > 0.5"));
  copyFileSync(join(root, "deploy/prometheus/alerts.test.yml"), join(dir, "alerts.test.yml"));
  const r = spawnSync("promtool", ["test", "rules", "alerts.test.yml"], { cwd: dir, encoding: "utf8", timeout: 60_000 });
  assert.notEqual(r.status, 0);
  assert.match(r.stdout + r.stderr, /StreamingTDAHighLatency/);
});

test("every alert has a case where it fires and one where it stays silent", () => {
  const tests = readYaml<{ tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts: unknown[] }> }> }>(
    "deploy/prometheus/alerts.test.yml",
  ).tests.flatMap((t) => t.alert_rule_test ?? []);
  for (const rule of alertRules()) {
    const cases = tests.filter((t) => t.alertname === rule.alert);
    assert.ok(cases.some((c) => c.exp_alerts.length > 0), `${rule.alert}: no case where it fires`);
    assert.ok(cases.some((c) => c.exp_alerts.length === 0), `${rule.alert}: no case where it stays silent`);
  }
});

test("the runbook's thresholds are the rules' thresholds", () => {
  const byName = new Map(alertRules().map((r) => [r.alert, r]));
  const expect: Array<[string, RegExp, string]> = [
    ["StreamingTDAHighLatency", /> 0\.2$/, "5m"],
    ["StreamingTDALowThroughput", /< 5000\)/, "10m"],
    ["StreamingTDAMemoryLeak", /\* 3600 > 100e6$/, "30m"],
    ["StreamingTDAKafkaLag", /kafka_consumer_lag\)\) > 10000$/, "5m"],
    ["StreamingTDAHighErrorRate", /> 0\.01$/, "5m"],
  ];
  for (const [name, threshold, duration] of expect) {
    const rule = byName.get(name);
    assert.ok(rule, `missing alert ${name}`);
    assert.match(rule.expr.trim(), threshold, name);
    assert.equal(rule.for, duration, name);
  }
});

test("every alert has a summary, a description and a runbook_url into docs/RUNBOOK.md", () => {
  const anchors = headingAnchors(readText("docs/RUNBOOK.md"));
  for (const rule of alertRules()) {
    const a = rule.annotations ?? {};
    assert.ok(a.summary && a.description, `${rule.alert}: summary and description`);
    const m = /^docs\/RUNBOOK\.md#(.+)$/.exec(a.runbook_url ?? "");
    assert.ok(m, `${rule.alert}: runbook_url ${a.runbook_url} does not point into docs/RUNBOOK.md`);
    assert.ok(anchors.has(m[1]), `${rule.alert}: docs/RUNBOOK.md has no section #${m[1]}`);
  }
});

test("the operator's PrometheusRule holds exactly the rules of alerts.yml", () => {
  const rule = readYaml<{ spec: { groups: unknown } }>("deploy/k8s/prometheusrule.yaml");
  assert.deepEqual(rule.spec.groups, readYaml<{ groups: unknown }>("deploy/prometheus/alerts.yml").groups);
});
