/**
 * One key at one scale: decides when a window closes, keeps its points, computes it
 * (incrementally when it can) and turns the diagrams into a window result, a score and
 * feature events.
 *
 * Count window (size N, slide S): the last N points, emitted when the N-th point arrives and
 * every S points after. Time window (duration D, slide S): the points with event time in
 * [a, a + D) for a = k·S, emitted when a point at or after a + D is placed (events are placed
 * in event-time order, so nothing can still fall into it) and only if it holds a point.
 */
import { maxminLandmarks } from "../tda/rips.ts";
import { bottleneckDistance, sortedLineBottleneck, sortedMatchingBound } from "../tda/distance/index.ts";
import { diagramsFromJson, diagramsToJson } from "../tda/formats.ts";
import { principalProjection } from "../tda/index.ts";
import type { Diagrams, Interval } from "../tda/types.ts";
import type { CountsBook } from "./counts.ts";
import type { ResolvedConfig, ResolvedScale } from "./config.ts";
import { lastingSpan, scoreWindow, type DetectorState } from "./detector.ts";
import { trackFeatures, type TrackedFeature } from "./feature-tracker.ts";
import { windowFeatures } from "./features.ts";
import { FlatDiagramsView, flattenDiagrams, isPackedDiagrams, packDiagrams, unpackDiagrams, type FlatDiagrams } from "./packed-diagrams.ts";
import { PointRing } from "./point-ring.ts";
import { SlotComplex } from "./slot-complex.ts";
import type { OutputRecord, ScaleState, WindowResult } from "./types.ts";

/**
 * Starting size of a window's buffers (they double as needed): a key that has sent a few
 * points costs a few kilobytes, not a full window's distances.
 */
const INITIAL_WINDOW_POINTS = 32;

interface RecentWindow {
  firstSeq: number;
  lastSeq: number;
  flat: FlatDiagrams;
  /** The same diagrams as intervals, kept for the newest window only (the next one's previous). */
  diagrams: Diagrams | null;
}

export class ScaleWindow {
  readonly scale: ResolvedScale;
  private readonly config: ResolvedConfig;
  private readonly key: string;
  private readonly ring: PointRing;
  /** Made at the first window, then grown (doubling) with the windows' point counts up to `maxSlots`. */
  private complex: SlotComplex | null = null;
  private readonly maxSlots: number;
  /** The complex holds exactly an earlier window's points (not landmarks, not from before thinning). */
  private complexInSync = false;
  private complexGeneration = 0;
  private complexMaxSeq = -1;
  pointsSeen = 0;
  nextWindowStart: number | null = null;
  private recent: RecentWindow[] = [];
  private detector: DetectorState = { recent: [], history: [] };
  private readonly span: number;
  private tracking: { features: TrackedFeature[]; nextFeature: number } = { features: [], nextFeature: 0 };

  constructor(key: string, scale: ResolvedScale, dimension: number, config: ResolvedConfig) {
    this.key = key;
    this.scale = scale;
    this.config = config;
    const ringLimit = scale.kind === "count" ? scale.size : config.maxRawPointsPerWindow;
    this.ring = new PointRing(ringLimit, dimension, Math.min(ringLimit, INITIAL_WINDOW_POINTS));
    this.maxSlots = Math.min(ringLimit, config.maxPointsPerWindow);
    this.span = lastingSpan(config.detector.span, scale.size, scale.slide);
  }

  /** Places one point (already in event-time order) and emits the windows it completes. */
  addPoint(seq: number, ts: number, coords: ArrayLike<number>, offset: number, out: OutputRecord[], book: CountsBook): void {
    const scale = this.scale;
    this.pointsSeen++;
    if (scale.kind === "count") {
      this.ring.push(seq, ts, coords, offset);
      if (this.pointsSeen >= scale.size && (this.pointsSeen - scale.size) % scale.slide === 0) {
        this.emit(this.ring.ts(0), this.ring.ts(this.ring.size - 1), false, out, book);
      }
      return;
    }
    const duration = scale.size;
    const slide = scale.slide;
    let start = this.nextWindowStart ?? firstWindowStart(ts, duration, slide);
    while (start + duration <= ts) {
      if (this.ring.size > 0) {
        this.emit(start, start + duration, true, out, book);
      }
      start += slide;
      this.ring.dropBefore(start);
      // Skip the empty windows of a gap in one step.
      if (this.ring.size === 0 && start + duration <= ts) start = Math.max(start, firstWindowStart(ts, duration, slide));
    }
    this.nextWindowStart = start;
    if (ts >= start) {
      if (this.ring.size === this.ring.limit) this.ring.thin();
      this.ring.push(seq, ts, coords, offset);
    }
  }

