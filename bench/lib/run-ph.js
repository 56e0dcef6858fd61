// Times ripsPersistence in this process: reads FILE once, computes its barcodes `--warmup`
// times untimed (so V8 has compiled the hot loops), then up to `--repeats` times timed, and
// prints one JSON line: {"seconds": [...], "diagrams": {"0": [[b, d|null], ...], ...}}.
//
//   node bench/lib/run-ph.ts FILE --format point-cloud|lower-distance|... --dim K
//        [--threshold T] [--warmup W] [--repeats R] [--budget SECONDS]
//
// With --warmup 0 --repeats 1 it is a whole-process stand-in for the CLI.
//
// Plain JavaScript on the compiled engine (dist/, which bench/ph.ts builds first): a
// TypeScript runner would weigh in Node's type stripper, tens of MB that are not the engine's.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { parseArgs } from "node:util";
import { INPUT_FORMATS, isBinaryFormat, parseRipsInput } from "../../dist/tda/formats.js";
import { diagramsToJson, ripsPersistence } from "../../dist/tda/index.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    format: { type: "string", default: "lower-distance" },
    dim: { type: "string", default: "1" },
    threshold: { type: "string" },
    warmup: { type: "string", default: "0" },
    repeats: { type: "string", default: "1" },
    budget: { type: "string", default: "Infinity" },
  },
});

const file = positionals[0];
const format = values.format;
if (file === undefined || !INPUT_FORMATS.includes(format)) {
  process.stderr.write(`usage: run-ph.js FILE --format ${INPUT_FORMATS.join("|")} --dim K [--threshold T] [--warmup W] [--repeats R] [--budget S]\n`);
  process.exit(2);
}
const bytes = readFileSync(file);
const input = parseRipsInput(format, isBinaryFormat(format) ? bytes : bytes.toString("utf8"), file);
const options = { maxDim: Number(values.dim), threshold: values.threshold === undefined ? undefined : Number(values.threshold) };

for (let k = 0; k < Number(values.warmup); k++) ripsPersistence(input, options);
const seconds = [];
let diagrams = [];
const budget = Number(values.budget);
let spent = 0;
while (seconds.length < Number(values.repeats) && (seconds.length === 0 || spent < budget)) {
  const started = performance.now();
  diagrams = ripsPersistence(input, options).diagrams;
  const elapsed = (performance.now() - started) / 1000;
  seconds.push(elapsed);
  spent += elapsed;
}
process.stdout.write(JSON.stringify({ seconds, diagrams: diagramsToJson(diagrams) }) + "\n");
