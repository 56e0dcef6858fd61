import { createHash } from "node:crypto";
import { deserialize } from "node:v8";
import { createClient, RESP_TYPES } from "redis";
import { ignoreOperations, recorded, type OperationRecorder } from "../operation-recorder.ts";
import { outputJson } from "../output-json.ts";
import {
  StaleEpochError,
  type Checkpoint,
  type HistoryPage,
  type KeyPage,
  type KeySummary,
  type OutputRecord,
  type PartitionedStateCopy,
  type PartitionState,
  type StateLease,
  type StateStore,
} from "../types.ts";
import { decodeState, StateEncoder } from "../store/state-codec.ts";
import { APPEND_RESULTS, REPLACE_PARTITIONS, SAVE_CHECKPOINT } from "./scripts.ts";

export interface RedisStoreOptions {
  /** redis://[user:password@]host:port[/db] */
  url: string;
  /** Every key this store writes starts with `<prefix>:` (several pipelines can share a server). */
  prefix?: string;
  /** Window results kept per key for the query API; older ones are dropped (the archive keeps them). */
  maxResultsPerKey?: number;
  /** A key's results and summary expire this long after its last result; 0 keeps them. */
  resultTtlSeconds?: number;
  recorder?: OperationRecorder;
  /** Milliseconds a command may wait for a reply, connected or not (reconnects included). */
  commandTimeoutMs?: number;
  /** False: a connection that fails is not tried again, and every command fails (for one-off commands, not the service). */
  reconnect?: boolean;
}

/**
 * State and results in Redis, shared by every instance of a pipeline.
 *
 * Per state partition P (one per Kafka partition): `epoch:P` (raised by each claim),
 * `cp:P` (the checkpoint without its keys, with the source position), `live:P` and
 * `evicted:P` (hashes of key → state). A save is one Lua script that checks the epoch and
 * writes the partition's position and key states together, or nothing. Per key K:
 * `res:K` (id → result JSON), `hist:K` (ids by end time), `sum:K` (counts, latest id), and
 * the set `keys`. States are written with the state codec the embedded stores use (typed
 * arrays and non-finite numbers survive); states V8-serialized by earlier versions are read.
 *
 * State and results go over two connections: a checkpoint of megabytes is sent and run as one
 * script, and result writes, which the runner waits for before taking more input, do not queue
 * behind it.
 *
 * Memory is bounded by `maxResultsPerKey` and `resultTtlSeconds` for results; states are
 * bounded by the number of keys, and never expire (they are what a restart resumes from):
 * run Redis with `maxmemory-policy noeviction`, so a full Redis refuses writes (the pipeline
 * pauses) instead of dropping state.
 *
 * The client reconnects with backoff on its own; commands wait meanwhile (up to
 * commandTimeoutMs), so the runner's checkpoint and result writes wait and intake pauses.
 */
export class RedisStateStore implements StateStore, PartitionedStateCopy {
  readonly kind = "redis";
  readonly durable = true;
  /** Results and their queries. */
  private readonly client;
  /** State: claims, checkpoints, evicted keys (replies as Buffers). */
  private readonly stateClient;
  private readonly binary;
  private readonly encoder = new StateEncoder();
  private readonly prefix: string;
  private readonly maxResultsPerKey: number;
  private readonly resultTtlSeconds: number;
  private readonly recorder: OperationRecorder;
  private readonly scriptShas = new Map<string, string>();
  private connecting: Promise<unknown> | undefined;
  private closed = false;
  /** The last connection error, for logs; cleared when ready again. */
  lastError: Error | undefined;

