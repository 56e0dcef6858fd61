/**
 * Window results cross from a shard's worker thread to the runner as their JSON text.
 *
 * A window result is mostly its diagrams: a hundred or more [birth, death] pairs. Sent as
 * objects, every pair is serialized in the worker, rebuilt and then collected on the
 * runner's thread, and encoded to JSON there again by each sink that writes JSON (Kafka,
 * Redis, S3, files). Sent as text, made in the worker, the runner's thread gets one string
 * per result and the sinks write it as it is. The fields the runner and the sinks read (id,
 * key, scale, end, anomaly, score…) travel beside the text as they were; the diagrams,
 * features and projection are parsed from it only when something asks for them (the query
 * API of the memory store, the page's feed).
 */
import { OUTPUT_JSON_TEXT, type OutputRecord } from "../../adapters/types.ts";
import type { WindowResult } from "../../stream/types.ts";

type TextFields = "diagrams" | "features" | "projection";

/** A window result in a message from a worker: its text, and every field but those the text alone carries. */
type WindowInTransit = Omit<WindowResult, TextFields> & { text: string };

/** In the worker: each window result of `outputs` is replaced by its text and its other fields. */
export function windowsToText(outputs: OutputRecord[]): void {
  for (let i = 0; i < outputs.length; i++) {
    const output = outputs[i];
    if (output.type !== "window") continue;
    const text = JSON.stringify(output);
    const { diagrams: _diagrams, features: _features, projection: _projection, ...fields } = output;
    const transit: WindowInTransit = Object.assign(fields, { text });
    outputs[i] = transit as unknown as OutputRecord;
  }
}

/** On the runner's thread: what windowsToText replaced becomes window results again. */
export function windowsFromText(outputs: OutputRecord[]): void {
  for (let i = 0; i < outputs.length; i++) {
    const output = outputs[i] as OutputRecord | WindowInTransit;
    if (output.type === "window" && "text" in output) outputs[i] = new TextWindowResult(output) as unknown as WindowResult;
  }
}

/**
 * A window result whose diagrams, features and projection are read from its text on first
 * use. JSON.stringify gives the text's own value (toJSON), so what any sink writes is what
 * the worker wrote.
 */
class TextWindowResult {
  readonly [OUTPUT_JSON_TEXT]: string;
  #parsed: WindowResult | undefined;

  constructor(transit: WindowInTransit) {
    const { text, ...fields } = transit;
    Object.assign(this, fields);
    this[OUTPUT_JSON_TEXT] = text;
  }

  get diagrams(): WindowResult["diagrams"] {
    return this.toJSON().diagrams;
  }

  get features(): WindowResult["features"] {
    return this.toJSON().features;
  }

  get projection(): WindowResult["projection"] {
    return this.toJSON().projection;
  }

  toJSON(): WindowResult {
    return (this.#parsed ??= JSON.parse(this[OUTPUT_JSON_TEXT]) as WindowResult);
  }
}
