import { optionText, parseOrHelp, readInteger, readNumber, UsageError, type CommandSpec } from "../../service/cli/args.ts";
import { readNamedFile } from "../read-file.ts";
import { formatCheck } from "../preflight/preflight.ts";
import { validateDeployment } from "../validate/validate-deployment.ts";

const TOKEN_ENV = "STREAMING_TDA_AUTH_TOKEN";

export const spec: CommandSpec = {
  name: "validate-deployment",
  summary: "post-deployment checks: health, ready, metrics, then test events seen processed",
  usage: "URL [options]",
  maxPositionals: 1,
  options: [
    { name: "events", value: "N", help: "test events to send under a key of their own (100)" },
    { name: "timeout", value: "SECONDS", help: "for the whole validation (30)" },
    { name: "token-file", value: "FILE", help: `bearer token for POST /events (else ${TOKEN_ENV}, if set)` },
  ],
  notes: [
    "Checks GET /health, /ready and /metrics, POSTs the test events to /events (the service needs an HTTP source), waits until streaming_tda_events_processed_total has counted them, and looks the key up in /api/keys. One line per step; exits 1 on the first failure.",
  ],
};

export async function run(argv: string[]): Promise<number> {
  const args = parseOrHelp(argv, spec);
  if (args === null) return 0;
  const [url] = args.positionals;
  if (url === undefined) throw new UsageError("validate-deployment: give the service's URL, like http://streaming-tda:8080");
  if (!/^https?:\/\/[^/]+/.test(url)) throw new UsageError(`validate-deployment: ${url} is not an http:// or https:// URL`);
  const tokenFile = optionText(args, spec, "token-file");
  let token = process.env[TOKEN_ENV] || undefined;
  if (tokenFile !== undefined) {
    token = readNamedFile(tokenFile, "token file").toString("utf8").trim();
  }
  const ok = await validateDeployment({
    url,
    events: readInteger(args, spec, "events", 100, 1, 100_000),
    timeoutMs: (readNumber(args, spec, "timeout", 1) ?? 30) * 1000,
    token,
    report: (r) => process.stdout.write(formatCheck(r) + "\n"),
  });
  process.stdout.write(ok ? `validate-deployment: ${url} is serving\n` : `validate-deployment: ${url} failed\n`);
  return ok ? 0 : 1;
}
