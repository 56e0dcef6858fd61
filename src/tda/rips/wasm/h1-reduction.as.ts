/**
 * Dimension 1 over Z/2 of the flag filtration that `collapse` (edge-collapse.as.ts) left in
 * this module's memory, in AssemblyScript: the same steps as RipsReducer with a LazyColumn
 * (../reducer.ts, ../lazy-column.ts, ../apparent-pairs.ts), so the intervals come out the
 * same and in the same order, without the collapsed filtration ever leaving the module.
 *
 * 1. The rank matrix gets the survivors' ranks (removed edges infinite), and the survivors
 *    are put in filtration order (rank ascending, index descending).
 * 2. H0 by union–find marks the spanning forest; the other edges, in reverse order, are
 *    columns unless they are the facet of a zero-persistence apparent pair (whose cofacet is
 *    remembered).
 * 3. Each column is reduced on a lazy working column: every added edge is a generator of its
 *    triangles in filtration order, merged from the rank-ordered rows of its two ends.
 *
 * Triangles are named by their index C(a,3) + C(b,2) + c (a > b > c) as 64-bit integers.
 * The working regions are carved from one scratch area (h1Bytes); a call that would
 * overflow one of them returns -2, and the caller retries with a larger `room`.
 */

let N: i32 = 0;
/** 64-bit words per neighbourhood row. */
let W: i32 = 0;
let RANKS: usize = 0;
let ALIVE: usize = 0;
let overflow = false;

@inline function at32(base: usize, i: i32): i32 { return load<i32>(base + (<usize>i << 2)); }
@inline function set32(base: usize, i: i32, x: i32): void { store<i32>(base + (<usize>i << 2), x); }
@inline function at64(base: usize, i: i32): i64 { return load<i64>(base + (<usize>i << 3)); }
@inline function set64(base: usize, i: i32, x: i64): void { store<i64>(base + (<usize>i << 3), x); }
@inline function rankOf(a: i32, b: i32): i32 { return at32(RANKS, a * N + b); }
@inline function edgeIndex(u: i32, v: i32): i64 { return (<i64>u * <i64>(u - 1)) / 2 + <i64>v; }
/** Index of the triangle on a > b > c. */
@inline function triangleIndex(a: i32, b: i32, c: i32): i64 {
  return (<i64>a * <i64>(a - 1) * <i64>(a - 2)) / 6 + (<i64>b * <i64>(b - 1)) / 2 + <i64>c;
}

/** The rank of a pair with no edge in `fillRanks` and `h1`: above every rank, and a memset's byte pattern. */
const ABSENT_BYTE: u8 = 0x7f;
@inline function clearRanks(ranks: usize, n: i32): void { memory.fill(ranks, ABSENT_BYTE, <usize>(n * n) << 2); }

/** Fills the n×n rank matrix: 0x7f7f7f7f (no edge) everywhere, then each of the m edges' rank at both of its entries. */
export function fillRanks(n: i32, m: i32, ranks: usize, edgeRanks: usize, tops: usize, bottoms: usize): void {
  clearRanks(ranks, n);
  for (let k = 0; k < m; k++) {
    const u = at32(tops, k), v = at32(bottoms, k), r = at32(edgeRanks, k);
    set32(ranks, u * n + v, r);
    set32(ranks, v * n + u, r);
  }
}

// ---- Open-addressing sets and maps of triangle indices (empty slots hold -1) ----

@inline function slotOf(key: i64, mask: i32): i32 { return <i32>((<u64>key * 0x9e3779b97f4a7c15) >> 40) & mask; }
function tableFind(keys: usize, mask: i32, key: i64): i32 {
  let s = slotOf(key, mask);
  while (true) {
    const k = at64(keys, s);
    if (k == key) return s;
    if (k < 0) return -1;
    s = (s + 1) & mask;
  }
}
function tableAdd(keys: usize, mask: i32, key: i64): i32 {
  let s = slotOf(key, mask);
  while (true) {
    const k = at64(keys, s);
    if (k == key || k < 0) { set64(keys, s, key); return s; }
    s = (s + 1) & mask;
  }
}
function tableSlots(expected: i32): i32 {
  let slots = 64;
  while (slots < expected * 2) slots <<= 1;
  return slots;
}

// ---- The lazy working column (../lazy-column.ts, coefficients in Z/2) ----

