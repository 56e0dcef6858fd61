/**
 * The pipeline's config, from its layers: the schema's defaults, a command's profile (the
 * demo's) or a YAML file, the environment, then the flags. The layers are merged as plain
 * data and checked once against the schema, so every problem is reported together, each
 * naming where it came from (`pipeline.yaml:12`, `STREAMING_TDA_HTTP_PORT`, `--window`), the
 * setting's path and the rule it broke.
 */
import { readFileSync } from "node:fs";
import { isMap, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import { checkSettings, formatProblem, scalarSettings, type SectionSetting, type Setting, type SettingProblem } from "../../stream/settings.ts";
import { CliError } from "../cli/args.ts";
import { envName, settingsFromEnv, type Assignment } from "./env.ts";
import { PIPELINE_SETTINGS, type PipelineConfig } from "./schema.ts";

export type { LogLevel, PipelineConfig, SinkConfig, SourceConfig } from "./schema.ts";

/** A problem with where it came from: a file and line, a flag, or an environment variable. */
export interface ConfigProblem extends SettingProblem {
  origin?: string;
  /** The line in the config file, for a problem that comes from it. */
  line?: number;
}

/** sysexits' EX_CONFIG: the configuration is wrong (flags alone give the usage status, 2). */
export const EX_CONFIG = 78;

export class ConfigError extends CliError {
  override name = "ConfigError";
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[], exitCode = EX_CONFIG) {
    super(problems.map(describeProblem).join("\n"), exitCode);
    this.problems = problems;
  }
}

export function describeProblem(problem: ConfigProblem): string {
  return `${problem.origin ?? "config"}: ${formatProblem(problem)}`;
}

/** Checks a parsed config against the schema and fills defaults; every problem is listed. */
export function checkConfig(input: unknown): { config?: PipelineConfig; problems: SettingProblem[] } {
  const { value, problems } = checkSettings(PIPELINE_SETTINGS, input ?? {});
  return problems.length > 0 ? { problems } : { config: value as PipelineConfig, problems };
}

/** A YAML config file as plain data, with the line of each setting for its problems. */
export interface ConfigFile {
  file: string;
  data: Record<string, unknown>;
  lineOf(path: string): number | undefined;
}

