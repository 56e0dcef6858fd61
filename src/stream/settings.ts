/**
 * A small declarative schema for settings. Each setting names its type, default, bounds and
 * a one-line help; `checkSettings` reads a parsed value (from YAML, JSON, flags or the
 * environment) against it, fills the defaults, and collects every problem as a value
 * `{path, rule, got}` rather than stopping at the first. The stream layer declares its own
 * settings with it; the service nests them in the pipeline's schema.
 */

/** One broken rule: `window.size: must be an integer ≥ 4, got 2` is {path, rule, got: 2}. */
export interface SettingProblem {
  path: string;
  rule: string;
  /** The offending value; absent when the rule is about something missing or unknown. */
  got?: unknown;
}

interface Common {
  /** One line, for `--help`, the example config and the docs. */
  help: string;
  /** The environment variable, when not the one derived from the path (see the service's config). */
  env?: string;
  /** Read from the environment or a file only: never from a config file or the command line, never logged. */
  secret?: boolean;
}

interface Scalar<T> extends Common {
  default?: T;
  /** Must be given (when its section is). */
  required?: boolean;
  /** A further rule: returns the rule broken, or undefined. */
  check?: (value: T) => string | undefined;
}

export interface IntegerSetting extends Scalar<number> {
  type: "integer";
  min: number;
  max?: number;
}

export interface NumberSetting extends Scalar<number> {
  type: "number";
  min?: number;
  /** The value must be above `min`, not equal to it. */
  exclusiveMin?: boolean;
}

export interface BooleanSetting extends Scalar<boolean> {
  type: "boolean";
}

export interface StringSetting extends Scalar<string> {
  type: "string";
}

export interface EnumSetting extends Scalar<string> {
  type: "enum";
  values: readonly string[];
}

export interface ListSetting extends Common {
  type: "list";
  item: Setting;
  default?: readonly unknown[];
  minItems?: number;
}

/** A mapping of named settings. Cross-field rules run once its fields are all valid. */
export interface SectionSetting extends Common {
  type: "section";
  fields: Readonly<Record<string, Setting>>;
  /** Absent, null or "none" turn it off (the value is null) instead of filling its defaults. */
  optional?: boolean;
  rules?: ReadonlyArray<(value: Record<string, unknown>, path: string) => SettingProblem[]>;
}

/** A mapping whose `tag` field (e.g. `type`) picks which other fields it has. */
export interface VariantSetting extends Common {
  type: "variant";
  tag: string;
  default: string;
  variants: Readonly<Record<string, Readonly<Record<string, Setting>>>>;
}

/** A mapping of one of several shapes, told apart by which key it has (`size` or `durationMs`). */
export interface ShapesSetting extends Common {
  type: "shapes";
  shapes: ReadonlyArray<{ key: string; fields: Readonly<Record<string, Setting>> }>;
}

export type Setting =
  | IntegerSetting
  | NumberSetting
  | BooleanSetting
  | StringSetting
  | EnumSetting
  | ListSetting
  | SectionSetting
  | VariantSetting
  | ShapesSetting;

export type ScalarSetting = IntegerSetting | NumberSetting | BooleanSetting | StringSetting | EnumSetting;

/** A setting that can be written as text (a flag, an environment variable): a scalar, or a list of scalars written `a,b,c`. */
export type TextSetting = ScalarSetting | (ListSetting & { item: ScalarSetting });

/**
 * The value a setting yields once checked, as a type: a schema declared `as const` gives its
 * config's type, so a setting is declared once. A field is optional when it may stay absent
 * (no default, not required); an optional section may be null.
 */
export type SettingValue<S> = S extends { type: "integer" | "number" }
  ? number
  : S extends { type: "boolean" }
    ? boolean
    : S extends { type: "enum"; values: readonly (infer V)[] }
      ? V
      : S extends { type: "string" }
        ? string
        : S extends { type: "list"; item: infer I }
          ? Array<SettingValue<I>>
          : S extends { type: "section"; fields: infer F; optional: true }
            ? FieldsValue<F> | null
            : S extends { type: "section"; fields: infer F }
              ? FieldsValue<F>
              : S extends { type: "variant"; tag: infer T extends string; variants: infer V }
                ? { [K in keyof V]: Flatten<{ [P in T]: K } & FieldsValue<V[K]>> }[keyof V]
                : unknown;

type AlwaysThere<S> = S extends { default: unknown } | { required: true } | { type: "section" | "variant" } ? true : false;

type FieldsValue<F> = Flatten<
  { -readonly [K in keyof F as AlwaysThere<F[K]> extends true ? K : never]: SettingValue<F[K]> } & {
    -readonly [K in keyof F as AlwaysThere<F[K]> extends true ? never : K]?: SettingValue<F[K]>;
  }
>;

type Flatten<T> = { [K in keyof T]: T[K] };

