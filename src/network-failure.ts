// Tells "we could not reach the service" apart from "the service refused us", in one wording for doctor and start-up.

/** What each transport error code means for an operator, after "cannot reach <host>: <CODE> — ". */
const HINTS: Readonly<Record<string, string>> = {
  ENOTFOUND: "a firewall or DNS problem",
  EAI_AGAIN: "a firewall or DNS problem",
  ECONNREFUSED: "nothing is listening there: a wrong URL, or a firewall or proxy refusing the connection",
  ECONNRESET: "the connection was cut: a firewall or proxy in the way",
  EHOSTUNREACH: "no route to the host: a network or firewall problem",
  ENETUNREACH: "no network: check the machine's connection",
  ETIMEDOUT: "the connection timed out: a firewall or proxy in the way",
  UND_ERR_CONNECT_TIMEOUT: "the connection timed out: a firewall or proxy in the way",
  UND_ERR_SOCKET: "the connection was cut: a firewall or proxy in the way",
  CERT_HAS_EXPIRED: "a TLS certificate problem (a proxy intercepting HTTPS?)",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "a TLS certificate problem (a proxy intercepting HTTPS? set NODE_EXTRA_CA_CERTS)",
  SELF_SIGNED_CERT_IN_CHAIN: "a TLS certificate problem (a proxy intercepting HTTPS? set NODE_EXTRA_CA_CERTS)",
  DEPTH_ZERO_SELF_SIGNED_CERT: "a TLS certificate problem (a self-signed certificate)",
};

/** The transport error code (ENOTFOUND, ECONNREFUSED, …) anywhere in the error's cause chain, if there is one. */
export function networkErrorCode(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (typeof current !== "object" || current === null || seen.has(current)) continue;
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && code in HINTS) return code;
    // undici and AggregateError (happy eyeballs) nest the socket error; @slack/web-api keeps it as `original`.
    queue.push((current as { cause?: unknown }).cause, (current as { original?: unknown }).original);
    if (current instanceof AggregateError) queue.push(...current.errors);
  }
  return undefined;
}

/** "cannot reach discord.com: ENOTFOUND — a firewall or DNS problem", or undefined when the error is not a network one. */
export function describeNetworkFailure(error: unknown, url: string): string | undefined {
  const code = networkErrorCode(error);
  if (code === undefined) return undefined;
  return `cannot reach ${hostOf(url)}: ${code} — ${HINTS[code]}`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
