import { el, formatNumber } from "../common/dom.ts";
import type { PipelineHealth } from "./types.ts";

/** Throughput, latency, dead letters, checkpoints, run state and (with Kafka) lag, as a list of facts. */
export function showHealth(list: HTMLElement, h: PipelineHealth): void {
  const facts: Array<[string, string, boolean?]> = [
    ["state", h.paused ? "paused" : h.state, h.paused || h.state === "failed"],
    ["events/s", formatNumber(Math.round(h.eventsPerSecond))],
    ["windows/s", formatNumber(Math.round(h.windowsPerSecond * 10) / 10)],
    ["latency p50", `${formatNumber(h.latencyP50Ms)} ms`],
    ["latency p99", `${formatNumber(h.latencyP99Ms)} ms`],
    ["checkpoints", `${h.checkpoints}${h.lastCheckpointAt ? ` (last ${Math.max(0, Math.round((h.at - h.lastCheckpointAt) / 1000))} s ago)` : ""}`],
    ["keys in memory", String(h.activeKeys)],
    ["in flight", String(h.inFlight)],
  ];
  if (h.kafkaLag !== null) facts.push(["Kafka lag", String(h.kafkaLag)]);
  const reasons = Object.entries(h.deadLetters).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  facts.push(["dead letters", reasons.length === 0 ? "none" : reasons.map(([r, n]) => `${r} ${n}`).join(", ")]);
  list.replaceChildren(
    ...facts.map(([name, value, alarm]) => {
      const item = el("div");
      const dt = el("dt", name);
      const dd = el("dd", value);
      if (alarm) dd.className = "alarm";
      item.append(dt, dd);
      return item;
    }),
  );
}