/** Checks `value` against `setting` at `path`; returns it with defaults filled, and every problem. */
export function checkSettings(setting: Setting, value: unknown, path = ""): { value: unknown; problems: SettingProblem[] } {
  const problems = new Problems();
  return { value: check(setting, value, path, problems), problems: problems.list };
}

/** The problems found so far; `fieldProblems` counts those of single values, which hold back the cross-field rules. */
class Problems {
  readonly list: SettingProblem[] = [];
  fieldProblems = 0;
  push(problem: SettingProblem): void {
    this.list.push(problem);
    this.fieldProblems++;
  }
}

export function formatProblem(problem: SettingProblem): string {
  const got = "got" in problem ? `, got ${describeValue(problem.got)}` : "";
  return `${problem.path || "(top)"}: ${problem.rule}${got}`;
}

/** The rule a scalar setting states, as the problem and the help show it. */
export function ruleOf(setting: ScalarSetting): string {
  switch (setting.type) {
    case "integer":
      return setting.max === undefined ? `must be an integer ≥ ${setting.min}` : `must be an integer from ${setting.min} to ${setting.max}`;
    case "number":
      return setting.min === undefined ? "must be a finite number" : `must be a number ${setting.exclusiveMin ? ">" : "≥"} ${setting.min}`;
    case "boolean":
      return "must be true or false";
    case "string":
      return "must be a non-empty string";
    case "enum":
      return `must be one of ${setting.values.join(", ")}`;
  }
}

function check(setting: Setting, value: unknown, path: string, problems: Problems): unknown {
  switch (setting.type) {
    case "section":
      return checkSection(setting, value, path, problems);
    case "variant":
      return checkVariant(setting, value, path, problems);
    case "shapes":
      return checkShapes(setting, value, path, problems);
    case "list":
      return checkList(setting, value, path, problems);
    default:
      return checkScalar(setting, value, path, problems);
  }
}

function checkScalar(setting: ScalarSetting, value: unknown, path: string, problems: Problems): unknown {
  if (value === undefined || value === null) {
    if (setting.required) problems.push({ path, rule: "is required" });
    return setting.default;
  }
  if (!scalarFits(setting, value)) {
    problems.push({ path, rule: ruleOf(setting), got: value });
    return setting.default;
  }
  const broken = (setting.check as ((v: unknown) => string | undefined) | undefined)?.(value);
  if (broken !== undefined) problems.push({ path, rule: broken, got: value });
  return value;
}

function scalarFits(setting: ScalarSetting, value: unknown): boolean {
  switch (setting.type) {
    case "integer":
      return typeof value === "number" && Number.isSafeInteger(value) && value >= setting.min && value <= (setting.max ?? Number.MAX_SAFE_INTEGER);
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) return false;
      return setting.min === undefined || (setting.exclusiveMin ? value > setting.min : value >= setting.min);
    case "boolean":
      return typeof value === "boolean";
    case "string":
      return typeof value === "string" && value.length > 0;
    case "enum":
      return typeof value === "string" && setting.values.includes(value);
  }
}

function checkSection(setting: SectionSetting, value: unknown, path: string, problems: Problems): unknown {
  if (setting.optional && (value === undefined || value === null || value === "none")) return null;
  const given = mapping(value ?? {}, path, problems);
  if (given === undefined) return setting.optional ? null : fill(setting.fields, {}, path, new Problems());
  const before = problems.fieldProblems;
  unknownKeys(given, Object.keys(setting.fields), path, problems);
  const out = fill(setting.fields, given, path, problems);
  if (problems.fieldProblems === before) for (const rule of setting.rules ?? []) problems.list.push(...rule(out, path));
  return out;
}

function checkVariant(setting: VariantSetting, value: unknown, path: string, problems: Problems): unknown {
  const given = mapping(value ?? { [setting.tag]: setting.default }, path, problems);
  if (given === undefined) return undefined;
  const tags = Object.keys(setting.variants);
  const tag = given[setting.tag] ?? setting.default;
  const tagPath = join(path, setting.tag);
  if (typeof tag !== "string" || !tags.includes(tag)) {
    problems.push({ path: tagPath, rule: `must be one of ${tags.join(", ")}`, got: tag });
    return undefined;
  }
  const fields = setting.variants[tag];
  const known = [setting.tag, ...Object.keys(fields)];
  for (const key of Object.keys(given)) {
    if (known.includes(key)) continue;
    const elsewhere = tags.filter((t) => Object.hasOwn(setting.variants[t], key));
    if (elsewhere.length > 0) problems.push({ path: join(path, key), rule: `applies to ${setting.tag} ${elsewhere.join(" or ")}, not ${tag}` });
    else unknownKeys({ [key]: given[key] }, known, path, problems);
  }
  return { [setting.tag]: tag, ...fill(fields, given, path, problems) };
}

