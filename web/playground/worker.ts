/**
 * The playground's computation, off the page's thread: persistence and diagram distances
 * with the project's library, as bundled for browsers.
 */
import { bottleneckDistance, INPUT_FORMATS, parseRipsInput, ripsPersistence, wassersteinDistance, type Diagrams, type InputFormat } from "../../src/tda/index.ts";
import type { PlaygroundAnswer, PlaygroundRequest } from "./protocol.ts";

interface WorkerScope {
  onmessage: ((event: MessageEvent<PlaygroundRequest>) => void) | null;
  postMessage(message: PlaygroundAnswer): void;
}
const scope = self as unknown as WorkerScope;

scope.onmessage = (event) => {
  const request = event.data;
  try {
    scope.postMessage(answer(request));
  } catch (err) {
    scope.postMessage({ id: request.id, ok: false, error: (err as Error).message });
  }
};

function answer(request: PlaygroundRequest): PlaygroundAnswer {
  if (request.type === "distance") {
    const dims = Math.max(request.a.length, request.b.length);
    const bottleneck: number[] = [];
    const wasserstein: number[] = [];
    for (let k = 0; k < dims; k++) {
      bottleneck.push(bottleneckDistance(request.a[k] ?? [], request.b[k] ?? []));
      wasserstein.push(wassersteinDistance(request.a[k] ?? [], request.b[k] ?? []));
    }
    return { id: request.id, ok: true, distance: { bottleneck, wasserstein } };
  }
  if (!(INPUT_FORMATS as readonly string[]).includes(request.format)) throw new Error(`unknown input format ${JSON.stringify(request.format)}`);
  const t0 = performance.now();
  const input = parseRipsInput(request.format as InputFormat, request.text, "input");
  const t1 = performance.now();
  const result = ripsPersistence(input, { maxDim: request.maxDim, threshold: request.threshold });
  const t2 = performance.now();
  const diagrams: Diagrams = Array.from({ length: request.maxDim + 1 }, (_, k) => result.diagrams[k] ?? []);
  return {
    id: request.id,
    ok: true,
    persistence: { diagrams, threshold: result.threshold, points: result.n, parseMs: t1 - t0, computeMs: t2 - t1 },
  };
}
