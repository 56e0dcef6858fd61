/**
 * The WebAssembly edge-collapse kernel (edge-collapse.as.ts): loaded once per thread, its
 * memory laid out for the largest graph it has been given (grown, never shrunk), so a call
 * only copies its inputs in. Where WebAssembly is missing (a page that forbids it),
 * `collapseKernel()` is null and the collapse runs in JavaScript.
 */
import { EDGE_COLLAPSE_WASM } from "./edge-collapse-wasm.ts";

const PAGE = 65536;

interface KernelExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  collapse(
    n: number, m: number, infinite: number, checkAt: number, giveUpAbove: number,
    ranks: number, edgeRanks: number, tops: number, bottoms: number,
    present: number, alive: number, common: number, kept: number, keptRanks: number, keptHere: number, laterTime: number, laterVertex: number,
  ): number;
}

/** What this code needs of the host's WebAssembly (typed here: the library is checked without DOM or Node types). */
interface WebAssemblyHost {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

type Region = "common" | "ranks" | "edgeRanks" | "tops" | "bottoms" | "present" | "alive" | "kept" | "keptRanks" | "keptHere" | "laterTime" | "laterVertex";

export class CollapseKernel {
  /** Inputs, written by the caller after `reserve`: the n×n rank matrix (row stride n), and per edge its rank and ends. */
  ranks = new Int32Array(0);
  edgeRanks = new Int32Array(0);
  tops = new Int32Array(0);
  bottoms = new Int32Array(0);
  /** Outputs of `collapse`: the surviving edges' positions, last first, and their ranks. */
  kept = new Int32Array(0);
  keptRanks = new Int32Array(0);
  private readonly exports: KernelExports;
  private at = {} as Record<Region, number>;
  private vertices = 0;
  private edges = 0;

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
    };
    const have = this.exports.memory.buffer.byteLength;
    if (next > have) this.exports.memory.grow(Math.ceil((next - have) / PAGE));
    const buffer = this.exports.memory.buffer;
    this.ranks = new Int32Array(buffer, this.at.ranks, vertices * vertices);
    this.edgeRanks = new Int32Array(buffer, this.at.edgeRanks, edges);
    this.tops = new Int32Array(buffer, this.at.tops, edges);
    this.bottoms = new Int32Array(buffer, this.at.bottoms, edges);
    this.kept = new Int32Array(buffer, this.at.kept, edges);
    this.keptRanks = new Int32Array(buffer, this.at.keptRanks, edges);
    this.vertices = vertices;
    this.edges = edges;
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
}

let loaded: CollapseKernel | null | undefined;

/** This thread's kernel, made at the first call; null where the host has no WebAssembly. */
export function collapseKernel(): CollapseKernel | null {
  if (loaded !== undefined) return loaded;
  const host = (globalThis as { WebAssembly?: WebAssemblyHost }).WebAssembly;
  if (host === undefined) return (loaded = null);
  const instance = new host.Instance(new host.Module(hexBytes(EDGE_COLLAPSE_WASM)), {});
  return (loaded = new CollapseKernel(instance.exports as KernelExports));
}

function hexBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}