  constructor(options: RedisStoreOptions) {
    this.prefix = options.prefix ?? "streaming-tda";
    this.maxResultsPerKey = options.maxResultsPerKey ?? 1000;
    this.resultTtlSeconds = options.resultTtlSeconds ?? 7 * 24 * 3600;
    this.recorder = options.recorder ?? ignoreOperations;
    this.client = createClient({
      url: options.url,
      // Named for CLIENT LIST: which connection is which.
      name: "streaming-tda-results",
      socket: {
        // min(2^n · 50, 2000) ms between attempts, with jitter: a restarted Redis is found quickly.
        reconnectStrategy:
          options.reconnect === false ? false : (retries: number) => Math.min(2 ** retries * 50, 2000) + Math.floor(Math.random() * 100),
        connectTimeout: 5000,
      },
      commandOptions: { timeout: options.commandTimeoutMs ?? 120_000 },
    });
    this.stateClient = this.client.duplicate({ name: "streaming-tda-state" });
    for (const client of [this.client, this.stateClient]) {
      client.on("error", (err: Error) => {
        this.lastError = err;
      });
      client.on("ready", () => {
        if (this.client.isReady && this.stateClient.isReady) this.lastError = undefined;
      });
    }
    this.binary = this.stateClient.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
  }

  /** Connects (once); every operation waits for it. */
  private connected(): Promise<unknown> {
    this.connecting ??= Promise.all([this.client.connect(), this.stateClient.connect()]);
    return this.connecting;
  }

  private key(...parts: string[]): string {
    return `${this.prefix}:${parts.join(":")}`;
  }

