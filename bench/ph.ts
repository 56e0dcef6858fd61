// npm run bench:ph — this engine against Debian's ripser 1.2.1, side by side on the same
// inputs: wall time of each and their ratio (ours / ripser), peak memory of each, and
// whether the barcodes are identical (multisets per dimension, at the 6 significant digits
// ripser prints). The last line is one JSON object keyed by case name.
//
//   node bench/ph.ts [--only NAME[,NAME…]] [--max-runs N] [--budget SECONDS]
//
// How each case is timed (the output repeats it per case):
// - The two dataset cases: whole processes for both tools (ours is the CLI,
//   `streaming-tda ph FILE … --output json`), under GNU time for the peak RSS; the median
//   of several runs.
// - The random clouds, where process start-up would swamp the work: ours in-process (the
//   median of repeats after warm-up; the peak RSS is that of one computation in a fresh
//   runner process);
//   ripser's whole-process median minus its median on a 3-point input (runs interleaved).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { diagramsFromJson, seededRandom, type Diagrams } from "../src/tda/index.ts";
import { compareBarcodes } from "../testkit/barcodes.ts";
import { datasetPath } from "../testkit/datasets.ts";
import { noisyCircle, pointCloudText, randomCloud } from "../testkit/inputs.ts";
import { parseRipserOutput, RIPSER } from "../testkit/ripser.ts";
import { alternateMeasured, GNU_TIME, median, repeatMeasured, runMeasured, summarizeRuns, type ProcessRun, type RepeatPolicy } from "./lib/measure.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const NODE = process.execPath;
const CLI = join(ROOT, "bin/streaming-tda.js");
const RUNNER = join(ROOT, "bench/lib/run-ph.js");

const { values: flags } = parseArgs({
  options: {
    only: { type: "string" },
    "max-runs": { type: "string", default: "5" },
    budget: { type: "string", default: "45" },
  },
});

/** Whole-process pairs (ours, ripser): up to 5, and no new pair after 90 s spent on the case. */
const processPolicy: RepeatPolicy = { maxRuns: Number(flags["max-runs"]), budgetSeconds: 2 * Number(flags.budget) };
/** Short runs (small clouds, the 3-point baseline): many more, since their noise is start-up's. */
const shortPolicy: RepeatPolicy = { maxRuns: 4 * Number(flags["max-runs"]) + 1, budgetSeconds: Number(flags.budget) };
const WARMUP_RUNS = 2;

interface BenchCase {
  name: string;
  file: string;
  format: "point-cloud" | "lower-distance";
  dim: number;
  threshold?: string;
  timing: "process" | "in-process";
}

interface CaseResult {
  oursSeconds: number;
  ripserSeconds: number;
  ratio: number | null;
  oursPeakMb: number;
  ripserPeakMb: number;
  identical: boolean;
}

function toolArgs(c: BenchCase): string[] {
  return ["--format", c.format, "--dim", String(c.dim), ...(c.threshold === undefined ? [] : ["--threshold", c.threshold])];
}

function ripserRun(c: BenchCase, file = c.file): ProcessRun {
  return runMeasured(RIPSER, [...toolArgs(c), file]);
}

