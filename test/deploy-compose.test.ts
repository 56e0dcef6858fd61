/**
 * The image and the compose stack, checked without Docker: the Dockerfile's stages, user and
 * Node version; the compose file's services, the files it mounts, the service's config, and
 * Prometheus and Grafana wired to the service and to the repository's rules and dashboards.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parseConfigText } from "../src/service/config/config.ts";
import { DASHBOARDS, readText, readYaml, root } from "./helpers/deploy.ts";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const dockerfile = readText("Dockerfile");
const stages = dockerfile.split(/^FROM /m).slice(1).map((s) => "FROM " + s);

test("the Dockerfile builds in one stage and runs as non-root, without dev dependencies, in another", () => {
  assert.ok(stages.length >= 2, "multi-stage");
  const runtime = stages[stages.length - 1];
  assert.match(runtime, /npm ci --omit=dev/);
  assert.doesNotMatch(runtime, /^COPY (?!--from).*node_modules/m);
  const user = /^USER (\S+)/m.exec(runtime);
  assert.ok(user && !["root", "0"].includes(user[1].split(":")[0]), `runtime user: ${user?.[1]}`);
  assert.match(runtime, /COPY --from=build \/src\/dist \.\/dist/);
  assert.match(runtime, /ENTRYPOINT \["node", .*"bin\/streaming-tda\.js"\]/);
  // The runbook runs `kubectl exec … -- streaming-tda backup …`: the command is on the PATH.
  assert.match(runtime, /ln -s \/app\/bin\/streaming-tda\.js \/usr\/local\/bin\/streaming-tda/);
  for (const m of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
    for (const source of m[1].split(/\s+/)) assert.ok(existsSync(join(root, source)), `COPY ${source}: no such file`);
  }
});

test("the image's Node is the project's Node", () => {
  const image = /^ARG NODE_IMAGE=node:(\d+)[-.]/m.exec(dockerfile);
  const project = /(\d+)/.exec(JSON.parse(readText("package.json")).devDependencies.node);
  assert.ok(image && project);
  assert.equal(image[1], project[1]);
  assert.match(readText(".dockerignore"), /^node_modules$/m);
});

const compose = readYaml<Obj>("docker-compose.yml");

test("docker-compose.yml runs the whole stack", () => {
  const services = compose.services as Obj;
  for (const name of ["streaming-tda", "kafka", "redis", "s3", "prometheus", "grafana"]) {
    assert.ok(services[name], `service ${name}`);
    assert.ok(services[name].image || services[name].build, `${name}: image or build`);
  }
  for (const [name, service] of Object.entries(services)) {
    for (const dep of Object.keys(Array.isArray(service.depends_on) ? Object.fromEntries(service.depends_on.map((d: string) => [d, 1])) : service.depends_on ?? {})) {
      assert.ok(services[dep], `${name} depends on unknown ${dep}`);
    }
    for (const volume of service.volumes ?? []) {
      const source = String(volume).split(":")[0];
      if (source.startsWith("./")) assert.ok(existsSync(join(root, source)), `${name}: mounts missing ${source}`);
      else assert.ok(source in (compose.volumes ?? {}), `${name}: undeclared volume ${source}`);
    }
    for (const secret of service.secrets ?? []) assert.ok(compose.secrets[secret.source ?? secret], `${name}: undeclared secret`);
  }
});

test("the compose service is locked down and its config is valid", () => {
  const service = compose.services["streaming-tda"];
  assert.equal(service.read_only, true);
  assert.ok(!String(service.user).startsWith("0"));
  assert.ok(service.security_opt.includes("no-new-privileges:true"));
  const mount = service.volumes.find((v: string) => v.includes(":/etc/streaming-tda/pipeline.yaml"));
  const config = parseConfigText(readText(mount.split(":")[0]), "deploy/compose/pipeline.yaml");
  assert.equal(config.http.host, "0.0.0.0");
  assert.ok(service.ports.includes(`${config.http.port}:${config.http.port}`));
  assert.ok(service.volumes.some((v: string) => config.store && v.endsWith(`:${config.store.path.slice(0, config.store.path.lastIndexOf("/"))}`)));
  assert.match(readText(".gitignore"), /^\/deploy\/compose\/backup-key$/m);
});

test("Prometheus scrapes the service and loads the rules; Grafana gets both dashboards", () => {
  const prometheus = readYaml<Obj>("deploy/prometheus/prometheus.yml");
  const job = prometheus.scrape_configs.find((j: Obj) => j.job_name === "streaming-tda");
  assert.deepEqual(job.static_configs[0].targets, ["streaming-tda:8080"]);
  const promVolumes: string[] = compose.services.prometheus.volumes;
  assert.ok(promVolumes.includes("./deploy/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro"));
  assert.ok(prometheus.rule_files.includes("alerts.yml"));
  const grafanaVolumes: string[] = compose.services.grafana.volumes;
  for (const path of DASHBOARDS) assert.ok(grafanaVolumes.some((v) => v.startsWith(`./${path}:/var/lib/grafana/dashboards/`)), path);
  const provider = readYaml<Obj>("deploy/grafana/provisioning/dashboards/streaming-tda.yml");
  assert.equal(provider.providers[0].options.path, "/var/lib/grafana/dashboards");
});
