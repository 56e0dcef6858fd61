/** The S3 archive against a real S3-compatible server (S3Proxy, filesystem backend, v4 auth). */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { S3ResultArchive, type S3ArchiveOptions } from "../src/adapters/s3/s3-archive.ts";
import type { WindowResult } from "../src/stream/types.ts";
import { localS3Credentials, useServers } from "./helpers/servers.ts";
import { windowResult } from "./helpers/state-store-contract.ts";

const { s3 } = await useServers("s3");
const endpoint = s3!.address;
let buckets = 0;
const archives: S3ResultArchive[] = [];
after(() => Promise.all(archives.map((a) => a.close())));

function archive(options: Partial<S3ArchiveOptions> = {}): S3ResultArchive {
  const a = new S3ResultArchive({
    url: `s3://test-${process.pid}-${++buckets}/results/v1`,
    endpoint,
    credentials: localS3Credentials,
    createBucket: true,
    flushIntervalMs: 60_000,
    ...options,
  });
  archives.push(a);
  return a;
}

const HOUR = 3600_000;
const T0 = Date.UTC(2026, 11, 3, 22, 0, 0);
const ids = (rs: unknown[]) => rs.map((r) => (r as WindowResult).id);

test("results are batched into gzip JSON-lines objects under key and hour, and read back by time", { timeout: 60_000 }, async () => {
  const a = archive();
  const results = [
    windowResult("s/1", 127, T0 + 1000),
    windowResult("s/1", 135, T0 + 2000, true),
    windowResult("s/1", 143, T0 + HOUR + 5),
    windowResult("b", 127, T0 + 10),
  ];
  await a.append(results);
  await a.append([windowResult("s/1", 151, T0 + HOUR + 500)]);
  await a.flush();
  assert.equal(a.queued, 0);

  const client = new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials: localS3Credentials });
  const listing = await client.send(new ListObjectsV2Command({ Bucket: a.bucket }));
  const names = (listing.Contents ?? []).map((o) => o.Key!).sort();
  assert.equal(names.length, 3, names.join("\n"));
  assert.match(names[0], /^results\/v1\/key=b\/date=2026-12-03\/hour=22\/\d+-\d+-[0-9a-f]+-\d+\.jsonl\.gz$/);
  assert.match(names[1], /^results\/v1\/key=s%2F1\/date=2026-12-03\/hour=22\//);
  assert.match(names[2], /^results\/v1\/key=s%2F1\/date=2026-12-03\/hour=23\//);
  const object = await client.send(new GetObjectCommand({ Bucket: a.bucket, Key: names[1] }));
  const lines = gunzipSync(Buffer.from(await object.Body!.transformToByteArray())).toString().trimEnd().split("\n");
  assert.deepEqual(lines.map((l) => JSON.parse(l).id), ["s/1|128/8|127", "s/1|128/8|135"]);
  client.destroy();

  assert.deepEqual(ids(await a.history("s/1", -Infinity, Infinity, 100)), ["s/1|128/8|127", "s/1|128/8|135", "s/1|128/8|143", "s/1|128/8|151"]);
  assert.deepEqual(ids(await a.history("s/1", T0 + 1500, T0 + HOUR + 100, 100)), ["s/1|128/8|135", "s/1|128/8|143"]);
  assert.deepEqual(ids(await a.history("s/1", T0, T0 + 2 * HOUR, 1)), ["s/1|128/8|127"]);
  assert.deepEqual(await a.history("zz", -Infinity, Infinity, 10), []);
  // A result archived twice (repeated after a crash) comes back once.
  await a.append([windowResult("b", 127, T0 + 10)]);
  await a.flush();
  assert.deepEqual(ids(await a.history("b", -Infinity, Infinity, 10)), ["b|128/8|127"]);
  assert.deepEqual(await a.history("b", 0, T0 + 10, 10).then((r) => r[0]), windowResult("b", 127, T0 + 10));
});

test("retention: objects of hours older than the retention are swept", { timeout: 60_000 }, async () => {
  const a = archive({ retentionDays: 1 });
  const now = T0 + 3 * 86_400_000;
  await a.append([windowResult("k", 1, T0), windowResult("k", 2, now - HOUR)]);
  await a.flush();
  assert.equal(await a.sweep(now), 1);
  assert.deepEqual(ids(await a.history("k", -Infinity, Infinity, 10)), ["k|128/8|2"]);
});

test("S3 down: appends return at once, a failed flush keeps its results and is retried; a full queue waits a bounded time", { timeout: 90_000 }, async () => {
  const a = archive({ maxQueuedRecords: 3, appendWaitMs: 300 });
  await a.start();
  await s3!.stop();
  try {
    const started = Date.now();
    await a.append([windowResult("k", 1, T0), windowResult("k", 2, T0 + 1)]);
    assert.ok(Date.now() - started < 200, "queueing does not wait for S3");
    await a.flush();
    assert.equal(a.queued, 2, "a failed flush keeps its results");
    assert.ok(a.lastError);
    const full = Date.now();
    await a.append([windowResult("k", 3, T0 + 2), windowResult("k", 4, T0 + 3)]);
    assert.ok(Date.now() - full < 5000, "a full queue holds the caller for appendWaitMs, not until S3 is back");
    assert.equal(a.dropped, 1);
  } finally {
    await s3!.start();
  }
  await a.flush();
  assert.equal(a.queued, 0);
  assert.deepEqual(ids(await a.history("k", -Infinity, Infinity, 10)), ["k|128/8|2", "k|128/8|3", "k|128/8|4"]);
});

test("bad credentials: a clear error naming the bucket", { timeout: 30_000 }, async () => {
  const a = archive({ createBucket: false, credentials: { accessKeyId: "nobody", secretAccessKey: "wrong" } });
  await assert.rejects(a.start(), /archive s3:\/\/test-.*: .*not reachable or does not exist/);
});
