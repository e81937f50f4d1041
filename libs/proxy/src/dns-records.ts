// Cluster DNS records from Services (Kubernetes DNS-Based Service Discovery specification, v1.1.0
// §2.3.1 and §2.4.1): `<service>.<ns>.svc.<zone>` has an A record to the ClusterIP, or, for a
// headless service, one per ready endpoint address. Pure.
// Only A records are built (no SRV, PTR or pod records); ExternalName services (a CNAME in the
// spec) have no record here.

import type { Service } from '@skiff/api';
import { desiredHeadlessAddresses, type EndpointsSource } from './desired-listeners.js';
import { DnsClass, DnsRcode, DnsType, type DnsAnswer, type DnsQuestion } from './dns-message.js';

export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

/** Fully qualified name (lower case, no trailing dot) -> IPv4 addresses, sorted. */
export type DnsRecords = ReadonlyMap<string, readonly string[]>;

export function serviceDnsRecords(services: readonly Service[], endpoints: readonly EndpointsSource[], clusterDomain = DEFAULT_CLUSTER_DOMAIN): DnsRecords {
  const records = new Map<string, string[]>();
  const headless = desiredHeadlessAddresses(services, endpoints);
  for (const service of services) {
    const name = service.metadata.name;
    const namespace = service.metadata.namespace ?? 'default';
    const spec = service.spec;
    if (name === undefined || spec === undefined || spec.type === 'ExternalName') continue;
    const fqdn = `${name}.${namespace}.svc.${clusterDomain}`.toLowerCase();
    const ips = spec.clusterIP === 'None' ? (headless.get(`${namespace}/${name}`) ?? []) : ipv4ClusterIPs(spec.clusterIP, spec.clusterIPs);
    if (ips.length > 0) records.set(fqdn, [...new Set(ips)].sort());
  }
  return records;
}

function ipv4ClusterIPs(clusterIP: string | undefined, clusterIPs: readonly string[] | undefined): string[] {
  const ips = clusterIPs !== undefined && clusterIPs.length > 0 ? clusterIPs : clusterIP === undefined ? [] : [clusterIP];
  return ips.filter((ip) => /^\d{1,3}(\.\d{1,3}){3}$/.test(ip));
}

/** CoreDNS's kubernetes plugin answers with a 5 s TTL by default. */
export const DEFAULT_DNS_TTL_SECONDS = 5;

/**
 * The answer to one question: A records for a known name; NODATA (no error, no record) for other
 * types of a known name; NXDOMAIN for an unknown name of the zone; REFUSED outside the zone (this
 * responder does not recurse).
 */
export function answerDnsQuestion(question: DnsQuestion, records: DnsRecords, clusterDomain = DEFAULT_CLUSTER_DOMAIN, ttlSeconds = DEFAULT_DNS_TTL_SECONDS): DnsAnswer {
  const zone = clusterDomain.toLowerCase();
  const inZone = question.name === zone || question.name.endsWith(`.${zone}`);
  if (!inZone) return { rcode: DnsRcode.Refused, addresses: [], ttlSeconds, authoritative: false };
  if (question.class !== DnsClass.IN) return { rcode: DnsRcode.NotImp, addresses: [], ttlSeconds, authoritative: false };
  const addresses = records.get(question.name);
  if (addresses === undefined) return { rcode: DnsRcode.NXDomain, addresses: [], ttlSeconds, authoritative: true };
  const wantsA = question.type === DnsType.A || question.type === DnsType.ANY;
  return { rcode: DnsRcode.NoError, addresses: wantsA ? addresses : [], ttlSeconds, authoritative: true };
}
