/**
 * The Kubernetes manifests: every built-in kind validates against the Kubernetes schemas
 * (kubernetes-models), the Prometheus operator's kinds against its models; the Flagger
 * Canary, which has no published model, is checked field by field. Then what the runbook
 * asks of them: the rolling update, probes, resources, the drain, a locked-down container,
 * and references that meet (selectors, ports, secrets, config).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { ConfigMap, Secret, Service } from "kubernetes-models/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { PrometheusRule, ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import { parseConfigText } from "../src/service/config/config.ts";
import { parseArgs } from "../src/service/cli/args.ts";
import { spec as runSpec } from "../src/service/cli/run.ts";
import { STOP_DEADLINE_MS } from "../src/service/serve.ts";
import { readText, readYamlDocuments, root } from "./helpers/deploy.ts";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  "apps/v1 Deployment": Deployment,
  "v1 Service": Service,
  "v1 ConfigMap": ConfigMap,
  "v1 Secret": Secret,
  "autoscaling/v2 HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "policy/v1 PodDisruptionBudget": PodDisruptionBudget,
  "monitoring.coreos.com/v1 ServiceMonitor": ServiceMonitor,
  "monitoring.coreos.com/v1 PrometheusRule": PrometheusRule,
};

function manifests(): Array<{ file: string; doc: Obj }> {
  const dir = join(root, "deploy/k8s");
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".yaml")).sort();
  return files.flatMap((f) => readYamlDocuments(`deploy/k8s/${f}`).map((doc) => ({ file: f, doc: doc as Obj })));
}

function find(file: string, kind: string): Obj {
  const found = manifests().find((m) => m.file === file && m.doc.kind === kind);
  assert.ok(found, `deploy/k8s/${file} has no ${kind}`);
  return found.doc;
}

const all = manifests();
const deployment = find("deployment.yaml", "Deployment");
const pod = deployment.spec.template.spec;
const container = pod.containers[0];

test("every manifest validates against its model", () => {
  assert.ok(all.length >= 12, `manifests found: ${all.length}`);
  for (const { file, doc } of all) {
    const key = `${doc.apiVersion} ${doc.kind}`;
    if (key === "flagger.app/v1beta1 Canary") continue; // checked below: no model is published
    const Model = MODELS[key];
    assert.ok(Model, `${file}: no model for ${key}`);
    assert.doesNotThrow(() => new Model(doc as never).validate(), `${file}: ${key}`);
  }
});

test("the validation refuses a broken manifest (the models check something)", () => {
  const broken = structuredClone(deployment);
  broken.spec.replicas = "six";
  delete broken.spec.selector;
  assert.throws(() => new Deployment(broken as never).validate(), /replicas must be integer|selector/);
  const rule = structuredClone(find("prometheusrule.yaml", "PrometheusRule"));
  delete rule.spec.groups[0].rules[0].expr;
  assert.throws(() => new PrometheusRule(rule as never).validate(), /expr/);
});

test("the Deployment: the runbook's rolling update, probes and resources", () => {
  assert.equal(deployment.spec.replicas, 6);
  assert.deepEqual(deployment.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxSurge: 2, maxUnavailable: 1 } });
  const port = container.ports.find((p: Obj) => p.name === "http");
  assert.equal(port.containerPort, 8080);
  assert.deepEqual(container.livenessProbe.httpGet, { path: "/health", port: "http" });
  assert.deepEqual(container.readinessProbe.httpGet, { path: "/ready", port: "http" });
  for (const kind of ["requests", "limits"]) for (const r of ["cpu", "memory"]) assert.ok(container.resources[kind][r], `${kind}.${r}`);
});

test("terminationGracePeriodSeconds covers the service's drain, with at most a few seconds to spare", () => {
  const grace = pod.terminationGracePeriodSeconds;
  assert.ok(grace * 1000 > STOP_DEADLINE_MS, `grace ${grace}s must exceed the drain deadline ${STOP_DEADLINE_MS} ms`);
  assert.ok(grace * 1000 <= STOP_DEADLINE_MS + 5000, `grace ${grace}s is far beyond the drain deadline ${STOP_DEADLINE_MS} ms`);
});

test("the container runs as non-root, read-only, without privilege escalation", () => {
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.ok(pod.securityContext.runAsUser > 0);
  assert.equal(container.securityContext.readOnlyRootFilesystem, true);
  assert.equal(container.securityContext.allowPrivilegeEscalation, false);
  assert.equal(container.securityContext.privileged, false);
  assert.deepEqual(container.securityContext.capabilities.drop, ["ALL"]);
});

test("the config it mounts is valid, listens on 0.0.0.0 explicitly, and keeps the store on a writable volume", () => {
  const configMap = find("configmap.yaml", "ConfigMap");
  const text = configMap.data["pipeline.yaml"];
  assert.match(text, /^\s+host: 0\.0\.0\.0$/m);
  const config = parseConfigText(text, "configmap.yaml");
  assert.equal(config.http.host, "0.0.0.0");
  assert.equal(config.http.port, 8080);
  const configVolume = pod.volumes.find((v: Obj) => v.configMap?.name === configMap.metadata.name);
  const configMount = container.volumeMounts.find((m: Obj) => m.name === configVolume.name);
  const args: string[] = container.args;
  assert.equal(args[0], "run");
  assert.equal(parseArgs(args.slice(1), runSpec).options.get("config"), `${configMount.mountPath}/pipeline.yaml`);
  const storeMount = container.volumeMounts.find((m: Obj) => config.store!.path.startsWith(`${m.mountPath}/`));
  assert.ok(storeMount && !storeMount.readOnly, `store ${config.store!.path} is not on a writable volume`);
});

test("the secret references name the Secret's keys: auth token and backup key", () => {
  const secret = find("secret.example.yaml", "Secret");
  const keys = Object.keys(secret.stringData);
  const token = container.env.find((e: Obj) => e.name === "STREAMING_TDA_AUTH_TOKEN").valueFrom.secretKeyRef;
  assert.equal(token.name, secret.metadata.name);
  assert.ok(keys.includes(token.key));
  const volume = pod.volumes.find((v: Obj) => v.secret?.secretName === secret.metadata.name);
  assert.ok(volume.secret.items.some((i: Obj) => i.key === "backup-key" && keys.includes(i.key)));
});

test("Service, HPA, PDB, ServiceMonitor and Canary meet the Deployment", () => {
  const labels = deployment.spec.template.metadata.labels;
  const matches = (selector: Obj) => Object.entries(selector).every(([k, v]) => labels[k] === v);
  const service = find("service.yaml", "Service");
  assert.ok(matches(service.spec.selector));
  assert.equal(service.spec.ports[0].targetPort, "http");
  const hpa = find("hpa.yaml", "HorizontalPodAutoscaler");
  assert.equal(hpa.spec.scaleTargetRef.name, deployment.metadata.name);
  assert.ok(hpa.spec.minReplicas >= deployment.spec.replicas && hpa.spec.maxReplicas > hpa.spec.minReplicas);
  assert.ok(matches(find("pdb.yaml", "PodDisruptionBudget").spec.selector.matchLabels));
  const monitor = find("servicemonitor.yaml", "ServiceMonitor");
  assert.ok(Object.entries(monitor.spec.selector.matchLabels).every(([k, v]) => service.metadata.labels[k] === v));
  assert.ok(service.spec.ports.some((p: Obj) => p.name === monitor.spec.endpoints[0].port));
  assert.equal(monitor.spec.endpoints[0].path, "/metrics");
});

test("the Flagger Canary: the runbook's analysis on the Deployment", () => {
  const canary = find("canary.yaml", "Canary");
  assert.equal(canary.apiVersion, "flagger.app/v1beta1");
  assert.deepEqual(canary.spec.targetRef, { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name });
  assert.equal(canary.spec.service.port, 8080);
  const { analysis } = canary.spec;
  for (const field of ["interval", "threshold", "maxWeight", "stepWeight"]) assert.ok(analysis[field] !== undefined, field);
  const metric = (name: string) => analysis.metrics.find((m: Obj) => m.name === name);
  assert.deepEqual(metric("request-success-rate").thresholdRange, { min: 99 });
  assert.deepEqual(metric("request-duration").thresholdRange, { max: 200 });
  const known = new Set(["targetRef", "autoscalerRef", "progressDeadlineSeconds", "service", "analysis", "skipAnalysis"]);
  for (const field of Object.keys(canary.spec)) assert.ok(known.has(field), `Canary spec.${field} is not a Flagger v1beta1 field`);
});

test("blue and green run the same pod as the rolling Deployment, and the switch moves the Service", () => {
  const service = find("blue-green/service.yaml", "Service");
  for (const color of ["blue", "green"]) {
    const d = find(`blue-green/deployment-${color}.yaml`, "Deployment");
    assert.equal(d.metadata.name, `streaming-tda-${color}`);
    assert.equal(d.spec.template.metadata.labels.version, color);
    assert.equal(d.spec.selector.matchLabels.version, color);
    assert.deepEqual(d.spec.template.spec, pod, `${color}: pod spec differs from deployment.yaml`);
    assert.deepEqual(d.spec.strategy, deployment.spec.strategy);
  }
  assert.equal(service.spec.selector.version, "blue");
  const script = readText("deploy/k8s/blue-green/switch.sh");
  assert.equal(spawnSync("bash", ["-n", join(root, "deploy/k8s/blue-green/switch.sh")]).status, 0);
  assert.match(script, /kubectl -n "\$namespace" patch service streaming-tda -p .*\\"version\\":\\"\$color\\"/);
  assert.match(script, /streaming-tda validate-deployment /);
});
