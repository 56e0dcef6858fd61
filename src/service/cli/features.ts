import process from "node:process";
import type { Diagrams } from "../../tda/types.ts";
import { diagramFeatures, type DimensionFeatures, checkGrid, constantWeight, linearRampWeight, type PersistenceWeight } from "../../tda/vectorize/index.ts";
import type { EntropyNormalization, Grid } from "../../tda/vectorize/index.ts";
import { parseOrHelp, readChoice, readInteger, readNumber, UsageError, type CommandSpec, type ParsedArgs } from "./args.ts";
import { readDiagramFile, requireFile } from "./input.ts";

const PARTS = ["points", "essential", "totalPersistence", "entropy", "amplitudes", "bettiCurve", "landscape", "silhouette", "persistenceImage", "heatKernel"] as const;
const ENTROPY: readonly EntropyNormalization[] = ["none", "lifetime-sum", "point-count"];

export const spec: CommandSpec = {
  name: "features",
  summary: "vectorizations of a persistence diagram (Betti curves, landscapes, images, entropy, amplitudes) as JSON",
  description: "Prints the vectorizations of the diagram in DIAGRAM.json (what `streaming-tda ph --output json` writes; - for standard input) as one JSON object.",
  usage: "DIAGRAM.json [options]",
  maxPositionals: 1,
  options: [
    { name: "grid", value: "MIN,MAX,N", help: "sample points of the filtration axis (default: the diagram's finite range, 100 points)" },
    { name: "dim", value: "K[,K…]", help: "homology dimensions to describe (default all in the file)" },
    { name: "layers", value: "K", help: "landscape layers (default 3)" },
    { name: "power", value: "Q", help: "silhouette weight power (default 1)" },
    { name: "sigma", value: "S", help: "standard deviation of the heat kernel and persistence image Gaussians (default 0.1)" },
    { name: "image-grid", value: "MIN,MAX,N", help: "filtration axis of the images (default: --grid with at most 20 points)" },
    { name: "persistence-grid", value: "MIN,MAX,N", help: "persistence axis of the persistence image (default 0 to the image grid's width)" },
    { name: "weight", value: "W", help: "persistence image weight: constant (default), persistence, or ramp:B (Adams et al.: 0 to 1 over persistence 0 to B)" },
    { name: "p", value: "P", help: "order of the amplitudes' norms, ≥ 1 or inf (default 2)" },
    { name: "entropy", value: "E", help: `entropy normalisation: ${ENTROPY.join(", ")} (default none)` },
    { name: "infinity", value: "V", help: "read essential classes as dying at V (default: left out where infinite)" },
    { name: "only", value: "LIST", help: `print only these parts: ${PARTS.join(", ")}` },
  ],
  notes: [
    "Definitions, and how each follows giotto-tda, are in docs/features.md. Infinite values print as \"inf\".",
  ],
};

export async function run(argv: string[]): Promise<number> {
  const args = parseOrHelp(argv, spec);
  if (args === null) return 0;
  const file = requireFile(args, spec);
  const diagrams = await readDiagramFile(file, "features");
  const grid = readGrid(args, spec, "grid") ?? gridFromData(diagrams, 100);
  const imageGrid = readGrid(args, spec, "image-grid");
  const persistenceGrid = readGrid(args, spec, "persistence-grid");
  const dims = readDimensions(args, spec, diagrams);
  const only = readList(args, "only", PARTS);
  const p = readNumber(args, spec, "p", 1, true);
  const sigma = readPositive(args, spec, "sigma");
  const power = readPositive(args, spec, "power");
  const infinity = readNumber(args, spec, "infinity", -Number.MAX_VALUE);
  const features = diagramFeatures(diagrams, {
    grid,
    imageGrid,
    persistenceGrid,
    dimensions: dims,
    layers: readInteger(args, spec, "layers", 3, 1, 1000),
    power,
    sigma,
    p,
    infinity,
    weight: readWeight(args),
    entropy: readChoice(args, spec, "entropy", ENTROPY, "none"),
  });
  const dimensions: Record<string, Partial<DimensionFeatures>> = {};
  for (const f of features) dimensions[String(f.dimension)] = only === undefined ? f : pick(f, only);
  const out = { grid, dimensions };
  process.stdout.write(`${JSON.stringify(out, (_key, value: unknown) => (typeof value === "number" && !Number.isFinite(value) ? String(value).replace("Infinity", "inf").toLowerCase() : value))}\n`);
  return 0;
}


