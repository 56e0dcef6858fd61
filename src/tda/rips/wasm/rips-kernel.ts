/**
 * The Rips engine's WebAssembly kernel (kernel.as.ts: the edge collapse, and dimension 1 of
 * the collapsed filtration): loaded once per thread, its memory laid out for the largest
 * graph it has been given (grown, never shrunk), so a call only writes its inputs in.
 * Where WebAssembly is missing (a page that forbids it), `ripsKernel()` is null and the
 * engine runs in JavaScript.
 */
import { RIPS_KERNEL_WASM } from "./kernel-wasm.ts";

const PAGE = 65536;
/** The rank `fillRanks` and `h1` give a pair with no edge: above every rank (and one byte repeated, so a memset writes it). */
export const ABSENT_RANK = 0x7f7f7f7f;
/** The most entries per growing region of `h1`: about 1 GB of scratch. */
const MAX_H1_ROOM = 1 << 24;

interface KernelExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  collapse(
    n: number, m: number, infinite: number, checkAt: number, giveUpAbove: number,
    ranks: number, edgeRanks: number, tops: number, bottoms: number,
    present: number, alive: number, common: number, kept: number, keptRanks: number, keptHere: number, laterTime: number, laterVertex: number,
  ): number;
  fillRanks(n: number, m: number, ranks: number, edgeRanks: number, tops: number, bottoms: number): void;
  h1Bytes(n: number, survivors: number, room: number): number;
  h1(
    n: number, count: number,
    ranks: number, edgeRanks: number, tops: number, bottoms: number, alive: number, kept: number, keptRanks: number,
    scratch: number, room: number, births: number, deaths: number,
  ): number;
}

/** What this code needs of the host's WebAssembly (typed here: the library is checked without DOM or Node types). */
interface WebAssemblyHost {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

type Region = "common" | "ranks" | "edgeRanks" | "tops" | "bottoms" | "present" | "alive" | "kept" | "keptRanks" | "keptHere" | "laterTime" | "laterVertex" | "births" | "deaths" | "scratch";

export class RipsKernel {
  /** Inputs, written by the caller after `reserve`: the n×n rank matrix (row stride n), and per edge its rank and ends. */
  ranks = new Int32Array(0);
  edgeRanks = new Int32Array(0);
  tops = new Int32Array(0);
  bottoms = new Int32Array(0);
  /** Outputs of `collapse`: the surviving edges' positions, last first, and their ranks. */
  kept = new Int32Array(0);
  keptRanks = new Int32Array(0);
  /** Outputs of `h1`: each interval's birth and death rank (-1: it never dies). */
  births = new Int32Array(0);
  deaths = new Int32Array(0);
  private readonly exports: KernelExports;
  private at = {} as Record<Region, number>;
  private vertices = 0;
  private edges = 0;
  /** Bytes of the scratch area, after every other region. */
  private scratchBytes = 0;
  /** Entries per growing region of `h1` (generators, their triangles, V's entries), doubled whenever a call runs out. */
  h1Room = 4096;

  constructor(exports: KernelExports) {
    this.exports = exports;
  }

  /** Makes room for a graph of `n` vertices and `m` edges; the views above are valid until the next call. */
  reserve(n: number, m: number): void {
    if (n <= this.vertices && m <= this.edges) return;
    const vertices = Math.max(n, this.vertices);
    // Edge room grows by half again, so a slowly growing window does not lay out every time.
    const edges = Math.max(m, Math.ceil(this.edges * 1.5));
    const rowBytes = 8 * vertices * ((vertices + 63) >>> 6);
    // Regions from the second page up (the first is the module's own), 16-byte aligned.
    let next = PAGE;
    const region = (bytes: number) => {
      const start = next;
      next += (bytes + 15) & ~15;
      return start;
    };
    this.at = {
      common: region(rowBytes / vertices),
      ranks: region(4 * vertices * vertices),
      edgeRanks: region(4 * edges),
      tops: region(4 * edges),
      bottoms: region(4 * edges),
      present: region(rowBytes),
      alive: region(rowBytes),
      kept: region(4 * edges),
      keptRanks: region(4 * edges),
      keptHere: region(4 * edges),
      laterTime: region(4 * vertices),
      laterVertex: region(4 * vertices),
      births: region(4 * edges),
      deaths: region(4 * edges),
      scratch: region(0),
    };
    this.vertices = vertices;
    this.edges = edges;
    this.scratchBytes = 0;
    this.views();
  }

