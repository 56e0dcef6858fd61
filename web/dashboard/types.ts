/** What the service sends the page: its own types, imported as types only (nothing of the service is bundled). */
import type { KeySummary } from "../../src/adapters/types.ts";
import type { KeyStatus } from "../../src/service/http/live-types.ts";

export type { LiveBatch, PipelineHealth, ServiceInfo } from "../../src/service/http/live-types.ts";
export type { FeatureEvent, WindowResult } from "../../src/stream/types.ts";

/** A key in the list: its summary from the query API, and its live status once one came. */
export type KeyRow = KeySummary & Partial<KeyStatus>;
