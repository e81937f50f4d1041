// Kubeconfig files for the admin user (kubeadm's admin.conf shape): one cluster with the server URL
// and the CA embedded, one user with the admin bearer token, one context `skiff-<cluster>` made
// current. Written 0600, atomically: it holds a credential.

import { stringify } from 'yaml';
import { writeAtomic } from './tls/pki.js';

export interface KubeconfigFacts {
  /** Skiff's cluster name: the context is `skiff-<cluster>`. */
  readonly cluster: string;
  /** `https://127.0.0.1:6443` */
  readonly server: string;
  /** PEM of the CA that signed the serving certificate; absent over plain HTTP. */
  readonly caCertPem?: string;
  /** Bearer token; absent over plain HTTP (kubectl sends no credentials there). */
  readonly token?: string;
  readonly namespace?: string;
}

export function contextName(cluster: string): string {
  return `skiff-${cluster}`;
}

export function renderKubeconfig(f: KubeconfigFacts): string {
  const name = contextName(f.cluster);
  const user = `${name}-admin`;
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name,
        cluster: {
          server: f.server,
          ...(f.caCertPem === undefined ? {} : { 'certificate-authority-data': Buffer.from(f.caCertPem, 'utf8').toString('base64') }),
        },
      },
    ],
    users: [{ name: user, user: f.token === undefined ? {} : { token: f.token } }],
    contexts: [{ name, context: { cluster: name, user, namespace: f.namespace ?? 'default' } }],
    'current-context': name,
    preferences: {},
  };
  return stringify(config, { lineWidth: 0 });
}

export function writeKubeconfig(path: string, facts: KubeconfigFacts): void {
  writeAtomic(path, renderKubeconfig(facts), 0o600);
}
