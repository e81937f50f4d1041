// Go's fmt verbs, as far as Kubernetes' messages use them: %q for strings and %v for JSON values.
// Error texts are part of the API (kubectl prints them), so they are rendered the way the Go API
// server renders them.

/** Go's strconv.Quote: a double-quoted string with Go escapes. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Go's %v of a value decoded from JSON (map[k:v], [a b], <nil>). Map keys print sorted, as Go does. */
export function goValue(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map((item) => goValue(item)).join(' ')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    return `map[${keys.map((key) => `${key}:${goValue(record[key])}`).join(' ')}]`;
  }
  return String(value);
}