let ROW_START: usize = 0;
let ROW_VERTEX: usize = 0;
let ROW_RANK: usize = 0;
let GEN_U: usize = 0;
let GEN_V: usize = 0;
let GEN_AT_U: usize = 0;
let GEN_AT_V: usize = 0;
let GEN_RANK: usize = 0;
let GROUP_START: usize = 0;
let GROUP_NEXT: usize = 0;
let HEAD_RANK: usize = 0;
let HEAD_INDEX: usize = 0;
let HEAP: usize = 0;
let SETTLED: usize = 0;
let POOL: usize = 0;
let generatorRoom: i32 = 0;
let poolRoom: i32 = 0;
let generators: i32 = 0;
let poolSize: i32 = 0;
let heapSize: i32 = 0;
/** The pivot after settlePivot: its rank, index and vertices (a > b > c). */
let pivotRank: i32 = 0;
let pivotIndex: i64 = 0;
let pivotA: i32 = 0;
let pivotB: i32 = 0;
let pivotC: i32 = 0;

function clearColumn(): void { generators = 0; poolSize = 0; heapSize = 0; }

@inline function before(g: i32, h: i32): bool {
  const rg = at32(HEAD_RANK, g), rh = at32(HEAD_RANK, h);
  return rg < rh || (rg == rh && at64(HEAD_INDEX, g) > at64(HEAD_INDEX, h));
}
function heapPush(g: i32): void {
  let i = heapSize++;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const p = at32(HEAP, parent);
    if (!before(g, p)) break;
    set32(HEAP, i, p);
    i = parent;
  }
  set32(HEAP, i, g);
}
function heapPop(): i32 {
  const top = at32(HEAP, 0);
  const last = at32(HEAP, --heapSize);
  const n = heapSize;
  let i = 0;
  while (true) {
    let child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && before(at32(HEAP, child + 1), at32(HEAP, child))) child++;
    const c = at32(HEAP, child);
    if (!before(c, last)) break;
    set32(HEAP, i, c);
    i = child;
  }
  if (n > 0) set32(HEAP, i, last);
  return top;
}
function setHead(g: i32): void {
  const x = at32(POOL, at32(GROUP_NEXT, g));
  const u = at32(GEN_U, g), v = at32(GEN_V, g);
  set64(HEAD_INDEX, g, x > u ? triangleIndex(x, u, v) : x > v ? triangleIndex(u, x, v) : triangleIndex(u, v, x));
}
/** Builds the generator's next group of equal-rank triangles and heads it; false when none. */
function nextGroup(g: i32): bool {
  const u = at32(GEN_U, g), v = at32(GEN_V, g), r = at32(GEN_RANK, g);
  const endU = at32(ROW_START, u + 1), endV = at32(ROW_START, v + 1);
  let atU = at32(GEN_AT_U, g), atV = at32(GEN_AT_V, g);
  const start = poolSize;
  let groupRank = -1;
  while (true) {
    const fromU = atU < endU && (atV >= endV || at32(ROW_RANK, atU) <= at32(ROW_RANK, atV));
    if (!fromU && atV >= endV) break;
    const at = fromU ? atU : atV;
    const x = at32(ROW_VERTEX, at);
    const rx = at32(ROW_RANK, at);
    if (fromU ? rankOf(v, x) <= rx : rankOf(u, x) < rx) {
      const rank = rx > r ? rx : r;
      if (groupRank == -1) groupRank = rank;
      else if (rank != groupRank) break;
      if (poolSize == poolRoom) { overflow = true; return false; }
      let i = poolSize++;
      while (i > start && at32(POOL, i - 1) > x) { set32(POOL, i, at32(POOL, i - 1)); i--; }
      set32(POOL, i, x);
    }
    if (fromU) atU++; else atV++;
  }
  set32(GEN_AT_U, g, atU);
  set32(GEN_AT_V, g, atV);
  if (groupRank == -1) return false;
  set32(GROUP_START, g, start);
  set32(GROUP_NEXT, g, poolSize - 1);
  set32(HEAD_RANK, g, groupRank);
  setHead(g);
  return true;
}
function advance(g: i32): bool {
  const next = at32(GROUP_NEXT, g);
  if (next > at32(GROUP_START, g)) { set32(GROUP_NEXT, g, next - 1); setHead(g); return true; }
  return nextGroup(g);
}
/** Adds the coboundary of edge uv (u > v) of rank r. */
function addEdge(u: i32, v: i32, r: i32): void {
  if (generators == generatorRoom) { overflow = true; return; }
  const g = generators++;
  set32(GEN_U, g, u); set32(GEN_V, g, v);
  set32(GEN_AT_U, g, at32(ROW_START, u)); set32(GEN_AT_V, g, at32(ROW_START, v));
  set32(GEN_RANK, g, r);
  if (nextGroup(g)) heapPush(g);
}
/** Leaves the top generator's head in the pivot fields; false when the column is empty. */
function peek(): bool {
  if (heapSize == 0) return false;
  const g = at32(HEAP, 0);
  pivotRank = at32(HEAD_RANK, g);
  pivotIndex = at64(HEAD_INDEX, g);
  return true;
}
/** Cancels equal heads in pairs until one is left alone; false when the column is zero. */
function settlePivot(): bool {
  while (heapSize > 0) {
    const top = at32(HEAP, 0);
    const index = at64(HEAD_INDEX, top);
    const rank = at32(HEAD_RANK, top);
    let taken = 0;
    while (heapSize > 0 && at64(HEAD_INDEX, at32(HEAP, 0)) == index) set32(SETTLED, taken++, heapPop());
    if ((taken & 1) == 1) {
      const g = at32(SETTLED, 0);
      const x = at32(POOL, at32(GROUP_NEXT, g));
      const u = at32(GEN_U, g), v = at32(GEN_V, g);
      pivotA = x > u ? x : u;
      pivotB = x > u ? u : x > v ? x : v;
      pivotC = x > v ? v : x;
      for (let k = 0; k < taken; k++) heapPush(at32(SETTLED, k));
      pivotRank = rank;
      pivotIndex = index;
      return true;
    }
    for (let k = 0; k < taken; k++) {
      const g = at32(SETTLED, k);
      if (advance(g)) heapPush(g);
      if (overflow) return false;
    }
  }
  return false;
}

