import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderKubeconfig } from '../../src/kubeconfig.js';

describe('renderKubeconfig', () => {
  it('names cluster, user and context after the Skiff cluster and embeds the CA and token', () => {
    const doc = parse(renderKubeconfig({ cluster: 'dev', server: 'https://127.0.0.1:7443', caCertPem: '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n', token: 'tok' }));
    expect(doc['current-context']).toBe('skiff-dev');
    expect(doc.contexts[0]).toEqual({ name: 'skiff-dev', context: { cluster: 'skiff-dev', user: 'skiff-dev-admin', namespace: 'default' } });
    expect(doc.clusters[0].cluster.server).toBe('https://127.0.0.1:7443');
    expect(Buffer.from(doc.clusters[0].cluster['certificate-authority-data'], 'base64').toString()).toContain('BEGIN CERTIFICATE');
    expect(doc.users[0]).toEqual({ name: 'skiff-dev-admin', user: { token: 'tok' } });
  });

  it('leaves the CA and credentials out over plain HTTP', () => {
    const doc = parse(renderKubeconfig({ cluster: 'dev', server: 'http://127.0.0.1:8080' }));
    expect(doc.clusters[0].cluster).toEqual({ server: 'http://127.0.0.1:8080' });
    expect(doc.users[0].user).toEqual({});
  });
});
