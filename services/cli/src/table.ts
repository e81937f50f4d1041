// Terminal text: kubectl-style tables, ages and the summary box. Pure string functions.

/** Columns padded to their widest cell, separated by three spaces as `kubectl get` does. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    headers
      .map((_, i) => (i === headers.length - 1 ? (cells[i] ?? '') : (cells[i] ?? '').padEnd(widths[i]!)))
      .join('   ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** Kubernetes-style age: `45s`, `3m12s`, `2h5m`, `3d4h`. Negative input counts as zero. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1_000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
}

/** A box around lines; `title` goes into the top border. Widths count UTF-16 units (ASCII content). */
export function renderBox(lines: readonly string[], title?: string): string {
  const head = title === undefined ? '' : ` ${title} `;
  // Inner width: one space either side of the widest line, and room for the title after one dash.
  const inner = Math.max(head.length + 2, ...lines.map((l) => l.length + 2));
  const top = `╭─${head}${'─'.repeat(inner - 1 - head.length)}╮`;
  const body = lines.map((l) => `│ ${l.padEnd(inner - 2)} │`);
  const bottom = `╰${'─'.repeat(inner)}╯`;
  return [top, ...body, bottom].join('\n');
}

/** A value that is a nested state (`{ running: 'idle' }`) as `running.idle`; parallel regions joined by `, `. */
export function formatStateValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return String(value);
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '';
  return entries
    .map(([key, inner]) => {
      const rest = formatStateValue(inner);
      return rest === '' ? key : rest.includes(', ') ? `${key}.(${rest})` : `${key}.${rest}`;
    })
    .join(', ');
}
