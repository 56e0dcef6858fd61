/**
 * The wire format the page reads: what the service sends (src/service/http/live-types.ts)
 * and the stream layer's records. Imported as types only, so nothing of the service or the
 * stream layer is bundled; the lint rules allow web/ no other import from them.
 */
import type { KeyStatus } from "../../src/service/http/live-types.ts";

export type { LiveBatch, PipelineHealth, ServiceInfo } from "../../src/service/http/live-types.ts";
export type { FeatureEvent, WindowResult } from "../../src/stream/types.ts";

/** A key in the list: its summary from /api/keys, and its live status once an update brought one. */
export type KeyRow = Pick<KeyStatus, "key" | "windows" | "anomalies" | "lastEnd"> & Partial<Pick<KeyStatus, "anomaly" | "rate">>;
