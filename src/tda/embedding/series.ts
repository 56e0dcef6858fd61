import { TdaInputError } from "../types.ts";

/** Throws TdaInputError naming the first sample that is not a finite number. */
export function checkSeries(series: ArrayLike<number>, where = "series"): void {
  for (let i = 0; i < series.length; i++) {
    if (!Number.isFinite(series[i])) throw new TdaInputError(`${where}: sample ${i} is ${series[i]}, not a finite number`);
  }
}

/** Population standard deviation. */
export function standardDeviation(series: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < series.length; i++) mean += series[i];
  mean /= series.length;
  let sum = 0;
  for (let i = 0; i < series.length; i++) sum += (series[i] - mean) ** 2;
  return Math.sqrt(sum / series.length);
}
