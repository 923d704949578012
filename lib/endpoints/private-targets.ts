/** Which private addresses deliveries may reach: none (false), all (true, development only) or a list of hosts. */
export type PrivateTargets = boolean | readonly string[];

/** Whether a host name or bare IP (no brackets) is exempt from the private-address rules. */
export function privateTargetAllowed(allowed: PrivateTargets, host: string): boolean {
  if (typeof allowed === "boolean") return allowed;
  return allowed.includes(host.toLowerCase().replace(/^\[|\]$/g, ""));
}
