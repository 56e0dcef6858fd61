/**
 * The WebAssembly edge-collapse kernel (edge-collapse.as.ts): loaded once per thread, its
 * memory laid out for the largest graph it takes (128 vertices, every pair an edge), so a
 * call only copies its inputs in. Where WebAssembly is missing (a page that forbids it),
 * `collapseKernel()` is null and the collapse runs in JavaScript.
 */
import { EDGE_COLLAPSE_WASM } from "./edge-collapse-wasm.ts";

/** Most vertices the kernel takes: a closed neighbourhood is two 64-bit words. */
export const KERNEL_MAX_VERTICES = 128;
const MAX_EDGES = (KERNEL_MAX_VERTICES * (KERNEL_MAX_VERTICES - 1)) / 2;
const PAGE = 65536;

interface KernelExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  collapse(
    n: number, m: number, infinite: number, checkAt: number, giveUpAbove: number,
    ranks: number, edgeRanks: number, tops: number, bottoms: number,
    present: number, alive: number, kept: number, keptRanks: number, keptHere: number, laterTime: number, laterVertex: number,
  ): number;
}

/** What this code needs of the host's WebAssembly (typed here: the library is checked without DOM or Node types). */
interface WebAssemblyHost {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

export class CollapseKernel {
  /** Inputs, written by the caller before `collapse`: the n×n rank matrix (row stride n), and per edge its rank and ends. */
  readonly ranks: Int32Array;
  readonly edgeRanks: Int32Array;
  readonly tops: Int32Array;
  readonly bottoms: Int32Array;
  /** Outputs of `collapse`: the surviving edges' positions, last first, and their ranks. */
  readonly kept: Int32Array;
  readonly keptRanks: Int32Array;
  private readonly exports: KernelExports;
  private readonly at: Record<"ranks" | "edgeRanks" | "tops" | "bottoms" | "present" | "alive" | "kept" | "keptRanks" | "keptHere" | "laterTime" | "laterVertex", number>;

  constructor(exports: KernelExports) {
    this.exports = exports;
    // Regions from the second page up (the first is the module's own), 16-byte aligned.
    let next = PAGE;
    const region = (bytes: number) => {
      const start = next;
      next += (bytes + 15) & ~15;
      return start;
    };
    const edgeBytes = 4 * MAX_EDGES;
    const rowBytes = 16 * KERNEL_MAX_VERTICES;
    this.at = {
      ranks: region(4 * KERNEL_MAX_VERTICES * KERNEL_MAX_VERTICES),
      edgeRanks: region(edgeBytes),
      tops: region(edgeBytes),
      bottoms: region(edgeBytes),
      present: region(rowBytes),
      alive: region(rowBytes),
      kept: region(edgeBytes),
      keptRanks: region(edgeBytes),
      keptHere: region(edgeBytes),
      laterTime: region(4 * KERNEL_MAX_VERTICES),
      laterVertex: region(4 * KERNEL_MAX_VERTICES),
    };
    const have = exports.memory.buffer.byteLength;
    if (next > have) exports.memory.grow(Math.ceil((next - have) / PAGE));
    const buffer = exports.memory.buffer;
    const view = (start: number, length: number) => new Int32Array(buffer, start, length);
    this.ranks = view(this.at.ranks, KERNEL_MAX_VERTICES * KERNEL_MAX_VERTICES);
    this.edgeRanks = view(this.at.edgeRanks, MAX_EDGES);
    this.tops = view(this.at.tops, MAX_EDGES);
    this.bottoms = view(this.at.bottoms, MAX_EDGES);
    this.kept = view(this.at.kept, MAX_EDGES);
    this.keptRanks = view(this.at.keptRanks, MAX_EDGES);
  }

  /**
   * The backward pass over the first `m` edges written to the inputs, on `n` vertices:
   * how many edges survive (in `kept` and `keptRanks`), or -1 when it gives up (see
   * collapseFiltration). The inputs are the kernel's copies: the caller's arrays are untouched.
   */
  collapse(n: number, m: number, infinite: number, checkAt: number, giveUpAbove: number): number {
    const a = this.at;
    return this.exports.collapse(n, m, infinite, checkAt, giveUpAbove, a.ranks, a.edgeRanks, a.tops, a.bottoms, a.present, a.alive, a.kept, a.keptRanks, a.keptHere, a.laterTime, a.laterVertex);
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
