// The library: everything here runs in Node and in browsers (no Node API).
export { ripsPersistence, persistenceAboveZero, MAX_DIM } from "./rips.ts";
export { Workspace } from "./rips/workspace.ts";
export { diagramsToJson, diagramsFromJson, type DiagramsJson } from "./diagram-json.ts";
export { parseRipsInput, INPUT_FORMATS, type InputFormat } from "./formats.ts";
export * from "./distance/index.ts";
export * from "./analytics.ts";
export * from "./types.ts";
