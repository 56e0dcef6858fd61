/**
 * The edge collapse's backward pass (../edge-collapse.ts) in AssemblyScript, compiled to
 * WebAssembly by `npm run build:wasm`. Closed neighbourhoods are rows of 64-bit words, so a
 * domination test takes half the word operations of JavaScript's 32-bit ones, without its
 * checks; the pass runs about twice as fast as the same steps in JavaScript. It works on
 * its own copy of the inputs, in this module's memory.
 *
 * Layout (rips-kernel.ts): the caller writes the n×n rank matrix at `ranks`, and each
 * edge's rank and ends at `edgeRanks`, `tops` and `bottoms` (filtration order), and reads the
 * surviving edges (by position, last first) and their ranks at `kept` and `keptRanks`. Rows
 * are ⌈n/64⌉ words per vertex at `present` and `alive`; the other regions are scratch.
 */

const NEVER: i32 = 0x7fffffff;

let N: i32 = 0;
/** Words per row. */
let W: i32 = 0;
let RANKS: usize = 0;
/** Row per vertex: the vertex and its neighbours through edges whose current rank is at most the visited one. */
let PRESENT: usize = 0;
/** Row per vertex: the vertex and its neighbours through edges not removed (the final graph). */
let ALIVE: usize = 0;
/** Common neighbours of the visited edge and its two ends, as of the time being tested: one row. */
let COMMON: usize = 0;
/** Domination tests so far: what the collapse has cost. */
let tests: i32 = 0;

@inline function rankOf(a: i32, b: i32): i32 { return load<i32>(RANKS + ((<usize>(a * N + b)) << 2)); }
@inline function row(rows: usize, x: i32): usize { return rows + ((<usize>(x * W)) << 3); }
@inline function word(rows: usize, r: i32, x: i32): usize { return row(rows, r) + (<usize>(x >> 6) << 3); }
@inline function has(rows: usize, r: i32, x: i32): bool { return ((load<u64>(word(rows, r, x)) >> <u64>(x & 63)) & 1) != 0; }
@inline function link(rows: usize, u: i32, v: i32): void {
  store<u64>(word(rows, u, v), load<u64>(word(rows, u, v)) | (<u64>1 << <u64>(v & 63)));
  store<u64>(word(rows, v, u), load<u64>(word(rows, v, u)) | (<u64>1 << <u64>(u & 63)));
}
@inline function unlink(rows: usize, u: i32, v: i32): void {
  store<u64>(word(rows, u, v), load<u64>(word(rows, u, v)) & ~(<u64>1 << <u64>(v & 63)));
  store<u64>(word(rows, v, u), load<u64>(word(rows, v, u)) & ~(<u64>1 << <u64>(u & 63)));
}
@inline function commonWord(w: i32): u64 { return load<u64>(COMMON + (<usize>w << 3)); }
@inline function inCommon(x: i32): bool { return ((commonWord(x >> 6) >> <u64>(x & 63)) & 1) != 0; }
/** Whether c's row of `rows` holds every common neighbour. */
function seesAll(rows: usize, c: i32): bool {
  const r = row(rows, c);
  for (let w = 0; w < W; w++) if ((commonWord(w) & ~load<u64>(r + (<usize>w << 3))) != 0) return false;
  return true;
}
/**
 * Whether c is adjacent by `time` to every common neighbour. At the edge's own rank the
 * rows of `present` answer alone; later, a vertex that does not see them all in the final
 * graph never will, and the others' neighbours missing from `present` are looked up by rank.
 */
function dominates(c: i32, time: i32, start: i32): bool {
  tests++;
  if (time == start) return seesAll(PRESENT, c);
  if (!seesAll(ALIVE, c)) return false;
  const r = row(PRESENT, c);
  for (let w = 0; w < W; w++) {
    let missing = commonWord(w) & ~load<u64>(r + (<usize>w << 3));
    while (missing != 0) {
      const x = (w << 6) + <i32>ctz(missing);
      missing &= missing - 1;
      if (rankOf(c, x) > time) return false;
    }
  }
  return true;
}
/** A common neighbour other than u, v and `hint` (the dominator until `time`) that dominates uv at `time`, or -1. */
function findDominator(u: i32, v: i32, time: i32, start: i32, hint: i32): i32 {
  for (let w = 0; w < W; w++) {
    let bits = commonWord(w);
    while (bits != 0) {
      const c = (w << 6) + <i32>ctz(bits);
      bits &= bits - 1;
      if (c != hint && c != u && c != v && dominates(c, time, start)) return c;
    }
  }
  return -1;
}

/**
 * The backward pass over `m` edges of a graph on `n` vertices. Returns how many edges
 * survive, or -1 when, at edge `checkAt`, the domination tests so far average above
 * `giveUpAbove` per edge visited.
 */
