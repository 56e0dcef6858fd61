import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { gunzip as gunzipCallback, gzip as gzipCallback } from "node:zlib";
import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import type { WindowResult } from "../../stream/types.ts";
import { ignoreOperations, recorded, type OperationRecorder } from "../operation-recorder.ts";
import { outputJson } from "../output-json.ts";
import type { OutputRecord, ResultArchive } from "../types.ts";
import { hourOf, hourPrefix, keyPrefix, objectName, parseObjectName } from "./layout.ts";

const gzip = promisify(gzipCallback);
const NEWLINE = Buffer.from("\n");
const gunzip = promisify(gunzipCallback);

export interface S3ArchiveOptions {
  /** s3://bucket/prefix */
  url: string;
  /** An S3-compatible endpoint (http://127.0.0.1:PORT for S3Proxy); AWS's own when absent. */
  endpoint?: string;
  region?: string;
  /** Default: the AWS SDK's own chain (environment, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Results queued before a flush is started; also flushed every flushIntervalMs. */
  batchRecords?: number;
  flushIntervalMs?: number;
  /** Results queued at most; beyond it append() waits up to appendWaitMs, then the oldest are dropped (counted). */
  maxQueuedRecords?: number;
  appendWaitMs?: number;
  /** Objects whose hour ended longer ago than this are deleted by the retention sweep; 0 keeps all. */
  retentionDays?: number;
  createBucket?: boolean;
  recorder?: OperationRecorder;
}

export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!m) throw new Error(`archive ${JSON.stringify(url)}: expected s3://bucket/prefix with a valid bucket name`);
  return { bucket: m[1], prefix: (m[2] ?? "").replace(/\/+$/, "") };
}

/**
 * Window results archived to S3 in batches: gzip-compressed JSON lines, one object per key and
 * hour of event time in each flush (layout.ts). Appending only queues (the hot path waits
 * for S3 only when the queue is full, and then for at most appendWaitMs); a flush that fails
 * is retried with backoff, its results staying queued. history() lists a key's hours in the
 * range and reads the objects that overlap it.
 */
export class S3ResultArchive implements ResultArchive {
  readonly kind = "s3";
  readonly bucket: string;
  readonly prefix: string;
  private readonly client: S3Client;
  private readonly options: Required<Omit<S3ArchiveOptions, "endpoint" | "credentials" | "url">>;
  private readonly writer = randomBytes(4).toString("hex");
  private serial = 0;
  private queue: WindowResult[] = [];
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private ready: Promise<void> | undefined;
  private closed = false;
  private failures = 0;
  private readonly roomWaiters: Array<() => void> = [];
  /** Results dropped because the queue stayed full (S3 unreachable for long). */
  dropped = 0;
  /** Objects written. */
  written = 0;
  lastError: Error | undefined;