/** `--NAME MIN,MAX,N` as a checked grid. */
export function readGrid(args: ParsedArgs, spec: CommandSpec, name: string): Grid | undefined {
  const raw = args.options.get(name);
  if (raw === undefined) return undefined;
  const parts = raw === true ? [] : raw.split(",").map((s) => s.trim());
  const [min, max, n] = parts.map(Number);
  if (parts.length !== 3 || parts.some((s) => s === "") || ![min, max, n].every(Number.isFinite)) {
    throw new UsageError(`${spec.name}: --${name} must be MIN,MAX,N (three numbers), not "${raw === true ? "" : raw}"`);
  }
  const grid = { min, max, n };
  try {
    checkGrid(grid, `--${name}`);
  } catch (error) {
    throw new UsageError(`${spec.name}: ${(error as Error).message}`);
  }
  return grid;
}

/**
 * A grid over the diagram's own finite values, for one file on the command line; a stream
 * must fix its grid instead (docs/features.md).
 */
export function gridFromData(diagrams: Diagrams, n: number): Grid {
  let lo = Infinity;
  let hi = -Infinity;
  for (const intervals of diagrams) {
    for (const [birth, death] of intervals) {
      lo = Math.min(lo, birth);
      hi = Math.max(hi, birth);
      if (Number.isFinite(death)) hi = Math.max(hi, death);
    }
  }
  if (!(lo < hi)) return lo === hi ? { min: lo, max: lo + 1, n } : { min: 0, max: 1, n };
  return { min: lo, max: hi, n };
}

export function readDimensions(args: ParsedArgs, spec: CommandSpec, diagrams: Diagrams): number[] | undefined {
  const raw = args.options.get("dim");
  if (raw === undefined) return undefined;
  const dims = raw === true ? [] : raw.split(",").map((s) => (/^\d+$/.test(s.trim()) ? Number(s) : NaN));
  if (dims.length === 0 || dims.some((d) => !Number.isSafeInteger(d))) throw new UsageError(`${spec.name}: --dim must be a dimension or a list like 0,1, not "${raw === true ? "" : raw}"`);
  for (const d of dims) if (d >= diagrams.length) process.stderr.write(`streaming-tda ${spec.name}: the diagram has no dimension ${d}; it counts as empty\n`);
  return dims;
}

function readPositive(args: ParsedArgs, spec: CommandSpec, name: string): number | undefined {
  const value = readNumber(args, spec, name, 0);
  if (value === 0) throw new UsageError(`${spec.name}: --${name} must be positive`);
  return value;
}

function readWeight(args: ParsedArgs): PersistenceWeight | undefined {
  const raw = args.options.get("weight");
  if (raw === undefined || raw === "constant") return raw === undefined ? undefined : constantWeight;
  if (raw === "persistence") return (persistence) => persistence;
  const ramp = raw === true ? null : /^ramp:(.+)$/.exec(raw.trim());
  const end = ramp ? Number(ramp[1]) : NaN;
  if (!(end > 0) || !Number.isFinite(end)) throw new UsageError(`features: --weight must be constant, persistence or ramp:B with B > 0, not "${raw === true ? "" : raw}"`);
  return linearRampWeight(end);
}

function readList<T extends string>(args: ParsedArgs, name: string, choices: readonly T[]): T[] | undefined {
  const raw = args.options.get(name);
  if (raw === undefined) return undefined;
  const items = raw === true ? [] : raw.split(",").map((s) => s.trim());
  const bad = items.find((item) => !(choices as readonly string[]).includes(item));
  if (items.length === 0 || bad !== undefined) throw new UsageError(`features: --${name} takes a list of ${choices.join(", ")}; not "${bad ?? ""}"`);
  return items as T[];
}

function pick(features: DimensionFeatures, parts: readonly (typeof PARTS)[number][]): Partial<DimensionFeatures> {
  const out: Partial<DimensionFeatures> = { dimension: features.dimension };
  for (const part of parts) Object.assign(out, { [part]: features[part] });
  return out;
}