  private op<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    return recorded(this.recorder, "redis", operation, async () => {
      await this.connected();
      return fn();
    });
  }

  /** EVALSHA, loading the script on first use or after a server restart forgot it. */
  private async script(client: typeof this.client | typeof this.stateClient, source: string, keys: string[], args: Array<string | Buffer>): Promise<unknown> {
    let sha = this.scriptShas.get(source);
    if (sha === undefined) {
      sha = createHash("sha1").update(source).digest("hex");
      this.scriptShas.set(source, sha);
    }
    try {
      return await client.sendCommand(["EVALSHA", sha, String(keys.length), ...keys, ...args]);
    } catch (err) {
      if (!String((err as Error).message).startsWith("NOSCRIPT")) throw err;
      return client.sendCommand(["EVAL", source, String(keys.length), ...keys, ...args]);
    }
  }

  async claim(partition: string): Promise<StateLease> {
    const epoch = Number(await this.op("claim", () => this.stateClient.incr(this.key("epoch", partition))));
    return {
      partition,
      epoch,
      load: () => this.op("load", () => this.load(partition)),
      save: (checkpoint) => this.op("save", () => this.save(partition, epoch, checkpoint)),
      loadEvictedKeys: (keys) => this.op("load_evicted", () => this.loadEvicted(partition, keys)),
    };
  }

  private async load(partition: string): Promise<Checkpoint | undefined> {
    const [meta, live] = await Promise.all([
      this.binary.get(this.key("cp", partition)),
      this.binary.hGetAll(this.key("live", partition)),
    ]);
    if (meta === null) return undefined;
    const head = decodeStored(meta as Buffer) as Omit<Checkpoint, "keys" | "evicted">;
    return { ...head, keys: decodeStates(live as Record<string, Buffer>), evicted: new Map() };
  }

  private async save(partition: string, epoch: number, cp: Checkpoint): Promise<void> {
    // Serialized before anything is sent: a state that cannot be stored leaves the last checkpoint standing.
    const args = [String(epoch), ...this.checkpointArgs(cp)];
    const [stored, current] = (await this.script(this.stateClient, SAVE_CHECKPOINT, this.partitionKeys(partition), args)) as [number, number];
    if (Number(stored) !== 1) throw new StaleEpochError(partition, epoch, Number(current));
  }

  /** A partition's keys, in the order the scripts take them: epoch, checkpoint meta, live and evicted states. */
  private partitionKeys(partition: string): string[] {
    return [this.key("epoch", partition), this.key("cp", partition), this.key("live", partition), this.key("evicted", partition)];
  }

  /** A checkpoint as the scripts take it: meta, live count, (key, state)…, evicted count, (key, state)…. */
  private checkpointArgs(cp: Checkpoint): Array<string | Buffer> {
    const { keys, evicted, ...head } = cp;
    const args: Array<string | Buffer> = [this.encoder.encodeCopy(head), String(keys.size)];
    for (const [key, state] of keys) args.push(key, this.encoder.encodeCopy(state));
    args.push(String(evicted.size));
    for (const [key, state] of evicted) args.push(key, this.encoder.encodeCopy(state));
    return args;
  }

  async statePartitions(): Promise<string[]> {
    return this.op("scan", async () => {
      const head = this.key("cp", "");
      const names: string[] = [];
      for await (const batch of this.stateClient.scanIterator({ MATCH: globEscape(head) + "*", COUNT: 1000 })) {
        for (const key of batch) names.push(key.slice(head.length));
      }
      return [...new Set(names)].sort();
    });
  }

  async epochs(partitions: readonly string[]): Promise<Map<string, number>> {
    if (partitions.length === 0) return new Map();
    const values = await this.op("epochs", () => this.stateClient.mGet(partitions.map((p) => this.key("epoch", p))));
    return new Map(partitions.map((p, i) => [p, Number(values[i] ?? 0)]));
  }

  async readPartition(partition: string): Promise<PartitionState | undefined> {
    const [epochKey, cpKey, liveKey, evictedKey] = this.partitionKeys(partition);
    // One transaction: the save script runs whole between two commands, never inside this.
    const [epoch, meta, live, evicted] = (await this.op("read_partition", () =>
      this.binary.multi().get(epochKey).get(cpKey).hGetAll(liveKey).hGetAll(evictedKey).exec(),
    )) as unknown as [Buffer | null, Buffer | null, Record<string, Buffer>, Record<string, Buffer>];
    if (meta === null) return undefined;
    const head = decodeStored(meta) as Omit<Checkpoint, "keys" | "evicted">;
    return { partition, epoch: Number(epoch?.toString() ?? 0), checkpoint: { ...head, keys: decodeStates(live), evicted: decodeStates(evicted) } };
  }

  async replacePartitions(states: readonly PartitionState[]): Promise<void> {
    if (states.length === 0) return;
    const args: Array<string | Buffer> = states.map((s) => String(s.epoch));
    for (const s of states) args.push(...this.checkpointArgs(s.checkpoint));
    const keys = states.flatMap((s) => this.partitionKeys(s.partition));
    const [replaced, index, current] = (await this.op("replace_partitions", () => this.script(this.stateClient, REPLACE_PARTITIONS, keys, args))) as [number, number, number];
    if (Number(replaced) !== 1) {
      const fenced = states[Number(index) - 1];
      throw new StaleEpochError(fenced.partition, fenced.epoch, Number(current));
    }
  }

  private async loadEvicted(partition: string, keys: readonly string[]): Promise<Map<string, unknown>> {
    const found = new Map<string, unknown>();
    if (keys.length === 0) return found;
    const states = (await this.binary.hmGet(this.key("evicted", partition), [...keys])) as Array<Buffer | null>;
    states.forEach((state, i) => {
      if (state !== null) found.set(keys[i], decodeStored(state));
    });
    return found;
  }

  async appendResults(records: readonly OutputRecord[]): Promise<void> {
    const args: Array<string | Buffer> = [this.prefix, String(this.maxResultsPerKey), String(this.resultTtlSeconds)];
    for (const r of records) {
      if (r.type !== "window") continue;
      args.push(r.key, r.id, String(r.end), r.anomaly ? "1" : "0", outputJson(r));
    }
    if (args.length === 3) return;
    await this.op("append_results", () => this.script(this.client, APPEND_RESULTS, [this.key("keys")], args));
  }

  /**
   * Key names come from one set, sorted here: a page costs the names of every key (no
   * summaries beyond the page's), which is what an unordered set allows.
   */
  async keys(page?: KeyPage): Promise<KeySummary[]> {
    return this.op("keys", async () => {
      let keys = (await this.client.sMembers(this.key("keys"))).sort();
      if (page) keys = keys.filter((k) => page.after === undefined || k > page.after);
      // Keys whose summary expired are skipped, so a page reads ahead until it is full.
      const out: KeySummary[] = [];
      for (let at = 0; at < keys.length && (!page || out.length < page.limit); ) {
        const chunk = keys.slice(at, at + (page ? page.limit - out.length : keys.length));
        at += chunk.length;
        out.push(...(await this.summaries(chunk)));
      }
      return out;
    });
  }

  async keySummaries(keys: readonly string[]): Promise<KeySummary[]> {
    return this.op("keys", () => this.summaries([...new Set(keys)].sort()));
  }

  private async summaries(keys: readonly string[]): Promise<KeySummary[]> {
    const summaries = await Promise.all(keys.map((k) => this.client.hGetAll(this.key("sum", k))));
    const out: KeySummary[] = [];
    keys.forEach((key, i) => {
      const s = summaries[i];
      // Expired by the result TTL: its summary is gone.
      if (s.windows === undefined) return;
      out.push({ key, lastEnd: s.lastEnd === undefined ? null : Number(s.lastEnd), windows: Number(s.windows), anomalies: Number(s.anomalies ?? 0) });
    });
    return out;
  }

  async latest(key: string): Promise<OutputRecord | undefined> {
    return this.op("latest", async () => {
      const id = await this.client.hGet(this.key("sum", key), "latest");
      if (id === null || id === undefined) return undefined;
      const json = await this.client.hGet(this.key("res", key), id);
      return json === null || json === undefined ? undefined : (JSON.parse(json) as OutputRecord);
    });
  }

  /**
   * `hist:K` orders ids by end time and, at equal end times, by id (Redis sorts equal
   * scores by member): the (end, id) order of cursors. After a cursor, the ids at its end
   * time come first, then the range beyond it.
   */
  async history(key: string, from: number, to: number, limit: number, page: HistoryPage = {}): Promise<OutputRecord[]> {
    return this.op("history", async () => {
      const hist = this.key("hist", key);
      const desc = page.order === "desc";
      const range = (lo: string | number, hi: string | number, count: number) =>
        desc
          ? this.client.zRange(hist, hi, lo, { BY: "SCORE", REV: true, LIMIT: { offset: 0, count } })
          : this.client.zRange(hist, lo, hi, { BY: "SCORE", LIMIT: { offset: 0, count } });
      let ids: string[];
      const after = page.after;
      if (after === undefined) ids = await range(bound(from), bound(to), limit);
      else if (after.end < from || after.end > to) ids = [];
      else {
        const ties = (await range(after.end, after.end, -1)).filter((id) => (desc ? id < after.id : id > after.id));
        ids = ties.slice(0, limit);
        if (ids.length < limit) ids.push(...(await (desc ? range(bound(from), `(${after.end}`, limit - ids.length) : range(`(${after.end}`, bound(to), limit - ids.length))));
      }
      if (ids.length === 0) return [];
      const jsons = await this.client.hmGet(this.key("res", key), ids);
      return jsons.filter((j): j is string => typeof j === "string").map((j) => JSON.parse(j) as OutputRecord);
    });
  }

  async ping(): Promise<boolean> {
    if (this.closed || !this.ready) return false;
    try {
      await this.op("ping", () => Promise.all([this.client.ping(), this.stateClient.ping()]));
      return true;
    } catch {
      return false;
    }
  }

  /** True while connected (commands wait otherwise). */
  get ready(): boolean {
    return this.client.isReady && this.stateClient.isReady;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.connecting === undefined) return;
    await this.connecting.catch(() => undefined);
    await Promise.all([this.client, this.stateClient].map((client) => (client.isOpen ? client.close() : undefined)));
  }
}

/** The first byte of a V8-serialized value; the state codec's first byte is its version, 1. */
const V8_HEADER = 0xff;

/** A stored state or checkpoint head, in the state codec or, as earlier versions wrote it, V8's format. */
function decodeStored(bytes: Buffer): unknown {
  return bytes[0] === V8_HEADER ? deserialize(bytes) : decodeState(bytes);
}

/** Key states as a hash of the store holds them (key → encoded state). */
function decodeStates(hash: Record<string, Buffer>): Map<string, unknown> {
  return new Map(Object.entries(hash).map(([key, state]) => [key, decodeStored(state)] as const));
}

/** A literal for SCAN's MATCH: the glob's special characters escaped. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}

function bound(x: number): string | number {
  return x === -Infinity ? "-inf" : x === Infinity ? "+inf" : x;
}
