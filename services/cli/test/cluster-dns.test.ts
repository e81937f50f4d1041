import { describe, expect, it } from 'vitest';
import { clusterDnsAddress, clusterDnsIP } from '../src/cluster-dns.js';

describe('cluster DNS address', () => {
  it('is a loopback address in 127.53.0.0/16 of its own per cluster name', () => {
    const ips = ['local', 'demo', 'ci', 'e2e-1', 'e2e-2'].map(clusterDnsIP);
    for (const ip of ips) expect(ip).toMatch(/^127\.53\.\d{1,3}\.([1-9]\d?|1\d\d|2[0-4]\d|25[0-4])$/);
    expect(new Set(ips).size).toBe(ips.length);
    expect(clusterDnsIP('demo')).toBe(clusterDnsIP('demo'));
  });

  it('is served only by root (port 53)', () => {
    expect(clusterDnsAddress('demo', 0)).toBe(clusterDnsIP('demo'));
    expect(clusterDnsAddress('demo', 1000)).toBeUndefined();
  });
});
