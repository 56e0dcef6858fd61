import { TdaInputError } from "../types.ts";

/** Largest modulus whose products stay exact in doubles. */
export const MAX_MODULUS = 2 ** 26;

export function isPrime(p: number): boolean {
  if (!Number.isInteger(p) || p < 2) return false;
  for (let d = 2; d * d <= p; d++) if (p % d === 0) return false;
  return true;
}

export function checkModulus(p: number): void {
  if (!isPrime(p) || p >= MAX_MODULUS) {
    throw new TdaInputError(`modulus ${p} must be a prime below ${MAX_MODULUS}`);
  }
}

/** a^-1 mod p for 0 < a < p, p prime (extended Euclid). */
export function inverseMod(a: number, p: number): number {
  // Every coefficient over Z/2, the default field, is 1: no division to do.
  if (a === 1) return 1;
  let r0 = p;
  let r1 = a;
  let t0 = 0;
  let t1 = 1;
  while (r1 !== 0) {
    const q = Math.floor(r0 / r1);
    const r = r0 - q * r1;
    r0 = r1;
    r1 = r;
    const t = t0 - q * t1;
    t0 = t1;
    t1 = t;
  }
  return ((t0 % p) + p) % p;
}
