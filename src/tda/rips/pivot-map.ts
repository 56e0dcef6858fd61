/** Mixes both 32-bit halves of a simplex index: indices of high simplices exceed 2^32. */
export function hashIndex(key: number): number {
  const h = Math.imul((key | 0) ^ Math.imul((key / 4294967296) | 0, 0x85ebca6b), 0x9e3779b1);
  return h ^ (h >>> 15);
}

/** Slots for `expected` keys at most half full: a power of two, at least 1024. */
function capacityFor(expected: number): number {
  let capacity = 1024;
  while (capacity < expected * 2) capacity *= 2;
  return capacity;
}

/** Whether a table of `length` slots serves one needing `capacity`: large enough, and not so large that emptying it costs more than a new one. */
function reusable(length: number, capacity: number): boolean {
  return length >= capacity && length <= capacity * 4;
}

/** Keys all empty (-1) for a table of at least `capacity` slots: the old ones refilled if reusable. */
function emptyKeys(keys: Float64Array, capacity: number): Float64Array {
  return reusable(keys.length, capacity) ? keys.fill(-1) : new Float64Array(capacity).fill(-1);
}

/**
 * Open-addressing hash map from a simplex index (an integer below 2^53) to the column that
 * has it as pivot and the pivot's coefficient. Linear probing on typed arrays: no object
 * per entry.
 */
export class PivotMap {
  keys: Float64Array = new Float64Array(0);
  columns: Int32Array = new Int32Array(0);
  coefficients: Int32Array = new Int32Array(0);
  size = 0;
  private mask = 0;

  constructor(expected = 1024) {
    this.reset(expected);
  }

  /** Empties the map, sized for `expected` entries. */
  reset(expected: number): this {
    const capacity = capacityFor(expected);
    if (!reusable(this.keys.length, capacity)) {
      this.columns = new Int32Array(capacity);
      this.coefficients = new Int32Array(capacity);
    }
    this.keys = emptyKeys(this.keys, capacity);
    this.mask = this.keys.length - 1;
    this.size = 0;
    return this;
  }

  /** A read-only view over another map's keys (in a helper thread): `has` only. */
  static withKeys(keys: Float64Array): PivotMap {
    const map = new PivotMap(0);
    map.keys = keys;
    map.mask = keys.length - 1;
    return map;
  }

  private slot(key: number): number {
    return hashIndex(key) & this.mask;
  }

  /** The slot holding `key`, or -1. */
  find(key: number): number {
    const keys = this.keys;
    let i = this.slot(key);
    while (true) {
      const k = keys[i];
      if (k === key) return i;
      if (k === -1) return -1;
      i = (i + 1) & this.mask;
    }
  }

  has(key: number): boolean {
    return this.find(key) !== -1;
  }

  set(key: number, column: number, coefficient: number): void {
    if ((this.size + 1) * 2 > this.keys.length) this.grow();
    const keys = this.keys;
    let i = this.slot(key);
    while (keys[i] !== -1 && keys[i] !== key) i = (i + 1) & this.mask;
    if (keys[i] === -1) this.size++;
    keys[i] = key;
    this.columns[i] = column;
    this.coefficients[i] = coefficient;
  }

  clear(): void {
    this.keys.fill(-1);
    this.size = 0;
  }

  private grow(): void {
    const { keys, columns, coefficients } = this;
    const capacity = keys.length * 2;
    this.keys = new Float64Array(capacity).fill(-1);
    this.columns = new Int32Array(capacity);
    this.coefficients = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.size = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== -1) this.set(keys[i], columns[i], coefficients[i]);
  }
}

/** Open-addressing hash set of simplex indices. */
export class IndexSet {
  keys: Float64Array = new Float64Array(0);
  size = 0;
  private mask = 0;

  constructor(expected = 512) {
    this.reset(expected);
  }

  /** Empties the set, sized for `expected` entries. */
  reset(expected: number): this {
    this.keys = emptyKeys(this.keys, capacityFor(expected));
    this.mask = this.keys.length - 1;
    this.size = 0;
    return this;
  }

  /** A read-only view over another set's keys (in a helper thread). */
  static withKeys(keys: Float64Array): IndexSet {
    const set = new IndexSet(0);
    set.keys = keys;
    set.mask = keys.length - 1;
    return set;
  }

  has(key: number): boolean {
    const keys = this.keys;
    let i = hashIndex(key) & this.mask;
    while (true) {
      const k = keys[i];
      if (k === key) return true;
      if (k === -1) return false;
      i = (i + 1) & this.mask;
    }
  }

  add(key: number): void {
    if ((this.size + 1) * 2 > this.keys.length) this.grow();
    const keys = this.keys;
    let i = hashIndex(key) & this.mask;
    while (keys[i] !== -1 && keys[i] !== key) i = (i + 1) & this.mask;
    if (keys[i] === -1) this.size++;
    keys[i] = key;
  }

  private grow(): void {
    const old = this.keys;
    this.keys = new Float64Array(old.length * 2).fill(-1);
    this.mask = this.keys.length - 1;
    this.size = 0;
    for (let i = 0; i < old.length; i++) if (old[i] !== -1) this.add(old[i]);
  }
}
