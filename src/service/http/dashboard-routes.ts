import type { ResultArchive, StateStore } from "../../adapters/types.ts";
import type { PipelineMetrics } from "../runtime/metrics.ts";
import { LiveApi } from "./live-api.ts";
import type { ServiceInfo } from "./live-types.ts";
import type { LiveFeed } from "./live-feed.ts";
import { WebAssets } from "./page.ts";
import { HealthProbe, type HealthSource } from "./pipeline-health.ts";
import { QueryApi } from "./query-api.ts";
import type { RouteGroup } from "./routes.ts";

/** What the page's routes need from the pipeline. */
export interface DashboardSources {
  runner: HealthSource;
  metrics: PipelineMetrics;
  store?: StateStore;
  /** Window results older than the store keeps: history reads them from here. */
  archive?: ResultArchive;
  /** The live side of the outputs; without it /api/live serves health and statuses only. */
  live?: { feed: LiveFeed; info: ServiceInfo };
}

/** The pages, their assets, the query API over history, and the live updates. */
export function dashboardRoutes(sources: DashboardSources): RouteGroup[] {
  const { runner, metrics, store, archive, live } = sources;
  return [
    new WebAssets(),
    new QueryApi(store, archive),
    new LiveApi(live?.feed, new HealthProbe(runner, metrics), live?.info),
  ];
}