// ---- Apparent pairs (../apparent-pairs.ts, dimension 1 on the rank matrix) ----

/** Vertices of the cofacet found by zeroApparentCofacet, decreasing. */
let cofacetA: i32 = 0;
let cofacetB: i32 = 0;
let cofacetC: i32 = 0;

/**
 * The triangle with which edge uv (u > v, rank r) forms a zero-persistence apparent pair, or
 * -1: its oldest cofacet (the largest common neighbour x within rank r) has rank r, and uv is
 * that triangle's youngest facet of rank r (no facet without a vertex above x keeps rank r).
 */
function zeroApparentCofacet(u: i32, v: i32, r: i32): i64 {
  const ru = ALIVE + (<usize>(u * W) << 3), rv = ALIVE + (<usize>(v * W) << 3);
  let x = -1;
  for (let w = W - 1; w >= 0 && x < 0; w--) {
    let common = load<u64>(ru + (<usize>w << 3)) & load<u64>(rv + (<usize>w << 3));
    while (common != 0) {
      const bit = 63 - <i32>clz(common);
      const y = (w << 6) + bit;
      if (rankOf(u, y) <= r && rankOf(v, y) <= r) { x = y; break; }
      common ^= <u64>1 << <u64>bit;
    }
  }
  if (x < 0) return -1;
  if (x > u) { cofacetA = x; cofacetB = u; cofacetC = v; return triangleIndex(x, u, v); }
  // uv is not the youngest facet of rank r when dropping a vertex above x keeps that rank.
  if (rankOf(x, v) == r) return -1;
  if (x > v) { cofacetA = u; cofacetB = x; cofacetC = v; return triangleIndex(u, x, v); }
  if (rankOf(u, x) == r) return -1;
  cofacetA = u; cofacetB = v; cofacetC = x;
  return triangleIndex(u, v, x);
}

// ---- The reduction ----

// Working regions, carved from the scratch area by `layout`.
let S_U: usize = 0;
let S_V: usize = 0;
let S_R: usize = 0;
let MOVED_KEY: usize = 0;
let MOVED_AT: usize = 0;
let PARENT: usize = 0;
let F_U: usize = 0;
let F_V: usize = 0;
let F_R: usize = 0;
let C_U: usize = 0;
let C_V: usize = 0;
let C_R: usize = 0;
let APPARENT: usize = 0;
let PIVOT_KEYS: usize = 0;
let PIVOT_COLUMN: usize = 0;
let V_START: usize = 0;
let V_U: usize = 0;
let V_V: usize = 0;
let V_R: usize = 0;
let ADD_U: usize = 0;
let ADD_V: usize = 0;
let ADD_R: usize = 0;
let TOGGLED: usize = 0;
let bump: usize = 0;

