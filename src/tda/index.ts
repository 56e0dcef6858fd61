export { ripsPersistence, persistenceAboveZero } from "./rips.ts";
export { diagramsToJson, diagramsFromJson, type DiagramsJson } from "./diagram-json.ts";
export * from "./types.ts";
