import type { DistanceAnswer, PersistenceAnswer, PlaygroundAnswer, PlaygroundRequest } from "./protocol.ts";

type Pending = { resolve(answer: PlaygroundAnswer): void };
type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;

/** Requests to the playground's worker as promises, answered in the order asked. */
export class WorkerClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(url: string) {
    this.worker = new Worker(url, { type: "module", name: "persistence" });
    this.worker.onmessage = (event: MessageEvent<PlaygroundAnswer>) => {
      const waiter = this.pending.get(event.data.id);
      this.pending.delete(event.data.id);
      waiter?.resolve(event.data);
    };
    this.worker.onerror = (event) => {
      const answer = (id: number): PlaygroundAnswer => ({ id, ok: false, error: `the worker failed: ${event.message}` });
      for (const [id, waiter] of this.pending) waiter.resolve(answer(id));
      this.pending.clear();
    };
  }

  async persistence(request: WithoutId<Extract<PlaygroundRequest, { type: "persistence" }>>): Promise<PersistenceAnswer> {
    const answer = await this.ask(request);
    if (!answer.ok) throw new Error(answer.error);
    if (!("persistence" in answer)) throw new Error("the worker answered a persistence request with something else");
    return answer.persistence;
  }

  async distance(request: WithoutId<Extract<PlaygroundRequest, { type: "distance" }>>): Promise<DistanceAnswer> {
    const answer = await this.ask(request);
    if (!answer.ok) throw new Error(answer.error);
    if (!("distance" in answer)) throw new Error("the worker answered a distance request with something else");
    return answer.distance;
  }

  private ask(request: WithoutId<PlaygroundRequest>): Promise<PlaygroundAnswer> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve });
      this.worker.postMessage({ ...request, id } as PlaygroundRequest);
    });
  }
}