  constructor(options: S3ArchiveOptions) {
    const { bucket, prefix } = parseS3Url(options.url);
    this.bucket = bucket;
    this.prefix = prefix;
    this.options = {
      region: options.region ?? "us-east-1",
      batchRecords: options.batchRecords ?? 5000,
      flushIntervalMs: options.flushIntervalMs ?? 10_000,
      maxQueuedRecords: options.maxQueuedRecords ?? 100_000,
      appendWaitMs: options.appendWaitMs ?? 2000,
      retentionDays: options.retentionDays ?? 30,
      createBucket: options.createBucket ?? false,
      recorder: options.recorder ?? ignoreOperations,
    };
    this.client = new S3Client({
      region: this.options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.endpoint !== undefined,
      credentials: options.credentials,
      maxAttempts: 2,
    });
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs);
    this.timer.unref();
    if (this.options.retentionDays > 0) {
      this.sweepTimer = setInterval(() => void this.sweep().catch(() => undefined), 3600_000);
      this.sweepTimer.unref();
    }
  }

  private op<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    return recorded(this.options.recorder, "s3", operation, fn);
  }

  /** Checks the bucket (creating it when asked to); every write waits for it. */
  start(): Promise<void> {
    this.ready ??= (async () => {
      try {
        await this.op("head_bucket", () => this.client.send(new HeadBucketCommand({ Bucket: this.bucket })));
      } catch (err) {
        if (!this.options.createBucket) throw new Error(`archive s3://${this.bucket}: ${(err as Error).name}: the bucket is not reachable or does not exist`);
        await this.op("create_bucket", () => this.client.send(new CreateBucketCommand({ Bucket: this.bucket })));
      }
    })();
    return this.ready;
  }

  get queued(): number {
    return this.queue.length;
  }

  async append(records: readonly OutputRecord[]): Promise<void> {
    const before = this.queue.length;
    for (const r of records) if (r.type === "window") this.queue.push(r);
    if (this.queue.length === before) return;
    if (this.queue.length >= this.options.batchRecords) void this.flush();
    if (this.queue.length <= this.options.maxQueuedRecords) return;
    // Full: wait a bounded time for a flush to make room, then drop the oldest.
    await Promise.race([new Promise<void>((resolve) => this.roomWaiters.push(resolve)), sleep(this.options.appendWaitMs)]);
    const over = this.queue.length - this.options.maxQueuedRecords;
    if (over > 0) {
      this.queue.splice(0, over);
      this.dropped += over;
    }
  }

  /** Writes everything queued now; resolves when written (or failed: the results stay queued). */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.queue.length === 0) return Promise.resolve();
    this.flushing = this.writeQueued().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async writeQueued(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    const groups = new Map<string, WindowResult[]>();
    for (const r of batch) {
      const group = `${r.key}\u0000${hourOf(r.end)}`;
      const list = groups.get(group);
      if (list) list.push(r);
      else groups.set(group, [r]);
    }
    const unwritten: WindowResult[] = [];
    try {
      await this.start();
    } catch (err) {
      this.queue = batch.concat(this.queue);
      return this.failed(err as Error);
    }
    await Promise.all(
      [...groups.values()].map(async (results) => {
        results.sort((a, b) => a.end - b.end);
        const name = objectName(this.prefix, results[0].key, results[0].end, results[results.length - 1].end, this.writer, ++this.serial);
        const lines: Buffer[] = [];
        for (const r of results) lines.push(outputJson(r), NEWLINE);
        const body = Buffer.concat(lines);
        try {
          const compressed = await gzip(body);
          await this.op("put", () =>
            this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: name, Body: compressed, ContentType: "application/x-ndjson", ContentEncoding: "gzip" })),
          );
          this.written++;
        } catch (err) {
          this.lastError = err as Error;
          unwritten.push(...results);
        }
      }),
    );
    for (const wake of this.roomWaiters.splice(0)) wake();
    if (unwritten.length > 0) {
      this.queue = unwritten.concat(this.queue);
      return this.failed(this.lastError!);
    }
    this.failures = 0;
    this.lastError = undefined;
  }

  /** Retries later, with backoff (min(2^n · 500 ms, 30 s)). */
  private failed(err: Error): void {
    this.lastError = err;
    this.failures++;
    if (this.closed) return;
    const delay = Math.min(2 ** this.failures * 500, 30_000);
    setTimeout(() => void this.flush(), delay).unref();
  }

  async history(key: string, from: number, to: number, limit: number): Promise<OutputRecord[]> {
    await this.start();
    const names = await this.listKey(key, from, to);
    const seen = new Set<string>();
    const found: WindowResult[] = [];
    for (const name of names) {
      const body = await this.op("get", () => this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: name })));
      const bytes = Buffer.from(await body.Body!.transformToByteArray());
      const text = (await gunzip(bytes)).toString("utf8");
      for (const line of text.split("\n")) {
        if (line === "") continue;
        const r = JSON.parse(line) as WindowResult;
        if (r.end < from || r.end > to || seen.has(r.id)) continue;
        seen.add(r.id);
        found.push(r);
      }
    }
    return found.sort((a, b) => a.end - b.end).slice(0, limit);
  }

  /** Names of a key's objects that may hold ends in [from, to], in time order. */
  private async listKey(key: string, from: number, to: number): Promise<string[]> {
    const finite = Number.isFinite(from) && Number.isFinite(to) && (to - from) / 3600_000 <= 48;
    const prefixes: string[] = [];
    if (finite) for (let h = hourOf(from); h <= to; h += 3600_000) prefixes.push(hourPrefix(this.prefix, key, h));
    else prefixes.push(keyPrefix(this.prefix, key));
    const names: Array<{ name: string; first: number }> = [];
    for (const prefix of prefixes) {
      for (const name of await this.list(prefix)) {
        const parsed = parseObjectName(name);
        if (parsed && parsed.key === key && parsed.lastEnd >= from && parsed.firstEnd <= to) names.push({ name, first: parsed.firstEnd });
      }
    }
    return names.sort((a, b) => a.first - b.first).map((n) => n.name);
  }

  private async list(prefix: string): Promise<string[]> {
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.op("list", () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token })),
      );
      for (const o of page.Contents ?? []) if (o.Key) names.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return names;
  }

  /** Deletes objects whose hour ended more than retentionDays ago; returns how many. */
  async sweep(now = Date.now()): Promise<number> {
    if (this.options.retentionDays <= 0) return 0;
    await this.start();
    const cutoff = now - this.options.retentionDays * 86_400_000;
    const old = (await this.list(this.prefix === "" ? "" : `${this.prefix}/`)).filter((name) => {
      const parsed = parseObjectName(name);
      return parsed !== undefined && parsed.hourStart + 3600_000 <= cutoff;
    });
    for (let i = 0; i < old.length; i += 1000) {
      const chunk = old.slice(i, i + 1000);
      await this.op("delete", () =>
        this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true } })),
      );
    }
    return old.length;
  }

  async ping(): Promise<boolean> {
    try {
      await this.op("head_bucket", () => this.client.send(new HeadBucketCommand({ Bucket: this.bucket })));
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer) clearInterval(this.timer);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    // Last flushes: what is queued is written if S3 answers within a few attempts.
    for (let attempt = 0; attempt < 3 && (this.queue.length > 0 || this.flushing); attempt++) {
      await (this.flushing ?? this.flush()).catch(() => undefined);
    }
    this.closed = true;
    this.client.destroy();
  }
}