function checkShapes(setting: ShapesSetting, value: unknown, path: string, problems: Problems): unknown {
  const given = mapping(value, path, problems);
  if (given === undefined) return undefined;
  const shape = setting.shapes.find((s) => Object.hasOwn(given, s.key));
  if (shape === undefined) {
    const shapes = setting.shapes.map((s) => `{${Object.keys(s.fields).filter((k) => s.fields[k].type !== "string").join(", ")}}`);
    problems.push({ path, rule: `must be one of ${shapes.join(" or ")}`, got: value });
    return undefined;
  }
  unknownKeys(given, Object.keys(shape.fields), path, problems);
  return fill(shape.fields, given, path, problems);
}

function checkList(setting: ListSetting, value: unknown, path: string, problems: Problems): unknown {
  if (value === undefined || value === null) return setting.default === undefined ? undefined : structuredClone(setting.default);
  if (!Array.isArray(value)) {
    problems.push({ path, rule: "must be a list", got: value });
    return setting.default;
  }
  if (value.length < (setting.minItems ?? 0)) problems.push({ path, rule: `must list at least ${setting.minItems}`, got: value });
  return value.map((item, i) => check(setting.item, item, `${path}[${i}]`, problems));
}

/** The fields of a section or variant, each checked, defaults filled; absent ones without a default left out. */
function fill(fields: Readonly<Record<string, Setting>>, given: Record<string, unknown>, path: string, problems: Problems): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) {
    const value = check(field, given[name], join(path, name), problems);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function mapping(value: unknown, path: string, problems: Problems): Record<string, unknown> | undefined {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  problems.push({ path, rule: "must be a mapping", got: value });
  return undefined;
}

function unknownKeys(given: Record<string, unknown>, known: string[], path: string, problems: Problems): void {
  for (const key of Object.keys(given)) {
    if (known.includes(key)) continue;
    const near = known.find((k) => editDistance(k.toLowerCase(), key.toLowerCase().replace(/[_-]/g, "")) <= 2);
    problems.push({ path: join(path, key), rule: near ? `unknown setting (did you mean "${near}"?)` : `unknown setting; known: ${known.join(", ")}` });
  }
}

/** The path of `name` under `path`: `limits.minValue`, or `minValue` at the top. */
export function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

/** Levenshtein distance, for "did you mean" on a misspelt setting. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : "a list";
  if (typeof value === "object") return "a mapping";
  return JSON.stringify(value);
}

/**
 * A value given as text (a flag, an environment variable) in the type its setting wants:
 * numbers and booleans are converted when they read as such; anything else stays text, so
 * that the check names the rule it breaks (`must be an integer ≥ 1, got "x"`).
 */
export function settingFromText(setting: TextSetting, text: string): unknown {
  if (setting.type === "list") {
    return text
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item !== "")
      .map((item) => settingFromText(setting.item, item));
  }
  const trimmed = text.trim();
  if (setting.type === "integer" || setting.type === "number") {
    return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed) ? Number(trimmed) : text;
  }
  if (setting.type === "boolean") {
    if (/^(true|1|yes|on)$/i.test(trimmed)) return true;
    if (/^(false|0|no|off)$/i.test(trimmed)) return false;
  }
  if (setting.type === "enum") return setting.values.find((v) => v === trimmed.toLowerCase()) ?? text;
  return text;
}

/** Every scalar setting under `setting` with its dotted path (variants' fields once each). */
export function scalarSettings(setting: Setting, path = ""): Array<[string, ScalarSetting]> {
  return textSettings(setting, path).filter((entry): entry is [string, ScalarSetting] => entry[1].type !== "list");
}

/** Every setting under `setting` that can be written as text: scalars and lists of scalars. */
export function textSettings(setting: Setting, path = ""): Array<[string, TextSetting]> {
  const out: Array<[string, TextSetting]> = [];
  const fields = (record: Readonly<Record<string, Setting>>) => {
    for (const [name, field] of Object.entries(record)) {
      for (const entry of textSettings(field, join(path, name))) if (!out.some(([p]) => p === entry[0])) out.push(entry);
    }
  };
  if (setting.type === "section") fields(setting.fields);
  else if (setting.type === "variant") {
    out.push([join(path, setting.tag), { type: "enum", values: Object.keys(setting.variants), default: setting.default, help: setting.help }]);
    for (const variant of Object.values(setting.variants)) fields(variant);
  } else if (setting.type === "list") {
    if (isScalar(setting.item)) out.push([path, setting as TextSetting]);
  } else if (setting.type !== "shapes") out.push([path, setting]);
  return out;
}

function isScalar(setting: Setting): setting is ScalarSetting {
  return setting.type !== "list" && setting.type !== "section" && setting.type !== "variant" && setting.type !== "shapes";
}

/** The scalar setting at a dotted path (a variant's tag or any variant's field), or undefined. */
export function settingAt(root: Setting, path: string): ScalarSetting | undefined {
  return scalarSettings(root).find(([p]) => p === path)?.[1];
}
