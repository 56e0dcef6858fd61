import { readFile } from "node:fs/promises";
import process from "node:process";
import { diagramsFromJson } from "../../tda/formats.ts";
import type { Diagrams } from "../../tda/types.ts";
import { CliError, UsageError, type CommandSpec, type ParsedArgs } from "./args.ts";

/** The one positional argument, a file name or - for standard input. */
export function requireFile(args: ParsedArgs, spec: CommandSpec): string {
  const file = args.positionals[0];
  if (file === undefined) throw new UsageError(`${spec.name}: give the file to read (- for standard input); see streaming-tda ${spec.name} --help`);
  return file;
}

/** The bytes of a file, or of standard input for "-"; one clear line when it cannot be read. */
export async function readInput(file: string, command: string): Promise<Uint8Array> {
  if (file === "-") {
    if (process.stdin.isTTY) process.stderr.write(`streaming-tda ${command}: reading the input from the terminal; end it with Ctrl-D\n`);
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : code === "EACCES" ? "permission denied" : (error as Error).message;
    throw new CliError(`cannot read ${file}: ${why}`);
  }
}

export async function readText(file: string, command: string): Promise<string> {
  return new TextDecoder().decode(await readInput(file, command));
}

/** Reads and checks a diagram file: one line naming the file and the fault when it is not one. */
export async function readDiagramFile(file: string, command: string): Promise<Diagrams> {
  const source = file === "-" ? "<stdin>" : file;
  const text = await readText(file, command);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${source}: not JSON (${(error as Error).message}); expected what streaming-tda ph --output json writes`);
  }
  return diagramsFromJson(json, source);
}