/** Whether the CLI runs here; if not (someone is mid-change), the whole-process cases use the runner script instead. */
function cliWorks(probeFile: string): boolean {
  try {
    const out = execFileSync(NODE, [CLI, "ph", probeFile, "--format", "point-cloud", "--dim", "1", "--output", "json"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return diagramsFromJson(JSON.parse(out))[0]?.length === 3;
  } catch {
    return false;
  }
}

function uptimeLine(): string {
  return `load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(", ")} on ${navigator.hardwareConcurrency} cores`;
}

function main(): void {
  for (const tool of [RIPSER, GNU_TIME]) {
    if (!existsSync(tool)) throw new Error(`${tool} is missing: apt-get install -y ${tool === RIPSER ? "ripser" : "time"}`);
  }
  // Ours runs compiled, as an installed package does (and as the CLI does once built).
  execFileSync("npm", ["run", "--silent", "build"], { cwd: ROOT, stdio: "inherit" });
  const scratch = mkdtempSync(join(tmpdir(), "bench-ph-"));
  try {
    // Random 3-d clouds in the unit cube; coordinates exact in 32 bits so both tools read the same numbers.
    const random = seededRandom(2021);
    const cloudFile = (n: number): string => {
      const file = join(scratch, `cloud_${n}.txt`);
      writeFileSync(file, pointCloudText(randomCloud(random, n, 3).map((p) => p.map((x) => Math.fround((x + 1) / 2)))));
      return file;
    };
    const threePoints = join(scratch, "cloud_3.txt");
    writeFileSync(threePoints, "0,0,0\n1,0,0\n0,1,0\n");
    const clouds = new Map([128, 256, 512].map((n) => [n, cloudFile(n)]));
    // Where users' data lives: a loop sampled with noise (the case bench:browser times too).
    const circleFile = join(scratch, "noisy_circle_200.txt");
    writeFileSync(circleFile, pointCloudText(noisyCircle(seededRandom(200), 200, 0.1)));

    const cases: BenchCase[] = [
      { name: "sphere_3_192 --dim 2", file: datasetPath("sphere_3_192.lower_distance_matrix"), format: "lower-distance", dim: 2, timing: "process" },
      { name: "o3_1024 --dim 3 --threshold 1.8", file: datasetPath("o3_1024.txt"), format: "point-cloud", dim: 3, threshold: "1.8", timing: "process" },
      { name: "noisy_circle_200 --dim 1", file: circleFile, format: "point-cloud", dim: 1, timing: "in-process" },
      ...[1, 2].flatMap((dim) =>
        [128, 256, 512].map((n): BenchCase => ({ name: `random_3d_${n} --dim ${dim}`, file: clouds.get(n) ?? "", format: "point-cloud", dim, timing: "in-process" })),
      ),
    ];
    const only = flags.only?.split(",").map((s) => s.trim());
    const selected = only ? cases.filter((c) => only.some((name) => c.name.startsWith(name))) : cases;

    const useCli = cliWorks(threePoints);
    const nodeBaselineMb = median(repeatMeasured({ maxRuns: 3, budgetSeconds: 10 }, () => runMeasured(NODE, ["-e", "0"])).map((r) => r.peakMb));
    console.log(`bench:ph — streaming-tda vs ${RIPSER} (Debian ripser 1.2.1), ${new Date().toISOString()}`);
    console.log(`node ${process.version}; ${uptimeLine()} at start`);
    // What ours costs before any work: Node and the engine's modules.
    const oursAtRestMb = median(repeatMeasured({ maxRuns: 3, budgetSeconds: 10 }, () => runMeasured(NODE, [RUNNER, threePoints, "--format", "point-cloud"])).map((r) => r.peakMb));
    console.log(`node's own baseline peak RSS (node -e 0): ${nodeBaselineMb.toFixed(1)} MB; ours on a 3-point input (bench/lib/run-ph.js): ${oursAtRestMb.toFixed(1)} MB`);
    console.log(`ours, whole process: ${useCli ? "the CLI (node bin/streaming-tda.js ph FILE … --output json)" : "bench/lib/run-ph.js (the CLI did not run)"}`);
    console.log("");

    const results: Record<string, CaseResult> = {};
    const header = ["case", "timed as", "ours s", "ripser s", "ratio", "ours MB", "ripser MB", "identical"];
    const rows: string[][] = [];
    const printRow = (row: string[]): void => {
      const widths = [32, 62, 9, 9, 7, 8, 10, 9];
      console.log(row.map((cell, k) => (k < 2 ? cell.padEnd(widths[k]) : cell.padStart(widths[k]))).join(" "));
    };
    printRow(header);

    /**
     * Ripser on a small cloud: its runs alternate with runs on the 3-point input (same
     * --dim), and its time is the difference of the two medians.
     */
    const ripserMinusStartup = (c: BenchCase): { seconds: number; peakMb: number; stdout: string; count: number; startupSeconds: number } => {
      const [caseRuns, startupRuns] = alternateMeasured(shortPolicy, () => ripserRun(c), () => ripserRun(c, threePoints));
      const whole = summarizeRuns(caseRuns);
      const startupSeconds = median(startupRuns.map((r) => r.seconds));
      return { ...whole, seconds: whole.seconds - startupSeconds, startupSeconds };
    };

    for (const c of selected) {
      let ours: { seconds: number; peakMb: number; diagrams: Diagrams; count: number };
      let ripser: { seconds: number; peakMb: number; diagrams: Diagrams; count: number };
      let timedAs: string;
      if (c.timing === "process") {
        const [oursRuns, ripserRuns] = alternateMeasured(
          processPolicy,
          () => (useCli ? runMeasured(NODE, [CLI, "ph", c.file, ...toolArgs(c), "--output", "json"]) : runMeasured(NODE, [RUNNER, c.file, ...toolArgs(c)])),
          () => ripserRun(c),
        );
        const o = summarizeRuns(oursRuns);
        ours = { ...o, diagrams: diagramsFromJson(JSON.parse(o.stdout)) };
        const r = summarizeRuns(ripserRuns);
        ripser = { ...r, diagrams: parseRipserOutput(r.stdout) };
        timedAs = `whole process${useCli ? " (CLI)" : " (run-ph.js)"}, both: median of ${o.count}, alternating`;
      } else {
        const runner = runMeasured(NODE, [
          RUNNER, c.file, ...toolArgs(c),
          "--warmup", String(WARMUP_RUNS), "--repeats", String(shortPolicy.maxRuns), "--budget", String(shortPolicy.budgetSeconds),
        ]);
        const report = JSON.parse(runner.stdout) as { seconds: number[]; diagrams: unknown };
        // Peak memory of one computation in a fresh process: the timed process also holds twenty runs' garbage.
        const single = runMeasured(NODE, [RUNNER, c.file, ...toolArgs(c)]);
        ours = { seconds: median(report.seconds), peakMb: single.peakMb, diagrams: diagramsFromJson(report.diagrams), count: report.seconds.length };
        const r = ripserMinusStartup(c);
        ripser = { ...r, diagrams: parseRipserOutput(r.stdout) };
        timedAs = `in-process: median of ${ours.count} | ripser: median of ${r.count} − 3-point ${(r.startupSeconds * 1000).toFixed(0)} ms`;
      }
      const { identical, detail } = compareBarcodes(ours.diagrams, ripser.diagrams, c.dim);
      // Ripser's compute time can vanish into the noise of its start-up on a loaded machine: no ratio then, rather than ∞.
      const ratio = ripser.seconds > 0 ? ours.seconds / ripser.seconds : null;
      results[c.name] = {
        oursSeconds: round(ours.seconds, 4),
        ripserSeconds: round(ripser.seconds, 4),
        ratio: ratio === null ? null : round(ratio, 3),
        oursPeakMb: round(ours.peakMb, 1),
        ripserPeakMb: round(ripser.peakMb, 1),
        identical,
      };
      const row = [c.name, timedAs, ours.seconds.toFixed(3), ripser.seconds.toFixed(3), ratio === null ? "n/a" : ratio.toFixed(2), ours.peakMb.toFixed(1), ripser.peakMb.toFixed(1), identical ? "yes" : "NO"];
      rows.push(row);
      printRow(row);
      if (!identical) console.log(`  barcodes differ: ${detail}`);
      if (ratio === null) console.log(`  ripser's median is within its start-up time: its computation is below the timing noise here`);
    }
    console.log("");
    console.log(`${uptimeLine()} at end`);
    console.log(JSON.stringify(results));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}

main();
