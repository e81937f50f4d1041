import { describe, expect, it } from 'vitest';
import type { Pod } from '@skiff/api';
import { podDnsFiles, podDnsMounts, podHostsFile, podResolvConf } from '../src/pod-dns.js';

const cluster = { clusterDNS: ['127.53.0.10'], clusterDomain: 'cluster.local' };

function pod(spec: Partial<NonNullable<Pod['spec']>> = {}, name = 'web-0'): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop', uid: 'u1' }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } };
}

describe('pod DNS', () => {
  it('points ClusterFirst pods at the cluster DNS with the namespace search path and ndots 5', () => {
    expect(podResolvConf(pod(), cluster)).toBe('search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 127.53.0.10\noptions ndots:5\n');
  });

  it('keeps the host resolver for Default, for host-network pods, and when no cluster DNS runs', () => {
    expect(podResolvConf(pod({ dnsPolicy: 'Default' }), cluster)).toBeUndefined();
    expect(podResolvConf(pod({ hostNetwork: true }), cluster)).toBeUndefined();
    expect(podResolvConf(pod(), { clusterDNS: [], clusterDomain: 'cluster.local' })).toBeUndefined();
    expect(podResolvConf(pod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }), cluster)).toContain('nameserver 127.53.0.10');
  });

  it('merges dnsConfig, and uses it alone for dnsPolicy None (the docs example)', () => {
    const dnsConfig = { nameservers: ['192.0.2.1'], searches: ['ns1.svc.cluster-domain.example', 'my.dns.search.suffix'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] };
    expect(podResolvConf(pod({ dnsPolicy: 'None', dnsConfig }), cluster)).toBe('search ns1.svc.cluster-domain.example my.dns.search.suffix\nnameserver 192.0.2.1\noptions ndots:2 edns0\n');
    expect(podResolvConf(pod({ dnsConfig: { options: [{ name: 'ndots', value: '1' }] } }), cluster)).toMatch(/options ndots:1\n$/);
  });

  it('writes the managed hosts file with the pod FQDN for a subdomain and the host aliases', () => {
    const hosts = podHostsFile(pod({ hostname: 'web-0', subdomain: 'nginx', hostAliases: [{ ip: '127.0.0.1', hostnames: ['foo.local', 'bar.local'] }] }), '127.42.1.7', 'cluster.local');
    expect(hosts).toContain('127.42.1.7\tweb-0.nginx.shop.svc.cluster.local\tweb-0\n');
    expect(hosts).toContain('# Entries added by HostAliases.\n127.0.0.1\tfoo.local\tbar.local\n');
    expect(podHostsFile(pod(), '127.42.1.7', 'cluster.local')).toContain('127.42.1.7\tweb-0\n');
    expect(podHostsFile(pod({ hostNetwork: true }), '127.0.1.1', 'cluster.local')).toBeUndefined();
  });

  it('mounts the files over /etc/hosts and /etc/resolv.conf', () => {
    const setup = podDnsFiles(pod(), '/pods/u1', '127.42.1.7', cluster);
    expect(podDnsMounts(setup)).toEqual([
      { containerPath: '/etc/hosts', hostPath: '/pods/u1/etc/hosts', readonly: false },
      { containerPath: '/etc/resolv.conf', hostPath: '/pods/u1/etc/resolv.conf', readonly: false },
    ]);
    expect(podDnsMounts(podDnsFiles(pod({ hostNetwork: true }), '/pods/u1', '127.0.1.1', cluster))).toEqual([]);
  });
});
