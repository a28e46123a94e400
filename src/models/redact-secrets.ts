/**
 * @module models/redact-secrets
 * Provider messages quoted in samples, manifests and errors: an API key a server echoes back ("Incorrect API key
 * provided: sk-…") never reaches a file or the terminal.
 */

const secretPatterns: RegExp[] = [
  /\b(sk|rk|pk)-[A-Za-z0-9_-]{8,}/g,
  /\b(Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /\b(api[_-]?key|token|secret)(["']?\s*[:=]\s*["']?)[A-Za-z0-9._~+/-]{12,}/gi,
];

/** Replaces the given key values and anything shaped like an API key with `[redacted]`. */
export function redactSecrets(text: string, keys: readonly string[] = []): string {
  let redacted = text;
  for (const key of keys) if (key.length >= 4) redacted = redacted.split(key).join('[redacted]');
  redacted = redacted.replace(secretPatterns[0]!, '$1-[redacted]');
  redacted = redacted.replace(secretPatterns[1]!, '$1 [redacted]');
  redacted = redacted.replace(secretPatterns[2]!, '$1$2[redacted]');
  return redacted;
}
