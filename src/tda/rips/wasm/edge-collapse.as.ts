/**
 * The edge collapse's backward pass (../edge-collapse.ts) for up to 128 vertices, in
 * AssemblyScript, compiled to WebAssembly by `npm run build:wasm`. Each closed neighbourhood
 * is two 64-bit words, so a domination test is four loads and a handful of word operations,
 * with none of JavaScript's 32-bit splitting; the pass runs about twice as fast as the same
 * steps in JavaScript. It works on its own copy of the inputs in this module's memory.
 *
 * Layout: the caller writes the n×n rank matrix at `ranks`, and each edge's rank and ends at
 * `edgeRanks`, `tops` and `bottoms` (filtration order), and reads the surviving edges (by
 * position, last first) and their ranks at `kept` and `keptRanks`. Rows of the graphs are 16
 * bytes per vertex at `present` and `alive`; the other regions are scratch.
 */

const NEVER: i32 = 0x7fffffff;

let N: i32 = 0;
let RANKS: usize = 0;
let PRESENT: usize = 0;
let ALIVE: usize = 0;
/** Common neighbours of the visited edge and its ends, as of the time being tested. */
let common0: u64 = 0;
let common1: u64 = 0;
/** Domination tests so far: what the collapse has cost. */
let tests: i32 = 0;

@inline function rankOf(a: i32, b: i32): i32 {
  return load<i32>(RANKS + ((<usize>(a * N + b)) << 2));
}
@inline function low(rows: usize, x: i32): u64 {
  return load<u64>(rows + (<usize>x << 4));
}
@inline function high(rows: usize, x: i32): u64 {
  return load<u64>(rows + (<usize>x << 4), 8);
}
@inline function word(rows: usize, r: i32, x: i32): usize {
  return rows + (<usize>r << 4) + (<usize>(x >> 6) << 3);
}
@inline function has(rows: usize, r: i32, x: i32): bool {
  return ((load<u64>(word(rows, r, x)) >> <u64>(x & 63)) & 1) != 0;
}
@inline function link(rows: usize, u: i32, v: i32): void {
  store<u64>(word(rows, u, v), load<u64>(word(rows, u, v)) | (<u64>1 << <u64>(v & 63)));
  store<u64>(word(rows, v, u), load<u64>(word(rows, v, u)) | (<u64>1 << <u64>(u & 63)));
}
@inline function unlink(rows: usize, u: i32, v: i32): void {
  store<u64>(word(rows, u, v), load<u64>(word(rows, u, v)) & ~(<u64>1 << <u64>(v & 63)));
  store<u64>(word(rows, v, u), load<u64>(word(rows, v, u)) & ~(<u64>1 << <u64>(u & 63)));
}
@inline function withoutBit(bits: u64, x: i32, half: i32): u64 {
  return x >= 0 && x >> 6 == half ? bits & ~(<u64>1 << <u64>(x & 63)) : bits;
}
/** Whether c's row of `rows` holds every common neighbour. */
@inline function seesAll(rows: usize, c: i32): bool {
  return ((common0 & ~low(rows, c)) | (common1 & ~high(rows, c))) == 0;
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
  let missing = common0 & ~low(PRESENT, c);
  while (missing != 0) {
    const x = <i32>ctz(missing);
    missing &= missing - 1;
    if (rankOf(c, x) > time) return false;
  }
  missing = common1 & ~high(PRESENT, c);
  while (missing != 0) {
    const x = 64 + <i32>ctz(missing);
    missing &= missing - 1;
    if (rankOf(c, x) > time) return false;
  }
  return true;
}

/** A common neighbour other than u, v and `hint` (the dominator until `time`) that dominates uv at `time`, or -1. */
function findDominator(u: i32, v: i32, time: i32, start: i32, hint: i32): i32 {
  let bits = common0;
  while (bits != 0) {
    const c = <i32>ctz(bits);
    bits &= bits - 1;
    if (c != hint && c != u && c != v && dominates(c, time, start)) return c;
  }
  bits = common1;
  while (bits != 0) {
    const c = 64 + <i32>ctz(bits);
    bits &= bits - 1;
    if (c != hint && c != u && c != v && dominates(c, time, start)) return c;
  }
  return -1;
}

/**
 * The backward pass over `m` edges of a graph on `n` ≤ 128 vertices. Returns how many edges
 * survive, or -1 when, at edge `checkAt`, the domination tests so far average above
 * `giveUpAbove` per edge visited.
 */