export function readConfigFile(file: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigError([{ path: "", rule: `cannot read the config file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, origin: file }]);
  }
  return parseConfigFile(text, file);
}

export function parseConfigFile(text: string, file = "config"): ConfigFile {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const line = counter.linePos(e.pos[0]).line;
        return { path: "", rule: `YAML: ${e.message.split("\n")[0]}`, origin: `${file}:${line}`, line };
      }),
    );
  }
  const data: unknown = doc.toJS() ?? {};
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new ConfigError([{ path: "", rule: "must be a mapping of settings", origin: file }]);
  }
  return { file, data: data as Record<string, unknown>, lineOf: (path) => lineOf(doc, counter, path) };
}

export interface ConfigLayers {
  /** Read this YAML file; when absent, `profile` (a command's own defaults) stands in its place. */
  file?: string;
  profile?: Record<string, unknown>;
  /** Variables to read settings from (default: none). */
  env?: NodeJS.ProcessEnv;
  /** Settings the flags set, applied last; given the draft so far, since some flags read it. */
  flags?: (draft: Record<string, unknown>) => Assignment[];
}

/** Merges the layers and checks the result; throws a ConfigError naming every problem. */
export function resolvePipelineConfig(layers: ConfigLayers): PipelineConfig {
  const file = layers.file === undefined ? undefined : readConfigFile(layers.file);
  if (file) refuseSecrets(file);
  const draft: Record<string, unknown> = structuredClone(file?.data ?? layers.profile ?? {});
  const origins = new Map<string, string>();
  const apply = (assignments: Assignment[]) => {
    for (const { path, value, origin } of assignments) {
      assign(draft, path, value);
      origins.set(path, origin);
    }
  };
  apply(settingsFromEnv(layers.env ?? {}));
  apply(layers.flags?.(structuredClone(draft)) ?? []);
  const { config, problems } = checkConfig(draft);
  if (config) return config;
  const located = problems.map((p): ConfigProblem => {
    const origin = originOf(p.path, origins);
    return origin === undefined ? { ...p, ...fileOrigin(file, p.path) } : { ...p, origin };
  });
  const fromFlagsOnly = located.every((p) => p.origin?.startsWith("--"));
  throw new ConfigError(located, fromFlagsOnly ? 2 : EX_CONFIG);
}

/** A secret in a config file would be in every copy of it: secrets come from the environment or a file. */
function refuseSecrets(file: ConfigFile): void {
  const problems: ConfigProblem[] = [];
  for (const [path, setting] of scalarSettings(PIPELINE_SETTINGS)) {
    if (!setting.secret || draftValue(file.data, path) === undefined) continue;
    problems.push({ path, rule: `is a secret: set it in the environment (${envName(path, setting)}), never in a config file`, ...fileOrigin(file, path) });
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

/** Reads and checks a YAML config alone; throws a ConfigError listing every problem with its line. */
export function loadConfigFile(file: string): PipelineConfig {
  return resolvePipelineConfig({ file });
}

export function parseConfigText(text: string, file = "config"): PipelineConfig {
  const parsed = parseConfigFile(text, file);
  refuseSecrets(parsed);
  const { config, problems } = checkConfig(parsed.data);
  if (config) return config;
  throw new ConfigError(problems.map((p) => ({ ...p, ...fileOrigin(parsed, p.path) })));
}

/**
 * Sets `path` in a draft config. Setting a variant's tag to another value (`source.type`)
 * replaces that mapping, since the old variant's fields do not apply to the new one.
 */
export function assign(draft: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = draft;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (next === null || typeof next !== "object" || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  const last = parts[parts.length - 1];
  if (isVariantTag(parts) && node[last] !== value) for (const key of Object.keys(node)) delete node[key];
  node[last] = value;
}

/** The value at `path` in a draft, or undefined. */
export function draftValue(draft: Record<string, unknown>, path: string): unknown {
  let node: unknown = draft;
  for (const part of path.split(".")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function isVariantTag(parts: string[]): boolean {
  const schema: SectionSetting = PIPELINE_SETTINGS;
  let setting: Setting | undefined = schema.fields[parts[0]];
  for (const part of parts.slice(1, -1)) {
    if (setting?.type !== "section") return false;
    setting = setting.fields[part];
  }
  return setting?.type === "variant" && setting.tag === parts[parts.length - 1] && parts.length > 1;
}

/** The origin of the longest assigned path that `path` lies under. */
function originOf(path: string, origins: Map<string, string>): string | undefined {
  let best: string | undefined;
  let bestLength = -1;
  for (const [assigned, origin] of origins) {
    const under = path === assigned || path.startsWith(`${assigned}.`) || path.startsWith(`${assigned}[`);
    if (under && assigned.length > bestLength) [best, bestLength] = [origin, assigned.length];
  }
  return best;
}

function fileOrigin(file: ConfigFile | undefined, path: string): { origin?: string; line?: number } {
  if (!file) return {};
  const line = file.lineOf(path);
  return line === undefined ? { origin: file.file } : { origin: `${file.file}:${line}`, line };
}

/** The line of the node at a dotted path, or of its nearest ancestor present in the file. */
function lineOf(doc: Document, counter: LineCounter, path: string): number | undefined {
  const parts = path.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== "").map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  for (let n = parts.length; n > 0; n--) {
    const node = doc.getIn(parts.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === "object" && node.range) return counter.linePos(node.range[0]).line;
    const parent = n > 1 ? doc.getIn(parts.slice(0, n - 1), true) : doc.contents;
    if (isMap(parent)) {
      const pair = parent.items.find((item) => (item.key as { value?: unknown } | null)?.value === parts[n - 1]);
      const range = (pair?.key as { range?: [number, number, number] } | null)?.range;
      if (range) return counter.linePos(range[0]).line;
    } else if (isSeq(parent)) continue;
  }
  return undefined;
}