export function collapse(
  n: i32, m: i32, infinite: i32, checkAt: i32, giveUpAbove: f64,
  ranks: usize, edgeRanks: usize, tops: usize, bottoms: usize,
  present: usize, alive: usize, common: usize, kept: usize, keptRanks: usize, keptHere: usize, laterTime: usize, laterVertex: usize,
): i32 {
  N = n;
  W = (n + 63) >> 6;
  RANKS = ranks;
  PRESENT = present;
  ALIVE = alive;
  COMMON = common;
  tests = 0;
  // Closed neighbourhoods: every vertex in its own row, then every edge.
  const rowBytes = <usize>(n * W) << 3;
  memory.fill(present, 0, rowBytes);
  for (let x = 0; x < n; x++) store<u64>(word(present, x, x), <u64>1 << <u64>(x & 63));
  for (let k = 0; k < m; k++) link(present, load<i32>(tops + (<usize>k << 2)), load<i32>(bottoms + (<usize>k << 2)));
  memory.copy(alive, present, rowBytes);
  /** Edges kept at the rank being visited: they leave `present` once the visit passes below it. */
  let keptHereCount = 0;
  let currentRank = -1;
  let keptCount = 0;
  let lastDominator = -1;
  for (let k = m - 1; k >= 0; k--) {
    if (k == checkAt && <f64>tests > giveUpAbove * <f64>(m - 1 - k)) return -1;
    const start = load<i32>(edgeRanks + (<usize>k << 2));
    if (start != currentRank) {
      for (let h = 0; h < keptHereCount; h++) { const e = <usize>load<i32>(keptHere + (<usize>h << 2)) << 2; unlink(present, load<i32>(tops + e), load<i32>(bottoms + e)); }
      keptHereCount = 0; currentRank = start;
    }
    const u = load<i32>(tops + (<usize>k << 2));
    const v = load<i32>(bottoms + (<usize>k << 2));
    const ru = row(present, u), rv = row(present, v);
    for (let w = 0; w < W; w++) store<u64>(common + (<usize>w << 3), load<u64>(ru + (<usize>w << 3)) & load<u64>(rv + (<usize>w << 3)));
    // A dominator now: the last one found first (a few central vertices dominate most edges).
    let dominator = -1;
    const hint = lastDominator;
    if (hint >= 0 && hint != u && hint != v && inCommon(hint)) {
      tests++;
      if (seesAll(present, hint)) dominator = hint;
    }
    if (dominator < 0) {
      for (let w = 0; w < W && dominator < 0; w++) {
        let bits = commonWord(w);
        while (bits != 0) {
          const c = (w << 6) + <i32>ctz(bits);
          bits &= bits - 1;
          if (c == hint || c == u || c == v) continue;
          tests++;
          if (seesAll(present, c)) { dominator = c; break; }
        }
      }
    }
    if (dominator >= 0) {
      const au = row(alive, u), av = row(alive, v);
      let later: u64 = 0;
      for (let w = 0; w < W; w++) later |= (load<u64>(au + (<usize>w << 3)) & load<u64>(av + (<usize>w << 3))) ^ commonWord(w);
      if (later == 0) {
        // Dominated now, and no common neighbour is left to arrive: dominated for good.
        lastDominator = dominator;
        unlink(present, u, v);
        unlink(alive, u, v);
        continue;
      }
    }
    // Dominated until the first arrival of a common neighbour the dominator does not see by
    // then; moved there, or removed when there is none.
    let laterCount = -1;
    let time = start;
    let removed = false;
    while (dominator >= 0) {
      lastDominator = dominator;
      if (laterCount < 0) {
        laterCount = 0;
        const au = row(alive, u), av = row(alive, v);
        for (let w = 0; w < W; w++) {
          let later = load<u64>(au + (<usize>w << 3)) & load<u64>(av + (<usize>w << 3)) & ~commonWord(w);
          while (later != 0) {
            const x = (w << 6) + <i32>ctz(later);
            later &= later - 1;
            const a = rankOf(u, x), b = rankOf(v, x);
            store<i32>(laterTime + (<usize>laterCount << 2), a > b ? a : b);
            store<i32>(laterVertex + (<usize>laterCount << 2), x);
            laterCount++;
          }
        }
      }
      let until = NEVER;
      for (let i = 0; i < laterCount; i++) {
        const t = load<i32>(laterTime + (<usize>i << 2)); const x = load<i32>(laterVertex + (<usize>i << 2));
        if (t > time && t < until && (!has(alive, dominator, x) || rankOf(dominator, x) > t)) until = t;
      }
      if (until == NEVER) { removed = true; break; }
      time = until;
      for (let i = 0; i < laterCount; i++) {
        if (load<i32>(laterTime + (<usize>i << 2)) > time) continue;
        const x = load<i32>(laterVertex + (<usize>i << 2));
        const p = common + (<usize>(x >> 6) << 3);
        store<u64>(p, load<u64>(p) | (<u64>1 << <u64>(x & 63)));
      }
      dominator = findDominator(u, v, time, start, lastDominator);
    }
    if (removed || time != start) {
      unlink(present, u, v);
      const rank = removed ? infinite : time;
      store<i32>(RANKS + (<usize>(u * n + v) << 2), rank); store<i32>(RANKS + (<usize>(v * n + u) << 2), rank);
      if (removed) { unlink(alive, u, v); continue; }
    } else { store<i32>(keptHere + (<usize>keptHereCount << 2), k); keptHereCount++; }
    store<i32>(kept + (<usize>keptCount << 2), k); store<i32>(keptRanks + (<usize>keptCount << 2), time); keptCount++;
  }
  return keptCount;
}
