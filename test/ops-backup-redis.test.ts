/**
 * Backup and restore of a Redis store and the Kafka consumer group's offsets, against a real
 * broker and redis-server: the archive round-trips every partition's state with its offset,
 * the recent results and the group's offsets; a tampered, truncated or wrongly keyed archive,
 * a group with members and an existing state without --force are each refused with one line
 * and nothing changed; a restore fences an instance that held a partition before it; and
 * after a restore, a pipeline resumes from the restored offsets with the output of a run
 * that never stopped. A Redis store fed by a file (one state partition, no group) does the
 * same from the restored byte offset.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { Admin } from "@platformatic/kafka";
import { KafkaGroupMember } from "../src/adapters/kafka/group-member.ts";
import { KafkaGroupOffsets } from "../src/adapters/kafka/group-offsets.ts";
import type { KafkaSettings } from "../src/adapters/kafka/settings.ts";
import { RedisStateStore } from "../src/adapters/redis/redis-store.ts";
import { StaleEpochError, type OutputRecord, type PartitionState } from "../src/adapters/types.ts";
import { checkConfig } from "../src/service/config/config.ts";
import { startPipeline } from "../src/service/pipeline.ts";
import { createLogger } from "../src/service/runtime/logger.ts";
import { PipelineMetrics } from "../src/service/runtime/metrics.ts";
import { assertOneLineFailure, type CliResult } from "./helpers/cli.ts";
import { root } from "./helpers/deploy.ts";
import { createTopic, produce, testKafkaSettings } from "./helpers/kafka.ts";
import { circleEvents, embeddedResults, SCALE_OUT_STREAM, waitFor, windowsById } from "./helpers/scale-out.ts";
import { useServers } from "./helpers/servers.ts";

const stack = await useServers("kafka", "redis");
const brokers = stack.kafka!.address;
const redisUrl = stack.redis!.address;
const KEY = "3c".repeat(32);
const OTHER_KEY = "c3".repeat(32);
let serial = 0;

/** `streaming-tda ARGS` with the backup key in the environment. */
function withKey(args: string[], key = KEY): CliResult {
  const env = { ...process.env, DEBUG: "", STREAMING_TDA_BACKUP_KEY: key };
  const r = spawnSync(join(root, "node_modules/.bin/node"), [join(root, "bin/streaming-tda.js"), ...args], { encoding: "utf8", cwd: root, env, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The YAML config (JSON is YAML) of a pipeline on the test topic with a Redis store under `prefix`. */
function pipelineConfig(settings: KafkaSettings, prefix: string, sinkPath: string): Record<string, unknown> {
  const { topic: _topic, ...kafka } = settings;
  return {
    source: { type: "kafka", topic: settings.topic },
    sink: { type: "file", path: sinkPath },
    store: { path: redisUrl, checkpointIntervalMs: 300 },
    redis: { prefix },
    kafka,
    http: { enabled: false },
    runner: { workers: 0 },
    stream: SCALE_OUT_STREAM,
  };
}

function writeConfig(dir: string, name: string, config: Record<string, unknown>): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(config, null, 2) + "\n");
  return path;
}

/**
 * Runs the pipeline until every partition's checkpoint in Redis covers the topic to its end,
 * then stops it (it leaves the group, so the group is Empty).
 */
async function runToEnd(config: Record<string, unknown>, settings: KafkaSettings, prefix: string): Promise<void> {
  const { config: checked, problems } = checkConfig(config);
  assert.deepEqual(problems, []);
  const pipeline = await startPipeline(checked!, { logger: createLogger({ level: "silent" }), metrics: new PipelineMetrics({ defaultMetrics: false }) });
  const store = new RedisStateStore({ url: redisUrl, prefix });
  const group = new KafkaGroupOffsets(settings);
  try {
    const ends = await group.bounds();
    await waitFor(
      "checkpoints at the end of every partition",
      async () => {
        for (const [p, { latest }] of ends) {
          const state = await store.readPartition(`kafka:${settings.topic}:${p}`);
          const position = state?.checkpoint.position as Record<string, string> | undefined;
          if (latest > 0n && position?.[String(p)] !== String(latest)) return false;
        }
        return true;
      },
      120_000,
    );
  } finally {
    await pipeline.stop();
    await waitFor("the group empty", async () => (await group.groupState()) === "Empty").finally(() => Promise.all([store.close(), group.close()]));
  }
}

/** Everything a restore could change: each partition's whole state and epoch, and the group's offsets. */
async function snapshot(store: RedisStateStore, group: KafkaGroupOffsets): Promise<{ partitions: Array<PartitionState | undefined>; offsets: Map<number, bigint> }> {
  const names = await store.statePartitions();
  return { partitions: await Promise.all(names.map((n) => store.readPartition(n))), offsets: await group.committed() };
}

function windowIds(file: string): string[] {
  return [...windowsById(readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as OutputRecord)).keys()];
}

