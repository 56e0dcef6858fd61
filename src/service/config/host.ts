import { isIP } from "node:net";

/**
 * Whether `host` can be bound: an IPv4 or IPv6 address, or a host name (RFC 1123 labels).
 * A name whose last label is all digits is a mistyped IPv4 address (`999.1.1.1`), not a name.
 */
export function hostRule(host: string): string | undefined {
  if (isIP(host) !== 0) return undefined;
  const labels = host.replace(/\.$/, "").split(".");
  const label = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
  if (host.length <= 253 && labels.every((l) => label.test(l)) && !/^\d+$/.test(labels[labels.length - 1])) return undefined;
  return "must be an IP address (127.0.0.1, 0.0.0.0, ::) or a host name";
}

/** Whether listening on `host` reaches only this machine. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\./.test(host);
}
