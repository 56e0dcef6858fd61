import type { Diagrams } from "../src/tda/types.ts";
import type { LowerMatrix } from "./inputs.ts";
import { runPythonOracle } from "./oracles.ts";

const GUDHI_SCRIPT = `
import json, sys
import gudhi
out = []
for case in json.load(sys.stdin):
    n, lower = case["n"], case["lower"]
    rows = [[lower[i * (i - 1) // 2 + j] for j in range(i)] for i in range(n)]
    tree = gudhi.RipsComplex(distance_matrix=rows).create_simplex_tree(max_dimension=case["maxDim"] + 1)
    pairs = tree.persistence(homology_coeff_field=case["modulus"])
    out.append([[dim, birth, None if death == float("inf") else death] for dim, (birth, death) in pairs if dim <= case["maxDim"]])
json.dump(out, sys.stdout)
`;

/**
 * A second oracle for coefficients other than Z/2, which Debian's ripser is not built
 * for: GUDHI's Rips persistence over Z/p (python3-gudhi), on the full complex (the same
 * barcodes as up to the enclosing radius). One Python process for all `cases`.
 */
export function runGudhi(cases: Array<{ matrix: LowerMatrix; maxDim: number; modulus: number }>): Diagrams[] {
  const input = cases.map(({ matrix, maxDim, modulus }) => ({ n: matrix.n, lower: matrix.lower, maxDim, modulus }));
  const out = runPythonOracle<Array<Array<[number, number, number | null]>>>(GUDHI_SCRIPT, input);
  return out.map((pairs, k) => {
    const diagrams: Diagrams = Array.from({ length: cases[k].maxDim + 1 }, () => []);
    for (const [dim, birth, death] of pairs) diagrams[dim].push([birth, death ?? Infinity]);
    return diagrams;
  });
}