function take(bytes: i32): usize {
  const start = bump;
  bump += (<usize>bytes + 15) & ~(<usize>15);
  return start;
}

/** Lays the regions out from `base` for n vertices, s survivors and `room` entries per growing region; returns the end. */
function layout(base: usize, n: i32, s: i32, room: i32): usize {
  bump = base;
  S_U = take(4 * s); S_V = take(4 * s); S_R = take(4 * s);
  MOVED_KEY = take(8 * s); MOVED_AT = take(4 * s);
  PARENT = take(4 * (n + 1));
  F_U = take(4 * s); F_V = take(4 * s); F_R = take(4 * s);
  C_U = take(4 * s); C_V = take(4 * s); C_R = take(4 * s);
  APPARENT = take(8 * tableSlots(s));
  PIVOT_KEYS = take(8 * tableSlots(s)); PIVOT_COLUMN = take(4 * tableSlots(s));
  V_START = take(4 * (s + 1));
  V_U = take(4 * room); V_V = take(4 * room); V_R = take(4 * room);
  ADD_U = take(4 * room); ADD_V = take(4 * room); ADD_R = take(4 * room);
  TOGGLED = take(n * n);
  // Rows hold each survivor twice.
  ROW_START = take(4 * (n + 1)); ROW_VERTEX = take(8 * s); ROW_RANK = take(8 * s);
  GEN_U = take(4 * room); GEN_V = take(4 * room); GEN_AT_U = take(4 * room); GEN_AT_V = take(4 * room); GEN_RANK = take(4 * room);
  GROUP_START = take(4 * room); GROUP_NEXT = take(4 * room); HEAD_RANK = take(4 * room); HEAP = take(4 * room); SETTLED = take(4 * room);
  HEAD_INDEX = take(8 * room);
  POOL = take(4 * room);
  generatorRoom = room;
  poolRoom = room;
  return bump;
}

/** Bytes of scratch that h1 needs for n vertices, `survivors` edges and `room` entries per growing region. */
export function h1Bytes(n: i32, survivors: i32, room: i32): i32 {
  return <i32>layout(0, n, survivors + 1, room);
}

/**
 * Dimension-1 intervals of the collapsed filtration: `count` survivors (`kept` positions into
 * the edge arrays, `keptRanks` their ranks, last first, as `collapse` leaves them), on the
 * rank matrix at `ranks` (refilled: 0x7f7f7f7f where no edge survives) and the neighbourhood rows at `alive`. Writes each interval's birth
 * and death rank (-1: never dies) at `births` and `deaths`, in RipsReducer's order, and
 * returns how many; -2 when a region of `room` entries was too small.
 */
