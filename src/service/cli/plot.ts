import { writeFile } from "node:fs/promises";
import process from "node:process";
import { plotBarcode, plotBettiCurves, plotLandscape, plotDiagram } from "../../tda/plot/index.ts";
import { CliError, optionText, parseOrHelp, readChoice, readInteger, readNumber, UsageError, type CommandSpec } from "./args.ts";
import { gridFromData, readDimensions, readGrid } from "./features.ts";
import { readDiagramFile, requireFile } from "./input.ts";

const KINDS = ["diagram", "barcode", "betti", "landscape"] as const;

export const spec: CommandSpec = {
  name: "plot",
  summary: "draws a persistence diagram, barcode, Betti curves or landscape as SVG",
  description: "Draws the diagram in DIAGRAM.json (what `streaming-tda ph --output json` writes; - for standard input) as an SVG picture.",
  usage: "DIAGRAM.json --kind diagram|barcode|betti|landscape [-o OUT.svg] [options]",
  maxPositionals: 1,
  options: [
    { name: "kind", value: "K", help: `what to draw: ${KINDS.join(", ")} (default diagram)` },
    { name: "output", value: "FILE", help: "write the SVG to FILE (also -o FILE; default standard output)" },
    { name: "dim", value: "K[,K…]", help: "dimensions to draw (landscape: one dimension, default 1 when present, else 0)" },
    { name: "grid", value: "MIN,MAX,N", help: "betti and landscape: sample points (default: the diagram's finite range, 200 points)" },
    { name: "layers", value: "K", help: "landscape layers (default 3)" },
    { name: "infinity", value: "V", help: "betti and landscape: read essential classes as dying at V" },
    { name: "title", value: "TEXT", help: "a title above the plot" },
    { name: "width", value: "PX", help: "width in pixels" },
    { name: "height", value: "PX", help: "height in pixels" },
  ],
};

export async function run(argv: string[]): Promise<number> {
  // The conventional short form of --output.
  const args = parseOrHelp(argv.map((a) => (a === "-o" ? "--output" : a.startsWith("-o") && !a.startsWith("--") ? `--output=${a.slice(2)}` : a)), spec);
  if (args === null) return 0;
  const file = requireFile(args, spec);
  const kind = readChoice(args, spec, "kind", KINDS, "diagram");
  const output = optionText(args, spec, "output");
  const diagrams = await readDiagramFile(file, "plot");
  const dims = readDimensions(args, spec, diagrams);
  const title = optionText(args, spec, "title");
  const size = {
    title,
    width: args.options.has("width") ? readInteger(args, spec, "width", 0, 100, 10_000) : undefined,
    height: args.options.has("height") ? readInteger(args, spec, "height", 0, 100, 10_000) : undefined,
  };
  const infinity = readNumber(args, spec, "infinity", -Number.MAX_VALUE);
  let svg: string;
  if (kind === "diagram") svg = plotDiagram(diagrams, { ...size, dimensions: dims });
  else if (kind === "barcode") svg = plotBarcode(diagrams, { ...size, dimensions: dims });
  else {
    const grid = readGrid(args, spec, "grid") ?? gridFromData(diagrams, 200);
    if (kind === "betti") svg = plotBettiCurves(diagrams, grid, { ...size, dimensions: dims, infinity });
    else {
      if (dims !== undefined && dims.length !== 1) throw new UsageError(`plot: a landscape shows one dimension; --dim ${dims.join(",")} names ${dims.length}`);
      const dim = dims?.[0] ?? (diagrams.length > 1 ? 1 : 0);
      svg = plotLandscape(diagrams, dim, grid, { ...size, infinity, layers: readInteger(args, spec, "layers", 3, 1, 100) });
    }
  }
  if (output === undefined || output === "-") {
    process.stdout.write(svg);
    return 0;
  }
  try {
    await writeFile(output, svg);
  } catch (error) {
    throw new CliError(`cannot write ${output}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such directory" : (error as Error).message}`);
  }
  return 0;
}
