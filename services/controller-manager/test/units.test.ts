import { describe, expect, it } from 'vitest';
import { ALL_CONTROLLERS, enabledControllers } from '../src/controller-manager.js';
import { CidrError, nextFreeNodeCidr, nodeCidrCount, nodeCidrIndex, parseClusterCidr } from '../src/node-ipam.js';

describe('enabledControllers', () => {
  it('is every controller by default and for *', () => {
    expect(enabledControllers(undefined)).toEqual([...ALL_CONTROLLERS]);
    expect(enabledControllers(['*'])).toEqual([...ALL_CONTROLLERS]);
  });
  it('takes names, and -name leaves one out of *', () => {
    expect(enabledControllers(['deployment', 'replicaset'])).toEqual(['replicaset', 'deployment']);
    expect(enabledControllers(['*', '-garbagecollector'])).toEqual(ALL_CONTROLLERS.filter((c) => c !== 'garbagecollector'));
    expect(enabledControllers(['nosuch'])).toEqual([]);
  });
});

describe('node IPAM', () => {
  const c = parseClusterCidr('127.128.0.0/9', 24);
  it('cuts /24s from the cluster CIDR, lowest free first', () => {
    expect(nodeCidrCount(c)).toBe(32_768);
    expect(nextFreeNodeCidr(c, new Set())).toBe('127.128.0.0/24');
    expect(nextFreeNodeCidr(c, new Set(['127.128.0.0/24', '127.128.2.0/24']))).toBe('127.128.1.0/24');
    expect(nodeCidrIndex(c, '127.255.255.0/24')).toBe(32_767);
    expect(nodeCidrIndex(c, '127.96.0.0/24')).toBeUndefined();
    expect(nodeCidrIndex(c, '127.128.0.0/25')).toBeUndefined();
  });
  it('says when the range is full', () => {
    const small = parseClusterCidr('127.200.0.0/23', 24);
    expect(nextFreeNodeCidr(small, new Set(['127.200.0.0/24', '127.200.1.0/24']))).toBeUndefined();
  });
  it('rejects bad ranges', () => {
    for (const bad of ['127.0.0.0', '127.0.0/8', '300.0.0.0/8', '127.0.0.0/33']) expect(() => parseClusterCidr(bad)).toThrow(CidrError);
    expect(() => parseClusterCidr('127.128.0.0/9', 8)).toThrow(CidrError);
  });
});
