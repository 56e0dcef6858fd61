import assert from "node:assert/strict";
import { test } from "node:test";
import { createClient } from "redis";
import { useServers } from "./helpers/servers.ts";

// The scripts themselves: a server comes up on a free loopback port (never 6379), a restart
// keeps its port and data, and a stop leaves no process behind.
test("redis.sh: free port, restart keeps port and data, stop ends the process", { timeout: 60_000 }, async () => {
  const { redis } = await useServers("redis");
  const url = redis!.address;
  assert.match(url, /^redis:\/\/127\.0\.0\.1:\d+$/);
  assert.notEqual(new URL(url).port, "6379");
  const client = createClient({ url });
  client.on("error", () => undefined);
  await client.connect();
  await client.set("stack-test", "kept");
  await client.close();

  const pid = redis!.pid()!;
  await redis!.stop();
  assert.throws(() => process.kill(pid, 0), "the server process is gone after stop");
  await redis!.start();
  assert.equal(redis!.address, url);
  const again = createClient({ url });
  again.on("error", () => undefined);
  await again.connect();
  assert.equal(await again.get("stack-test"), "kept");
  await again.close();
});
