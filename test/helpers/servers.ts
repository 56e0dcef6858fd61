import { after } from "node:test";
import { startLocalStack, type LocalStack, type ServerName } from "../../scripts/stack/servers.ts";

export { localS3Credentials, type LocalServer } from "../../scripts/stack/servers.ts";

/**
 * Starts the real servers a test file needs (once per file) and stops them in the file's
 * `after` hook. A server that cannot start fails the test file with the script's message.
 */
export async function useServers(...names: ServerName[]): Promise<LocalStack> {
  const stack = await startLocalStack(names);
  after(() => stack.stop());
  return stack;
}
