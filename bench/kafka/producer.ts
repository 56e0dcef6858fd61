/**
 * The load of bench:kafka, in a process of its own: the demo generator's events (64 keys of
 * 3-d points, a few percent broken) produced to the events topic keyed by their key, with
 * their event time set to the moment they are sent, so that a result's end time is when
 * the event that completed it was produced. `rate` events/s (0: as fast as the broker takes
 * them, in sends of 200) until `count` events; paced, each send holds what a producer
 * lingering 10 ms would gather (rate/100 events). Reports progress to the parent.
 *
 *   node bench/kafka/producer.ts BROKERS TOPIC RATE COUNT
 */
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { Producer } from "@platformatic/kafka";
import { endlessDemoEvents } from "../../src/adapters/demo/demo-source.ts";

const [brokers, topic, rateArg, countArg] = process.argv.slice(2);
const rate = Number(rateArg);
const count = Number(countArg);
const producer = new Producer({ clientId: "bench-producer", bootstrapBrokers: [brokers], acks: 1, compression: "lz4" });
const events = endlessDemoEvents({ keys: 64, seed: 1 });
const BATCH = rate > 0 ? Math.max(1, Math.round(rate / 100)) : 200;
// Sends in flight at once: awaiting each one would make the broker's round trip, not the
// pipeline, the limit of the backlog's rate. One connection keeps them in order.
const MAX_PENDING = 8;
const pending = new Set<Promise<unknown>>();
const started = performance.now();
let sent = 0;
while (sent < count) {
  const n = Math.min(BATCH, count - sent);
  const now = Date.now();
  const messages = [];
  for (let i = 0; i < n; i++) {
    const e = events.next().value!;
    // Valid lines get the send time as event time; broken ones are sent as they are.
    let line = e.line;
    if (e.broken === null) line = line.replace(/"ts":\s*\d+/, `"ts":${now}`);
    messages.push({ topic, key: Buffer.from(e.key), value: Buffer.from(line) });
  }
  const send: Promise<unknown> = producer.send({ messages }).then(() => pending.delete(send));
  pending.add(send);
  if (pending.size >= MAX_PENDING) await Promise.race(pending);
  sent += n;
  if (rate > 0) {
    const due = started + (sent / rate) * 1000;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
  }
  if (sent % 10_000 < n) process.send?.({ sent });
}
await Promise.all(pending);
process.send?.({ sent, done: true, seconds: (performance.now() - started) / 1000 });
await producer.close();
