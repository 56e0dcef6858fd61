import { checkSettings, formatProblem, settingFromText, type ScalarSetting } from "../../stream/settings.ts";

/**
 * A route's query parameters, read with the config schema's rules: each as its declared
 * type, within its bounds, defaults filled. An unknown or invalid one gives an error that
 * names it: `limit: must be an integer from 1 to 10000, got "x"`.
 */
export function readQuery(query: URLSearchParams, fields: Readonly<Record<string, ScalarSetting>>): { values: Record<string, unknown> } | { error: string } {
  const given: Record<string, unknown> = {};
  for (const [name, text] of query) {
    const field = Object.hasOwn(fields, name) ? fields[name] : undefined;
    if (field === undefined) return { error: `${name}: unknown query parameter; known: ${Object.keys(fields).join(", ")}` };
    if (Object.hasOwn(given, name)) return { error: `${name}: given more than once` };
    given[name] = settingFromText(field, text);
  }
  const { value, problems } = checkSettings({ type: "section", help: "query parameters", fields }, given);
  if (problems.length > 0) return { error: problems.map(formatProblem).join("; ") };
  return { values: value as Record<string, unknown> };
}
