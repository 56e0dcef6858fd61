/**
 * The cost of moving one diagram point in W_{p,q}: the q-norm of the displacement, raised
 * to the power p. The distance of (b, d) to the diagonal in the q-norm is (d − b)·2^{1/q − 1}
 * (its nearest diagonal point is the midpoint), as in gudhi.
 */
import { TdaInputError } from "../types.ts";

const EUCLIDEAN_SQUARED = 0;
const EUCLIDEAN = 1;
const EUCLIDEAN_POWER = 2;
const MAX_NORM = 3;
const MAX_NORM_POWER = 4;
const GENERAL = 5;

export class GroundCost {
  readonly order: number;
  readonly internalP: number;
  private readonly kind: number;
  private readonly diagonalFactor: number;

  constructor(order: number, internalP: number) {
    if (typeof order !== "number" || !Number.isFinite(order) || order < 1) {
      throw new TdaInputError(`Wasserstein order ${String(order)} must be a finite number ≥ 1`);
    }
    if (typeof internalP !== "number" || Number.isNaN(internalP) || internalP < 1) {
      throw new TdaInputError(`internal norm ${String(internalP)} must be a number ≥ 1 or Infinity`);
    }
    this.order = order;
    this.internalP = internalP;
    if (internalP === Infinity) this.kind = order === 1 ? MAX_NORM : MAX_NORM_POWER;
    else if (internalP === 2) this.kind = order === 2 ? EUCLIDEAN_SQUARED : order === 1 ? EUCLIDEAN : EUCLIDEAN_POWER;
    else this.kind = GENERAL;
    this.diagonalFactor = 2 ** (1 / internalP - 1);
  }

  /** ‖(dx, dy)‖_q^p. */
  between(dx: number, dy: number): number {
    const p = this.order;
    switch (this.kind) {
      case EUCLIDEAN_SQUARED:
        return dx * dx + dy * dy;
      case EUCLIDEAN:
        return Math.sqrt(dx * dx + dy * dy);
      case EUCLIDEAN_POWER:
        return Math.pow(dx * dx + dy * dy, p / 2);
      case MAX_NORM:
        return Math.max(Math.abs(dx), Math.abs(dy));
      case MAX_NORM_POWER:
        return Math.pow(Math.max(Math.abs(dx), Math.abs(dy)), p);
      default: {
        const q = this.internalP;
        return Math.pow(Math.pow(Math.abs(dx), q) + Math.pow(Math.abs(dy), q), p / q);
      }
    }
  }

  /** Cost of sending (birth, death) to the diagonal. */
  toDiagonal(birth: number, death: number): number {
    const distance = (death - birth) * this.diagonalFactor;
    return this.order === 1 ? distance : this.order === 2 ? distance * distance : Math.pow(distance, this.order);
  }

  /**
   * A radius in the max-norm beyond which every displacement costs more than `cost`: the
   * q-norm is at least the max-norm, so cost ≥ ‖·‖_∞^p. Slightly widened against rounding.
   */
  maxNormReach(cost: number): number {
    if (cost <= 0) return 0;
    const reach = this.order === 1 ? cost : this.order === 2 ? Math.sqrt(cost) : Math.pow(cost, 1 / this.order);
    return reach * (1 + 1e-9);
  }

  /** Cost of matching essential classes born at b1 and b2: |b1 − b2|^p. */
  essential(b1: number, b2: number): number {
    const d = Math.abs(b1 - b2);
    return this.order === 1 ? d : this.order === 2 ? d * d : Math.pow(d, this.order);
  }

  root(total: number): number {
    return this.order === 1 ? total : this.order === 2 ? Math.sqrt(total) : Math.pow(total, 1 / this.order);
  }
}
