import type { IncomingMessage, ServerResponse } from "node:http";
import { sendErrorAndClose } from "./respond.ts";

/**
 * The body as text, or undefined when it is larger than `limit` bytes: then 413 has been
 * sent and the connection is closing. A Content-Length over the limit is answered at once,
 * without reading a byte; a chunked body is cut off where it passes the limit.
 */
export function readBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<string | undefined> {
  const tooLarge = () => sendErrorAndClose(res, 413, `body larger than ${limit} bytes`);
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    tooLarge();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      req.off("data", onData);
      req.pause();
      tooLarge();
      resolve(undefined);
    };
    req.on("data", onData);
    req.on("end", () => resolve(size <= limit ? Buffer.concat(chunks).toString("utf8") : undefined));
    req.on("error", reject);
  });
}