  /**
   * End of input: emits every open time window that holds a point, as if event time had
   * passed them all. Count windows have no open window to close (a partial one is not a window).
   */
  closeOpenWindows(out: OutputRecord[], book: CountsBook): void {
    if (this.scale.kind !== "time" || this.nextWindowStart === null) return;
    let start = this.nextWindowStart;
    while (this.ring.size > 0) {
      this.emit(start, start + this.scale.size, true, out, book);
      start += this.scale.slide;
      this.ring.dropBefore(start);
    }
    this.nextWindowStart = start;
  }

  private emit(start: number, end: number, timeWindow: boolean, out: OutputRecord[], book: CountsBook): void {
    const ring = this.ring;
    const firstSeq = ring.seq(0);
    const lastSeq = ring.seq(ring.size - 1);
    const complex = this.complexFor(ring.size);
    const { diagrams, threshold } = this.computeDiagrams(complex);
    for (const intervals of diagrams) intervals.sort(byBirthThenDeath);
    const tag = timeWindow ? `${lastSeq}@${start}` : `${lastSeq}`;
    const id = `${this.key}|${this.scale.name}|${tag}`;

    const previous = this.recent.length > 0 ? this.recent[this.recent.length - 1] : null;
    let referenceIndex = -1;
    for (let r = this.recent.length - 1; r >= 0; r--) {
      if (this.recent[r].lastSeq < firstSeq) {
        referenceIndex = r;
        break;
      }
    }
    const distance = previous === null ? null : diagramDistance(intervalsOf(previous), diagrams);
    // Windows that do not overlap (slide ≥ size): the previous window is the reference.
    const referenceDistance = referenceIndex < 0
      ? null
      : referenceIndex === this.recent.length - 1 ? distance : diagramDistance(intervalsOf(this.recent[referenceIndex]), diagrams);
    const verdict = referenceDistance === null ? { score: null, anomaly: false } : scoreWindow(referenceDistance, this.detector, this.span, this.config.detector);
    // Later windows start no earlier, so no earlier entry can be their reference.
    if (referenceIndex > 0) this.recent.splice(0, referenceIndex);
    if (previous !== null) previous.diagrams = null;
    this.recent.push({ firstSeq, lastSeq, flat: flattenDiagrams(diagrams), diagrams });

    const result: WindowResult = {
      type: "window",
      id,
      key: this.key,
      scale: this.scale.name,
      start,
      end,
      firstSeq,
      lastSeq,
      points: ring.size,
      computedPoints: complex.live,
      threshold,
      diagrams: diagramsToJson(diagrams),
      features: windowFeatures(diagrams, this.config.features),
      distance,
      referenceDistance,
      score: verdict.score,
      anomaly: verdict.anomaly,
    };
    if (this.config.projection) result.projection = windowProjection(ring);
    book.windows++;
    if (verdict.anomaly) book.anomalies++;
    out.push(result);
    trackFeatures(
      this.tracking,
      diagrams,
      { key: this.key, scale: this.scale.name, windowId: id, windowTag: tag, lastSeq, time: ring.ts(ring.size - 1), threshold },
      this.config.tracking,
      out,
    );
  }

  /** The complex for a window of `n` points: made at the first window, grown while `maxSlots` allows. */
  private complexFor(n: number): SlotComplex {
    const current = this.complex;
    if (current !== null && (n <= current.capacity || current.capacity === this.maxSlots)) return current;
    const capacity = Math.min(this.maxSlots, Math.max(n, current === null ? INITIAL_WINDOW_POINTS : 2 * current.capacity));
    this.complexInSync = false;
    return (this.complex = new SlotComplex(capacity, this.ring.dimension));
  }

  /** Brings the complex to the window's points (or landmarks) and computes its diagrams. */
  private computeDiagrams(complex: SlotComplex): { diagrams: Diagrams; threshold: number } {
    const ring = this.ring;
    const n = ring.size;
    const coords = ring.coordinates();
    if (n > complex.capacity) {
      // Too many points: maxmin landmarks, recomputed from scratch (they move with every slide).
      const points = new Float32Array(n * ring.dimension);
      for (let i = 0; i < n; i++) points.set(coords.subarray(ring.offset(i), ring.offset(i) + ring.dimension), i * ring.dimension);
      const chosen = Array.from(maxminLandmarks({ points, dimension: ring.dimension }, { count: complex.capacity }).indices).sort((a, b) => a - b);
      complex.clear();
      for (const i of chosen) complex.add(ring.seq(i), points, i * ring.dimension);
      this.complexInSync = false;
    } else if (!this.complexInSync || this.complexGeneration !== ring.generation) {
      complex.clear();
      for (let i = 0; i < n; i++) complex.add(ring.seq(i), coords, ring.offset(i));
    } else {
      // A slide: drop the points that left, add the ones that came.
      const firstSeq = ring.seq(0);
      for (let s = 0; s < complex.capacity; s++) {
        if (complex.slotSeq[s] >= 0 && complex.slotSeq[s] < firstSeq) complex.remove(s);
      }
      for (let i = 0; i < n; i++) {
        const seq = ring.seq(i);
        if (seq > this.complexMaxSeq) complex.add(seq, coords, ring.offset(i));
      }
    }
    if (n <= complex.capacity) {
      this.complexInSync = true;
      this.complexGeneration = ring.generation;
    }
    this.complexMaxSeq = n > 0 ? ring.seq(n - 1) : -1;
    complex.commit();
    return complex.compute(this.config.threshold, this.config.maxDim, this.config.modulus);
  }