test("Redis and Kafka offsets: backup, refusals that change nothing, restore with fencing, and a resumed run equal to one that never stopped", { timeout: 600_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "ops-backup-redis-"));
  const settings = testKafkaSettings(brokers);
  await createTopic(brokers, settings.topic, 3);
  const prefix = `backup-${process.pid}-${++serial}`;
  const events = circleEvents(6, 120, 3);
  const reference = windowsById(await embeddedResults(events));
  const cut1 = 6 * 50;
  const cut2 = 6 * 85;

  // Part 1, then a backup.
  await produce(brokers, settings.topic, events.slice(0, cut1));
  await runToEnd(pipelineConfig(settings, prefix, join(dir, "part1.out")), settings, prefix);
  const config = writeConfig(dir, "pipeline.yaml", pipelineConfig(settings, prefix, join(dir, "unused.out")));
  const archive = join(dir, "state.tdab");
  const backup = withKey(["backup", "--config", config, "--out", archive]);
  assert.equal(backup.code, 0, backup.stderr);
  assert.match(backup.stdout, /state\.tdab: \d+ bytes; store redis:\/\/127\.0\.0\.1:\d+ prefix backup-[\d-]+ \(3 partitions, 6 keys\), \d+ recent results, group group-[^ ]+ offsets \{"0":"\d+","1":"\d+","2":"\d+"\}, config /);
  const store = new RedisStateStore({ url: redisUrl, prefix });
  const group = new KafkaGroupOffsets(settings);
  after(() => Promise.all([store.close(), group.close()]));
  const backedUp = await snapshot(store, group);
  assert.equal(backedUp.partitions.length, 3);
  const backedUpResults = new Map<string, OutputRecord>();
  for (const { key } of await store.keys()) {
    for (const r of await store.history(key, -Infinity, Infinity, 10_000)) backedUpResults.set((r as { id: string }).id, r);
  }

  const verify = withKey(["restore", archive, "--verify"]);
  assert.equal(verify.code, 0, verify.stderr);
  assert.match(verify.stdout, /ok: archive of .* \(format 1\): 6 entries verified, 3 partitions, 6 keys, \d+ recent results, group group-/);

  // Part 2 is processed, then lost: the state moves on past the backup.
  await produce(brokers, settings.topic, events.slice(cut1, cut2));
  await runToEnd(pipelineConfig(settings, prefix, join(dir, "lost.out")), settings, prefix);
  const live = await snapshot(store, group);
  assert.notDeepEqual(live.offsets, backedUp.offsets, "the group moved on after the backup");

  // Refusals: one line each, a non-zero exit, and nothing in Redis or the group changed.
  const bytes = readFileSync(archive);
  const damaged = join(dir, "damaged.tdab");
  const flipped = Buffer.from(bytes);
  flipped[bytes.length - 60] ^= 0x80;
  writeFileSync(damaged, flipped);
  const truncated = join(dir, "truncated.tdab");
  writeFileSync(truncated, bytes.subarray(0, bytes.length - 1000));
  assertOneLineFailure(withKey(["restore", damaged, "--config", config, "--force"]), /damaged\.tdab: damaged or tampered with: authentication failed/);
  assertOneLineFailure(withKey(["restore", truncated, "--config", config, "--force"]), /truncated\.tdab: truncated: \d+ bytes of \d+/);
  assertOneLineFailure(withKey(["restore", archive, "--config", config, "--force"], OTHER_KEY), /state\.tdab: wrong key/);
  assertOneLineFailure(withKey(["restore", archive, "--config", config]), /holds state of 3 of the archive's partitions \(kafka:events-[^,]+:0, .*\): stop every instance, then give --force/);
  assertOneLineFailure(withKey(["restore", archive, "--store", join(dir, "state.db")]), /holds a Redis store's state; give --store redis:\/\/HOST:PORT/);
  const member = new KafkaGroupMember(settings);
  await member.join();
  try {
    assertOneLineFailure(withKey(["restore", archive, "--config", config, "--force"]), /consumer group group-\S+ is \w+, with members: stop every instance/);
  } finally {
    await member.close();
  }
  await waitFor("the group empty again", async () => (await group.groupState()) === "Empty");
  assert.deepEqual(await snapshot(store, group), live, "a refused restore changed Redis or the group");

  // An instance that still holds a partition from before the restore.
  const stale = await store.claim(`kafka:${settings.topic}:0`);
  const restore = withKey(["restore", archive, "--config", config, "--force"]);
  assert.equal(restore.code, 0, restore.stderr);
  assert.match(restore.stdout, /restored redis:\/\/127\.0\.0\.1:\d+ prefix backup-[\d-]+ and group group-\S+'s offsets \{"0":"\d+","1":"\d+","2":"\d+"\}: archive of /);
  const restored = await snapshot(store, group);
  assert.deepEqual(restored.offsets, backedUp.offsets, "the group's committed offsets are the backup's");
  for (const [i, state] of restored.partitions.entries()) {
    assert.deepEqual(state?.checkpoint, backedUp.partitions[i]?.checkpoint, `partition ${state?.partition}: the backup's state`);
    const before = live.partitions[i]!.epoch + (i === 0 ? 1 : 0);
    assert.equal(state?.epoch, before + 1, `partition ${state?.partition}: the epoch is raised, never set back`);
  }
  await assert.rejects(stale.save(backedUp.partitions[0]!.checkpoint), StaleEpochError, "the instance from before the restore is fenced");
  for (const [id, record] of backedUpResults) {
    const { key, end } = record as { key: string; end: number };
    const found = await store.history(key, end, end, 100);
    assert.ok(found.some((r) => (r as { id: string }).id === id), `result ${id} is in Redis`);
  }

  // The same archive into an empty Redis prefix (Redis lost): the same state.
  const emptyPrefix = `${prefix}-new`;
  const emptyConfig = writeConfig(dir, "empty.yaml", pipelineConfig(settings, emptyPrefix, join(dir, "unused.out")));
  const intoEmpty = withKey(["restore", archive, "--config", emptyConfig, "--config-out", join(dir, "restored.yaml")]);
  assert.equal(intoEmpty.code, 0, intoEmpty.stderr);
  assert.equal(readFileSync(join(dir, "restored.yaml"), "utf8"), readFileSync(config, "utf8"));
  const fresh = new RedisStateStore({ url: redisUrl, prefix: emptyPrefix });
  after(() => fresh.close());
  const copied = await snapshot(fresh, group);
  assert.deepEqual(copied.partitions.map((p) => p?.checkpoint), backedUp.partitions.map((p) => p?.checkpoint));
  assert.deepEqual(copied.partitions.map((p) => p?.epoch), [1, 1, 1]);
  assert.equal((await fresh.keys()).length, 6);

  // The rest of the input: the pipeline resumes at the backup's offsets.
  await produce(brokers, settings.topic, events.slice(cut2));
  await runToEnd(pipelineConfig(settings, prefix, join(dir, "part2.out")), settings, prefix);
  const resumed = windowsById(
    ["part1.out", "part2.out"].flatMap((f) => readFileSync(join(dir, f), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as OutputRecord)),
  );
  assert.ok(reference.size > 150, `reference results: ${reference.size}`);
  assert.deepEqual([...resumed].sort(), [...reference].sort(), "part 1 and the resumed part 2 give the results of a run that never stopped");
  const part2 = new Set(windowIds(join(dir, "part2.out")));
  const lost = windowIds(join(dir, "lost.out"));
  assert.ok(lost.length > 30 && lost.every((id) => part2.has(id)), "the input processed after the backup is processed again");
  assert.ok(windowIds(join(dir, "part1.out")).every((id) => !part2.has(id)), "input before the backup is not processed again");

  // Refused, and nothing changed: a config that reads another topic, and offsets whose records retention deleted.
  const settled = await snapshot(store, group);
  const other = testKafkaSettings(brokers);
  await createTopic(brokers, other.topic, 3);
  const otherConfig = writeConfig(dir, "other.yaml", pipelineConfig({ ...other, groupId: settings.groupId }, prefix, join(dir, "unused.out")));
  assertOneLineFailure(withKey(["restore", archive, "--config", otherConfig, "--force"]), /the archive holds state partition kafka:events-\S+:0, which a pipeline reading topic events-\S+ does not use/);
  const admin = new Admin({ clientId: "test-admin", bootstrapBrokers: [brokers] });
  try {
    await admin.deleteRecords({ topics: [{ name: settings.topic, partitions: [{ partition: 0, offset: BigInt(backedUp.offsets.get(0)!) + 1n }] }] });
  } finally {
    await admin.close();
  }
  assertOneLineFailure(withKey(["restore", archive, "--config", config, "--force"]), /offset \d+ of partition 0 is gone from topic events-\S+ \(its records start at \d+\): restoring would skip records/);
  assert.deepEqual(await snapshot(store, group), settled, "a refused restore changed Redis or the group");
});

test("a restore writes nothing when an instance claimed a partition after the check", { timeout: 60_000 }, async () => {
  const store = new RedisStateStore({ url: redisUrl, prefix: `replace-${process.pid}-${++serial}` });
  after(() => store.close());
  const checkpoint = (offset: number) => ({ position: { "0": String(offset) }, shardCount: 1, keys: new Map([["k", { n: offset }]]), evicted: new Map([["old", { n: -offset }]]), shards: [], counts: {}, takenAt: offset });
  const lease = await store.claim("p0");
  await lease.save({ ...checkpoint(10), evicted: new Map([["gone", { n: 1 }]]) });
  const before = await store.readPartition("p0");
  const epochs = await store.epochs(["p0", "p1"]);
  assert.deepEqual([...epochs], [["p0", 1], ["p1", 0]]);
  await store.claim("p1");
  await assert.rejects(
    store.replacePartitions([
      { partition: "p0", epoch: epochs.get("p0")!, checkpoint: checkpoint(5) },
      { partition: "p1", epoch: epochs.get("p1")!, checkpoint: checkpoint(6) },
    ]),
    (err: unknown) => err instanceof StaleEpochError && err.partition === "p1" && err.current === 1,
  );
  assert.deepEqual(await store.readPartition("p0"), before, "p0 untouched");
  assert.equal(await store.readPartition("p1"), undefined, "p1 untouched");
  // With the epochs as they are, both are replaced whole: the evicted states too.
  await store.replacePartitions([
    { partition: "p0", epoch: 1, checkpoint: checkpoint(5) },
    { partition: "p1", epoch: 1, checkpoint: checkpoint(6) },
  ]);
  assert.deepEqual(await store.readPartition("p0"), { partition: "p0", epoch: 2, checkpoint: checkpoint(5) });
  assert.deepEqual(await store.statePartitions(), ["p0", "p1"]);
  await assert.rejects(lease.save(checkpoint(11)), StaleEpochError);
});

test("a Redis backup refuses a prefix with no checkpoint, and names a Redis or Kafka it cannot reach", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "ops-backup-redis-"));
  const out = join(dir, "x.tdab");
  assertOneLineFailure(withKey(["backup", "--store", redisUrl, "--out", out]), /prefix streaming-tda: holds no checkpoint, so there is nothing to back up/);
  assertOneLineFailure(withKey(["backup", "--store", "redis://127.0.0.1:1", "--out", out]), /redis:\/\/127\.0\.0\.1:1 prefix streaming-tda: connect ECONNREFUSED/);
  const settings = testKafkaSettings("127.0.0.1:1", { retries: 1, retryDelayMs: 50 });
  const config = writeConfig(dir, "down.yaml", pipelineConfig(settings, "down", join(dir, "unused.out")));
  assertOneLineFailure(withKey(["restore", out, "--config", config]), /x\.tdab: cannot read: ENOENT/);
  assertOneLineFailure(withKey(["backup", "--config", config, "--out", out]), /Kafka 127\.0\.0\.1:1 group group-\S+: .*failed/);
});

