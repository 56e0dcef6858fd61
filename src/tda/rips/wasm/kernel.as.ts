/**
 * The WebAssembly module of the Rips engine (built by `npm run build:wasm`): the edge
 * collapse, and dimension 1 of the collapsed filtration, sharing one memory so that the
 * collapsed graph never leaves it.
 */
export { collapse } from "./edge-collapse.as";
export { fillRanks, h1, h1Bytes } from "./h1-reduction.as";