  toState(): ScaleState {
    const { seq, ts, coords } = this.ring.toArrays();
    return {
      seq,
      ts,
      coords,
      pointsSeen: this.pointsSeen,
      nextWindowStart: this.nextWindowStart,
      recent: this.recent.map((r) => ({ firstSeq: r.firstSeq, lastSeq: r.lastSeq, diagrams: packDiagrams(r.flat) })),
      recentReference: [...this.detector.recent],
      history: [...this.detector.history],
      features: this.tracking.features.map((f) => ({ ...f, death: Number.isFinite(f.death) ? f.death : null })),
      nextFeature: this.tracking.nextFeature,
    };
  }

  static fromState(key: string, scale: ResolvedScale, dimension: number, config: ResolvedConfig, state: ScaleState): ScaleWindow {
    const window = new ScaleWindow(key, scale, dimension, config);
    for (let i = 0; i < state.seq.length; i++) window.ring.push(state.seq[i], state.ts[i], state.coords, i * dimension);
    window.pointsSeen = state.pointsSeen;
    window.nextWindowStart = state.nextWindowStart;
    // Diagrams as JSON: a checkpoint from before they were packed.
    const diagrams = (d: unknown) => (isPackedDiagrams(d) ? unpackDiagrams(d, "stream state") : diagramsFromJson(d, "stream state"));
    window.recent = state.recent.map((r, k) => {
      const restored = padDiagrams(diagrams(r.diagrams), config.maxDim);
      return { firstSeq: r.firstSeq, lastSeq: r.lastSeq, flat: flattenDiagrams(restored), diagrams: k === state.recent.length - 1 ? restored : null };
    });
    window.detector = { recent: [...state.recentReference], history: [...state.history] };
    window.tracking = {
      features: state.features.map((f) => ({ ...f, death: f.death ?? Infinity })),
      nextFeature: state.nextFeature,
    };
    return window;
  }
}

/** The smallest window start k·slide whose window [start, start + duration) still contains `ts`. */
function firstWindowStart(ts: number, duration: number, slide: number): number {
  return (Math.floor((ts - duration) / slide) + 1) * slide;
}

/**
 * Bottleneck distance over all dimensions: the largest of the per-dimension distances. From
 * the highest dimension down, so that H0 (two large diagrams on one line) is often skipped:
 * when a matching in sorted order already costs no more than the largest so far, its exact
 * distance cannot change the answer. Otherwise H0 goes to the one-line search, told the
 * largest so far: whether H0 exceeds it takes one linear pass.
 */
function diagramDistance(a: Diagrams, b: Diagrams): number {
  let distance = 0;
  for (let d = Math.max(a.length, b.length) - 1; d >= 0; d--) {
    const x = a[d] ?? [];
    const y = b[d] ?? [];
    const bound = sortedMatchingBound(x, y);
    if (bound <= distance) continue;
    distance = bound === Infinity ? Math.max(distance, bottleneckDistance(x, y)) : sortedLineBottleneck(x, y, distance);
  }
  return distance;
}

/** Where an earlier window's flat diagrams are read as intervals (one distance at a time). */
const earlierWindow = new FlatDiagramsView();

/** A kept window's diagrams as intervals: the newest window's own, an older one's seen through earlierWindow. */
function intervalsOf(window: RecentWindow): Diagrams {
  return window.diagrams ?? earlierWindow.of(window.flat);
}

function padDiagrams(diagrams: Diagrams, maxDim: number): Diagrams {
  for (let d = 0; d <= maxDim; d++) diagrams[d] ??= [];
  return diagrams;
}

function byBirthThenDeath(p: Interval, q: Interval): number {
  if (p[0] !== q[0]) return p[0] < q[0] ? -1 : 1;
  if (p[1] === q[1]) return 0;
  return p[1] < q[1] ? -1 : 1;
}

/** The window's points on their first two principal components, rounded for the wire. */
function windowProjection(ring: PointRing): number[] {
  const n = ring.size;
  const d = ring.dimension;
  const coords = ring.coordinates();
  const points = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) points[i * d + k] = coords[ring.offset(i) + k];
  return Array.from(principalProjection(points, n, d, 2), (v) => Number(v.toPrecision(4)));
}