test("a Redis store fed by a file: backup, restore over the state that moved on, and a resumed run equal to one that never stopped", { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "ops-backup-redis-file-"));
  const prefix = `file-${process.pid}-${++serial}`;
  const events = circleEvents(4, 100, 5);
  const reference = windowsById(await embeddedResults(events));
  const input = join(dir, "events.jsonl");
  const lines = (from: number, to: number) => events.slice(from, to).map((e) => `${e.value.toString()}\n`).join("");
  const fileConfig = (sink: string): Record<string, unknown> => ({
    source: { type: "file", path: input },
    sink: { type: "file", path: join(dir, sink) },
    store: { path: redisUrl, checkpointIntervalMs: 300 },
    redis: { prefix },
    http: { enabled: false },
    runner: { workers: 0 },
    stream: SCALE_OUT_STREAM,
  });
  const runOnce = async (sink: string) => {
    const { config, problems } = checkConfig(fileConfig(sink));
    assert.deepEqual(problems, []);
    const pipeline = await startPipeline(config!, { logger: createLogger({ level: "silent" }), metrics: new PipelineMetrics({ defaultMetrics: false }) });
    await pipeline.done;
  };

  writeFileSync(input, lines(0, 160));
  await runOnce("part1.out");
  const config = writeConfig(dir, "pipeline.yaml", fileConfig("unused.out"));
  const archive = join(dir, "state.tdab");
  const backup = withKey(["backup", "--config", config, "--out", archive]);
  assert.equal(backup.code, 0, backup.stderr);
  assert.match(backup.stdout, /\(1 partitions?, 4 keys\)/);
  assert.doesNotMatch(backup.stdout, /group/, "a file source has no consumer group to archive");

  // More input is processed after the backup, then lost.
  writeFileSync(input, lines(0, 280));
  await runOnce("lost.out");
  const restore = withKey(["restore", archive, "--config", config, "--force"]);
  assert.equal(restore.code, 0, restore.stderr);

  // The rest of the input: the run resumes at the backup's byte offset.
  writeFileSync(input, lines(0, events.length));
  await runOnce("part2.out");
  const outputs = (...files: string[]) =>
    windowsById(files.flatMap((f) => readFileSync(join(dir, f), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as OutputRecord)));
  assert.ok(reference.size > 60, `reference results: ${reference.size}`);
  assert.deepEqual([...outputs("part1.out", "part2.out")].sort(), [...reference].sort(), "part 1 and the resumed part 2 give the results of a run that never stopped");
  const part2 = new Set(windowIds(join(dir, "part2.out")));
  const lost = windowIds(join(dir, "lost.out"));
  assert.ok(lost.length > 10 && lost.every((id) => part2.has(id)), "what was processed after the backup is processed again");
});