export function collapse(
  n: i32, m: i32, infinite: i32, checkAt: i32, giveUpAbove: f64,
  ranks: usize, edgeRanks: usize, tops: usize, bottoms: usize,
  present: usize, alive: usize, kept: usize, keptRanks: usize, keptHere: usize, laterTime: usize, laterVertex: usize,
): i32 {
  N = n;
  RANKS = ranks;
  PRESENT = present;
  ALIVE = alive;
  tests = 0;
  // Closed neighbourhoods: every vertex in its own row, then every edge.
  memory.fill(present, 0, <usize>n << 4);
  for (let x = 0; x < n; x++) store<u64>(word(present, x, x), <u64>1 << <u64>(x & 63));
  for (let k = 0; k < m; k++) link(present, load<i32>(tops + (<usize>k << 2)), load<i32>(bottoms + (<usize>k << 2)));
  memory.copy(alive, present, <usize>n << 4);
  let keptHereCount = 0;
  let currentRank = -1;
  let keptCount = 0;
  let lastDominator = -1;
  for (let k = m - 1; k >= 0; k--) {
    if (k == checkAt && <f64>tests > giveUpAbove * <f64>(m - 1 - k)) return -1;
    const start = load<i32>(edgeRanks + (<usize>k << 2));
    if (start != currentRank) {
      // Edges kept at the rank left behind leave `present`.
      for (let h = 0; h < keptHereCount; h++) {
        const e = <usize>load<i32>(keptHere + (<usize>h << 2)) << 2;
        unlink(present, load<i32>(tops + e), load<i32>(bottoms + e));
      }
      keptHereCount = 0;
      currentRank = start;
    }
    const u = load<i32>(tops + (<usize>k << 2));
    const v = load<i32>(bottoms + (<usize>k << 2));
    const c0 = low(present, u) & low(present, v);
    const c1 = high(present, u) & high(present, v);
    // A dominator now: the last one found first, then the common neighbours in order.
    let dominator = -1;
    const hint = lastDominator;
    if (hint >= 0 && hint != u && hint != v && (((hint < 64 ? c0 >> <u64>hint : c1 >> <u64>(hint - 64)) & 1) != 0)) {
      tests++;
      if (((c0 & ~low(present, hint)) | (c1 & ~high(present, hint))) == 0) dominator = hint;
    }
    if (dominator < 0) {
      let bits = withoutBit(withoutBit(withoutBit(c0, u, 0), v, 0), hint, 0);
      while (bits != 0) {
        const c = <i32>ctz(bits);
        bits &= bits - 1;
        tests++;
        if (((c0 & ~low(present, c)) | (c1 & ~high(present, c))) == 0) {
          dominator = c;
          break;
        }
      }
      bits = dominator < 0 ? withoutBit(withoutBit(withoutBit(c1, u, 1), v, 1), hint, 1) : 0;
      while (bits != 0) {
        const c = 64 + <i32>ctz(bits);
        bits &= bits - 1;
        tests++;
        if (((c0 & ~low(present, c)) | (c1 & ~high(present, c))) == 0) {
          dominator = c;
          break;
        }
      }
    }
    if (dominator >= 0) {
      if ((((low(alive, u) & low(alive, v)) ^ c0) | ((high(alive, u) & high(alive, v)) ^ c1)) == 0) {
        // Dominated now, and no common neighbour is left to arrive: dominated for good.
        lastDominator = dominator;
        unlink(present, u, v);
        unlink(alive, u, v);
        continue;
      }
      common0 = c0;
      common1 = c1;
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
        for (let half = 0; half < 2; half++) {
          let later = half == 0 ? low(alive, u) & low(alive, v) & ~common0 : high(alive, u) & high(alive, v) & ~common1;
          while (later != 0) {
            const x = (half << 6) + <i32>ctz(later);
            later &= later - 1;
            const a = rankOf(u, x);
            const b = rankOf(v, x);
            store<i32>(laterTime + (<usize>laterCount << 2), a > b ? a : b);
            store<i32>(laterVertex + (<usize>laterCount << 2), x);
            laterCount++;
          }
        }
      }
      let until = NEVER;
      for (let i = 0; i < laterCount; i++) {
        const t = load<i32>(laterTime + (<usize>i << 2));
        const x = load<i32>(laterVertex + (<usize>i << 2));
        if (t > time && t < until && (!has(alive, dominator, x) || rankOf(dominator, x) > t)) until = t;
      }
      if (until == NEVER) {
        removed = true;
        break;
      }
      time = until;
      for (let i = 0; i < laterCount; i++) {
        if (load<i32>(laterTime + (<usize>i << 2)) > time) continue;
        const x = load<i32>(laterVertex + (<usize>i << 2));
        if (x < 64) common0 |= <u64>1 << <u64>x;
        else common1 |= <u64>1 << <u64>(x - 64);
      }
      dominator = findDominator(u, v, time, start, lastDominator);
    }
    if (removed || time != start) {
      unlink(present, u, v);
      const rank = removed ? infinite : time;
      store<i32>(RANKS + (<usize>(u * n + v) << 2), rank);
      store<i32>(RANKS + (<usize>(v * n + u) << 2), rank);
      if (removed) {
        unlink(alive, u, v);
        continue;
      }
    } else {
      store<i32>(keptHere + (<usize>keptHereCount << 2), k);
      keptHereCount++;
    }
    store<i32>(kept + (<usize>keptCount << 2), k);
    store<i32>(keptRanks + (<usize>keptCount << 2), time);
    keptCount++;
  }
  return keptCount;
}