export function h1(
  n: i32, count: i32,
  ranks: usize, edgeRanks: usize, tops: usize, bottoms: usize, alive: usize, kept: usize, keptRanks: usize,
  scratch: usize, room: i32, births: usize, deaths: usize,
): i32 {
  N = n; W = (n + 63) >> 6; RANKS = ranks; ALIVE = alive; overflow = false;
  layout(scratch, n, count + 1, room);
  const sU = S_U, sV = S_V, sR = S_R, movedKey = MOVED_KEY, movedAt = MOVED_AT, parent = PARENT;
  const fU = F_U, fV = F_V, fR = F_R, cU = C_U, cV = C_V, cR = C_R, apparent = APPARENT;
  const pivotKeys = PIVOT_KEYS, pivotColumn = PIVOT_COLUMN, vStart = V_START, vU = V_U, vV = V_V, vR = V_R;
  const addU = ADD_U, addV = ADD_V, addR = ADD_R, toggled = TOGGLED;
  const apparentSlots = tableSlots(count + 1), pivotSlots = tableSlots(count + 1);

  // 1. Survivors' ranks, and the survivors in filtration order: those that kept their rank
  // come last first (reversed, they are in order); moved ones are sorted apart and merged in.
  clearRanks(ranks, n);
  const span = (<i64>n * <i64>(n - 1)) / 2;
  let moved = 0;
  for (let i = 0; i < count; i++) {
    const k = at32(kept, i), r = at32(keptRanks, i);
    const u = at32(tops, k), v = at32(bottoms, k);
    set32(ranks, u * n + v, r); set32(ranks, v * n + u, r);
    if (r != at32(edgeRanks, k)) { set64(movedKey, moved, <i64>r * span + (span - 1 - edgeIndex(u, v))); set32(movedAt, moved, k); moved++; }
  }
  sortKeys(movedKey, movedAt, moved);
  let out = 0;
  let mi = 0;
  for (let i = count - 1; i >= -1; i--) {
    let k = -1, r = 0, key: i64 = 0;
    if (i >= 0) {
      k = at32(kept, i); r = at32(keptRanks, i);
      if (r != at32(edgeRanks, k)) continue;
      key = <i64>r * span + (span - 1 - edgeIndex(at32(tops, k), at32(bottoms, k)));
    }
    while (mi < moved && (k < 0 || at64(movedKey, mi) < key)) {
      const m = at32(movedAt, mi);
      set32(sU, out, at32(tops, m)); set32(sV, out, at32(bottoms, m)); set32(sR, out, <i32>(at64(movedKey, mi) / span)); out++; mi++;
    }
    if (k < 0) break;
    set32(sU, out, at32(tops, k)); set32(sV, out, at32(bottoms, k)); set32(sR, out, r); out++;
  }

  // 2. H0's spanning forest; the other edges, from the last, are columns or apparent facets.
  for (let v = 0; v < n; v++) set32(parent, v, v);
  let nonForest = 0;
  for (let e = 0; e < count; e++) {
    const a = find(parent, at32(sU, e)), b = find(parent, at32(sV, e));
    if (a != b) { if (a < b) set32(parent, a, b); else set32(parent, b, a); }
    else { set32(fU, nonForest, at32(sU, e)); set32(fV, nonForest, at32(sV, e)); set32(fR, nonForest, at32(sR, e)); nonForest++; }
  }
  for (let i = 0; i < apparentSlots; i++) set64(apparent, i, -1);
  const apparentMask = apparentSlots - 1;
  let columns = 0;
  for (let k = nonForest - 1; k >= 0; k--) {
    const u = at32(fU, k), v = at32(fV, k), r = at32(fR, k);
    const cofacet = zeroApparentCofacet(u, v, r);
    if (cofacet < 0) { set32(cU, columns, u); set32(cV, columns, v); set32(cR, columns, r); columns++; }
    else tableAdd(apparent, apparentMask, cofacet);
  }

  // 3. Rows: each vertex's neighbours by rank (filtration order), for the generators.
  for (let v = 0; v <= n; v++) set32(ROW_START, v, 0);
  for (let e = 0; e < count; e++) { set32(ROW_START, at32(sU, e) + 1, at32(ROW_START, at32(sU, e) + 1) + 1); set32(ROW_START, at32(sV, e) + 1, at32(ROW_START, at32(sV, e) + 1) + 1); }
  for (let v = 0; v < n; v++) set32(ROW_START, v + 1, at32(ROW_START, v + 1) + at32(ROW_START, v));
  const fill = parent;
  for (let v = 0; v < n; v++) set32(fill, v, at32(ROW_START, v));
  for (let e = 0; e < count; e++) {
    const u = at32(sU, e), v = at32(sV, e), r = at32(sR, e);
    const pu = at32(fill, u), pv = at32(fill, v);
    set32(ROW_VERTEX, pu, v); set32(ROW_RANK, pu, r); set32(fill, u, pu + 1);
    set32(ROW_VERTEX, pv, u); set32(ROW_RANK, pv, r); set32(fill, v, pv + 1);
  }

  // 4. The reduction, column by column (RipsReducer.computePairs).
  for (let i = 0; i < pivotSlots; i++) set64(pivotKeys, i, -1);
  const pivotMask = pivotSlots - 1;
  memory.fill(toggled, 0, <usize>(n * n));
  let stored = 0;
  let intervals = 0;
  for (let c = 0; c < columns; c++) {
    const u = at32(cU, c), v = at32(cV, c), rank = at32(cR, c);
    clearColumn();
    let added = 0;
    set32(vStart, c, stored);
    set32(vStart, c + 1, stored);
    addEdge(u, v, rank);
    if (overflow) return -2;
    if (peek() && pivotRank == rank) {
      const first = pivotIndex;
      if (tableFind(pivotKeys, pivotMask, first) < 0 && tableFind(apparent, apparentMask, first) < 0) {
        set32(pivotColumn, tableAdd(pivotKeys, pivotMask, first), c);
        continue;
      }
    }
    let found = settlePivot();
    while (true) {
      if (overflow) return -2;
      if (!found) { set32(births, intervals, rank); set32(deaths, intervals, -1); intervals++; break; }
      const slot = tableFind(pivotKeys, pivotMask, pivotIndex);
      if (slot >= 0) {
        const other = at32(pivotColumn, slot);
        const end = at32(vStart, other + 1);
        if (added + 1 + end - at32(vStart, other) > room) return -2;
        const ou = at32(cU, other), ov = at32(cV, other), or = at32(cR, other);
        set32(addU, added, ou); set32(addV, added, ov); set32(addR, added, or); added++;
        addEdge(ou, ov, or);
        for (let e = at32(vStart, other); e < end; e++) {
          const eu = at32(vU, e), ev = at32(vV, e), er = at32(vR, e);
          set32(addU, added, eu); set32(addV, added, ev); set32(addR, added, er); added++;
          addEdge(eu, ev, er);
        }
        if (overflow) return -2;
        const previous = pivotIndex;
        found = settlePivot();
        if (found && pivotIndex == previous) unreachable();
        continue;
      }
      if (tableFind(apparent, apparentMask, pivotIndex) >= 0) {
        // Paired with an edge never made a column: its youngest facet of the pivot's rank.
        const a = pivotA, b = pivotB, cc = pivotC, pr = pivotRank;
        let fu = a, fv = b;
        if (rankOf(b, cc) == pr) { fu = b; fv = cc; } else if (rankOf(a, cc) == pr) { fu = a; fv = cc; }
        if (added + 1 > room) return -2;
        set32(addU, added, fu); set32(addV, added, fv); set32(addR, added, pr); added++;
        addEdge(fu, fv, pr);
        if (overflow) return -2;
        const previous = pivotIndex;
        found = settlePivot();
        if (found && pivotIndex == previous) unreachable();
        continue;
      }
      if (pivotRank > rank) { set32(births, intervals, rank); set32(deaths, intervals, pivotRank); intervals++; }
      set32(pivotColumn, tableAdd(pivotKeys, pivotMask, pivotIndex), c);
      // The column of V: the added edges that occur an odd number of times. Each cell is
      // zeroed as it is emitted, so every toggle is back to 0 for the next column.
      for (let i = 0; i < added; i++) { const cell = toggled + <usize>(at32(addU, i) * n + at32(addV, i)); store<u8>(cell, load<u8>(cell) ^ 1); }
      for (let i = 0; i < added; i++) {
        const cell = toggled + <usize>(at32(addU, i) * n + at32(addV, i));
        if (load<u8>(cell) == 0) continue;
        store<u8>(cell, 0);
        if (stored == room) return -2;
        set32(vU, stored, at32(addU, i)); set32(vV, stored, at32(addV, i)); set32(vR, stored, at32(addR, i)); stored++;
      }
      set32(vStart, c + 1, stored);
      break;
    }
  }
  return intervals;
}

