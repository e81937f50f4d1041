// The bearer token of the local cluster's kubelet APIs (their --auth-token-file): one random
// token per cluster, kept as <data-dir>/kubelet/kubelet.token (0600) so `curl -H "Authorization:
// Bearer $(cat ...)"` reaches any node's HTTPS API, and reused when the cluster comes up again.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface KubeletToken {
  readonly token: string;
  readonly path: string;
}

export function ensureKubeletToken(dataDir: string): KubeletToken {
  const dir = join(dataDir, 'kubelet');
  const path = join(dir, 'kubelet.token');
  try {
    const kept = readFileSync(path, 'utf8').trim();
    if (kept !== '') return { token: kept, path };
  } catch {
    // none yet
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('base64url');
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return { token, path };
}
