/**
 * Settings from the environment: each scalar setting is `STREAMING_TDA_` and its path in
 * upper snake case (`http.port` → STREAMING_TDA_HTTP_PORT), unless it names its own variable
 * (`log.level` → LOG_LEVEL). Values are read as the setting's type and checked by its rules;
 * a list is written with commas (`STREAMING_TDA_STREAM_TRACKING_DIMS=0,1`).
 */
import { settingFromText, textSettings, type TextSetting } from "../../stream/settings.ts";
import { PIPELINE_SETTINGS } from "./schema.ts";

export const ENV_PREFIX = "STREAMING_TDA_";

export function envName(path: string, setting: TextSetting): string {
  return setting.env ?? ENV_PREFIX + path.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/\./g, "_").toUpperCase();
}

export interface Assignment {
  path: string;
  value: unknown;
  /** Where it came from, as an error names it: `--window`, `LOG_LEVEL`. */
  origin: string;
}

/** The settings the environment sets. */
export function settingsFromEnv(env: NodeJS.ProcessEnv): Assignment[] {
  const out: Assignment[] = [];
  for (const [path, setting] of textSettings(PIPELINE_SETTINGS)) {
    const name = envName(path, setting);
    const text = env[name];
    if (text === undefined || text === "") continue;
    out.push({ path, value: settingFromText(setting, text), origin: name });
  }
  return out;
}

/** Every variable and the setting it sets, for the docs and `--help`. */
export function envVariables(): Array<{ name: string; path: string; help: string }> {
  return textSettings(PIPELINE_SETTINGS).map(([path, setting]) => ({ name: envName(path, setting), path, help: setting.help }));
}
