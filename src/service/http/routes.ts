import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * A group of HTTP routes in a module of its own. The server offers each request to its
 * route groups in turn; `handle` answers it and returns true, or returns false to pass.
 */
export interface RouteGroup {
  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean | Promise<boolean>;
  /** Ends what the group holds open (long-lived responses) when the server closes. */
  close?(): void;
}
