// Pure: the health endpoints' answers, in kube-apiserver's format (k8s.io/apiserver/pkg/server/healthz):
// `ok` when every check passes; with `?verbose` (or on failure) one `[+]name ok` / `[-]name failed:
// reason withheld` line per check and a closing `<endpoint> check passed|failed`. `?exclude=<name>`
// leaves a check out.

export interface HealthCheck {
  readonly name: string;
  readonly ok: boolean;
}

export interface HealthAnswer {
  readonly code: 200 | 500;
  readonly text: string;
}

export function renderHealth(endpoint: string, checks: readonly HealthCheck[], query: URLSearchParams): HealthAnswer {
  const excluded = new Set(query.getAll('exclude'));
  const considered = checks.filter((c) => !excluded.has(c.name));
  const ok = considered.every((c) => c.ok);
  if (ok && !query.has('verbose')) return { code: 200, text: 'ok' };
  const lines = considered.map((c) => (c.ok ? `[+]${c.name} ok` : `[-]${c.name} failed: reason withheld`));
  for (const name of excluded) lines.push(`[+]${name} excluded: ok`);
  lines.push(`${endpoint} check ${ok ? 'passed' : 'failed'}`);
  return { code: ok ? 200 : 500, text: `${lines.join('\n')}\n` };
}