function find(parent: usize, v: i32): i32 {
  while (at32(parent, v) != v) {
    const grand = at32(parent, at32(parent, v));
    set32(parent, v, grand);
    v = grand;
  }
  return v;
}

/** Heapsort of `count` keys ascending, carrying a value each. */
function sortKeys(keys: usize, values: usize, count: i32): void {
  for (let start = (count >> 1) - 1; start >= 0; start--) siftDown(keys, values, start, count);
  for (let end = count - 1; end > 0; end--) {
    swapEntries(keys, values, 0, end);
    siftDown(keys, values, 0, end);
  }
}
function siftDown(keys: usize, values: usize, at: i32, count: i32): void {
  let i = at;
  while (true) {
    let child = 2 * i + 1;
    if (child >= count) return;
    if (child + 1 < count && at64(keys, child + 1) > at64(keys, child)) child++;
    if (at64(keys, child) <= at64(keys, i)) return;
    swapEntries(keys, values, i, child);
    i = child;
  }
}
/** Swaps entries i and j of the keys and of their values. */
@inline function swapEntries(keys: usize, values: usize, i: i32, j: i32): void {
  const k = at64(keys, i); set64(keys, i, at64(keys, j)); set64(keys, j, k);
  const x = at32(values, i); set32(values, i, at32(values, j)); set32(values, j, x);
}
