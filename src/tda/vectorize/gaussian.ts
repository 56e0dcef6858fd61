/**
 * exp(−(x_i − centre)² / (2σ²)) at every point x_i of `values`, written into `out`.
 * Images below are sums of products of two such factors: a 2-D isotropic Gaussian
 * separates into one factor per axis, so a point costs O(rows + columns) exponentials
 * rather than O(rows · columns).
 */
export function gaussianFactors(values: Float64Array, centre: number, sigma: number, out: Float64Array): void {
  const scale = 1 / (2 * sigma * sigma);
  for (let i = 0; i < values.length; i++) {
    const u = values[i] - centre;
    out[i] = Math.exp(-u * u * scale);
  }
}

/** The normalising constant 1 / (2πσ²) of the 2-D Gaussian density with standard deviation σ per axis. */
export function gaussianDensityConstant(sigma: number): number {
  return 1 / (2 * Math.PI * sigma * sigma);
}
