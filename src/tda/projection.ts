import { TdaInputError } from "./types.ts";

/** Jacobi sweeps before giving up: a symmetric matrix of order ≤ 64 converges in under ten. */
const MAX_SWEEPS = 50;

/**
 * Principal-component projection: `n` points of `dimension` coordinates (row-major),
 * centred and projected on the `components` directions of largest variance, as n rows of
 * `components` values. Directions come from the covariance matrix's eigenvectors (cyclic
 * Jacobi rotations, exact for the small dimensions of streams), each signed so that its
 * largest entry is positive: the same shape projects the same way from window to window.
 * Missing directions (fewer coordinates than components) project to 0.
 */
export function principalProjection(points: ArrayLike<number>, n: number, dimension: number, components = 2): Float64Array {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(dimension) || dimension < 1 || points.length < n * dimension) {
    throw new TdaInputError(`principalProjection: ${points.length} values do not hold ${n} points of dimension ${dimension}`);
  }
  if (!Number.isInteger(components) || components < 1) throw new TdaInputError(`principalProjection: components ${components} must be a positive integer`);
  const d = dimension;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mean[k] += points[i * d + k];
  for (let k = 0; k < d; k++) mean[k] /= Math.max(1, n);
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const xa = points[i * d + a] - mean[a];
      for (let b = a; b < d; b++) cov[a * d + b] += xa * (points[i * d + b] - mean[b]);
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) cov[a * d + b] = cov[b * d + a];
  const { values, vectors } = symmetricEigen(cov, d);
  const order = Array.from({ length: d }, (_, k) => k).sort((x, y) => values[y] - values[x]);
  const out = new Float64Array(n * components);
  for (let c = 0; c < Math.min(components, d); c++) {
    const col = order[c];
    let largest = 0;
    for (let k = 0; k < d; k++) if (Math.abs(vectors[k * d + col]) > Math.abs(largest)) largest = vectors[k * d + col];
    const sign = largest < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (points[i * d + k] - mean[k]) * vectors[k * d + col];
      out[i * components + c] = sign * s;
    }
  }
  return out;
}

/** Eigenvalues and eigenvectors (columns of `vectors`, row-major d × d) of a symmetric matrix, by cyclic Jacobi rotations. */
function symmetricEigen(matrix: Float64Array, d: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(d * d);
  for (let k = 0; k < d; k++) v[k * d + k] = 1;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < d; p++) {
      diag += a[p * d + p] * a[p * d + p];
      for (let q = p + 1; q < d; q++) off += a[p * d + q] * a[p * d + q];
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q];
        if (apq === 0) continue;
        const theta = (a[q * d + q] - a[p * d + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = a[k * d + p];
          const akq = a[k * d + q];
          a[k * d + p] = c * akp - s * akq;
          a[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p * d + k];
          const aqk = a[q * d + k];
          a[p * d + k] = c * apk - s * aqk;
          a[q * d + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p];
          const vkq = v[k * d + q];
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(d);
  for (let k = 0; k < d; k++) values[k] = a[k * d + k];
  return { values, vectors: v };
}
