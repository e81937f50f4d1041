// `--store-members` parsing and the store table of `skiff status` (pure).
import { describe, expect, it } from 'vitest';
import { OptionError } from '../src/errors.js';
import { foregroundUpArgs, parseStoreMembers } from '../src/options.js';
import { storeMemberNames } from '../src/store.component.js';
import { storeRows, storeSummary, type StoreMemberHealth } from '../src/status-view.js';

const member = (name: string, role: string, leader: string | null): StoreMemberHealth => ({
  member: name,
  role,
  term: 2,
  leader,
  commitIndex: 10,
  appliedIndex: 9,
  revision: 5,
  keys: 3,
});

describe('--store-members', () => {
  it('takes an odd quorum of 1, 3 or 5', () => {
    expect([parseStoreMembers('1'), parseStoreMembers('3'), parseStoreMembers('5')]).toEqual([1, 3, 5]);
    for (const bad of ['0', '2', '4', '7', 'three', '-3', '3.0']) expect(() => parseStoreMembers(bad)).toThrow(OptionError);
  });

  it('is handed to a detached child, and names the members', () => {
    expect(foregroundUpArgs({ cluster: 'c', nodes: 1, dataDir: '/d', natsUrls: undefined, natsPort: undefined, storeMembers: 5 })).toContain('--store-members');
    expect(storeMemberNames(3)).toEqual(['store-1', 'store-2', 'store-3']);
  });
});

describe('store status', () => {
  it('shows each member, and an ok verdict when a quorum follows one leader', () => {
    const members = [member('store-1', 'leader', 'store-1'), member('store-2', 'follower', 'store-1'), { member: 'store-3', error: 'timed out' }];
    expect(storeRows(members)).toEqual([
      ['store-1', 'leader', '2', 'store-1', '10', '9', '5', '3'],
      ['store-2', 'follower', '2', 'store-1', '10', '9', '5', '3'],
      ['store-3', 'no answer (timed out)', '-', '-', '-', '-', '-', '-'],
    ]);
    expect(storeSummary(members)).toBe('store: ok, leader store-1, 2/3 members follow it');
  });

  it('says when there is no leader or no quorum behind it', () => {
    expect(storeSummary([member('store-1', 'candidate', null), member('store-2', 'follower', null), member('store-3', 'follower', null)])).toMatch(/^store: no leader/);
    expect(storeSummary([member('store-1', 'leader', 'store-1'), { member: 'store-2', error: 'x' }, { member: 'store-3', error: 'x' }])).toMatch(/^store: no quorum/);
  });
});