  /** Grows the memory to hold the scratch area's `bytes` and remakes the views (growing detaches them). */
  private views(bytes = this.scratchBytes): void {
    const end = this.at.scratch + bytes;
    const have = this.exports.memory.buffer.byteLength;
    if (end > have) this.exports.memory.grow(Math.ceil((end - have) / PAGE));
    this.scratchBytes = Math.max(bytes, this.scratchBytes);
    const buffer = this.exports.memory.buffer;
    const { vertices, edges } = this;
    this.ranks = new Int32Array(buffer, this.at.ranks, vertices * vertices);
    this.edgeRanks = new Int32Array(buffer, this.at.edgeRanks, edges);
    this.tops = new Int32Array(buffer, this.at.tops, edges);
    this.bottoms = new Int32Array(buffer, this.at.bottoms, edges);
    this.kept = new Int32Array(buffer, this.at.kept, edges);
    this.keptRanks = new Int32Array(buffer, this.at.keptRanks, edges);
    this.births = new Int32Array(buffer, this.at.births, edges);
    this.deaths = new Int32Array(buffer, this.at.deaths, edges);
  }

  /**
   * The backward pass over the first `m` edges written to the inputs, on `n` vertices:
   * how many edges survive (in `kept` and `keptRanks`), or -1 when it gives up at edge
   * `checkAt` (see collapseFiltration). The inputs are the kernel's copies: the caller's
   * arrays are untouched.
   */
  collapse(n: number, m: number, infinite: number, checkAt: number, giveUpAbove: number): number {
    const a = this.at;
    return this.exports.collapse(n, m, infinite, checkAt, giveUpAbove, a.ranks, a.edgeRanks, a.tops, a.bottoms, a.present, a.alive, a.common, a.kept, a.keptRanks, a.keptHere, a.laterTime, a.laterVertex);
  }

  /** Writes the rank matrix from the first `m` edges of the inputs: their ranks, ABSENT_RANK elsewhere. */
  fillRanks(n: number, m: number): void {
    const a = this.at;
    this.exports.fillRanks(n, m, a.ranks, a.edgeRanks, a.tops, a.bottoms);
  }

  /**
   * Dimension 1 over Z/2 of the graph the last `collapse` left (its `count` survivors):
   * RipsReducer's intervals, in its order, as ranks in `births` and `deaths` (-1: never
   * dies). Returns how many. Rewrites the rank matrix to the collapsed filtration's, with
   * ABSENT_RANK where no edge survives. The collapse must have been given ABSENT_RANK as its
   * `infinite`.
   */
  h1(n: number, count: number): number {
    while (true) {
      const bytes = this.exports.h1Bytes(n, count, this.h1Room);
      if (bytes > this.scratchBytes) this.views(bytes);
      const a = this.at;
      const intervals = this.exports.h1(n, count, a.ranks, a.edgeRanks, a.tops, a.bottoms, a.alive, a.kept, a.keptRanks, a.scratch, this.h1Room, a.births, a.deaths);
      if (intervals !== -2) return intervals;
      // A reduction's columns add up to far less than this: more means it has stopped converging.
      if (this.h1Room >= MAX_H1_ROOM) throw new Error(`internal error: dimension 1 needed more than ${MAX_H1_ROOM} entries in a region`);
      this.h1Room *= 2;
    }
  }
}

let loaded: RipsKernel | null | undefined;

/** This thread's kernel, made at the first call; null where the host has no WebAssembly. */
export function ripsKernel(): RipsKernel | null {
  if (loaded !== undefined) return loaded;
  const host = (globalThis as { WebAssembly?: WebAssemblyHost }).WebAssembly;
  if (host === undefined) return (loaded = null);
  const instance = new host.Instance(new host.Module(hexBytes(RIPS_KERNEL_WASM)), {});
  return (loaded = new RipsKernel(instance.exports as KernelExports));
}

function hexBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}
