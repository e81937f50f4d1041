import { describe, expect, it } from 'vitest';
import {
  assertPattern,
  assertSubject,
  parseInspectSubject,
  SubjectError,
  subjectMatches,
  subjects,
} from '../src/subjects.js';

describe('subjects', () => {
  const s = subjects();

  it('builds every DESIGN.md §3 subject under skiff.local', () => {
    expect(s.storeRaft('m1')).toBe('skiff.local.store.raft.m1');
    expect(s.storeLeader).toBe('skiff.local.store.leader');
    expect(s.storeMember('m2')).toBe('skiff.local.store.member.m2');
    expect(s.storeEvents).toBe('skiff.local.store.events');
    expect(s.api('create')).toBe('skiff.local.api.create');
    expect(s.apiWatch).toBe('skiff.local.api.watch');
    expect(s.kubelet('node-1', 'logs')).toBe('skiff.local.kubelet.node-1.logs');
    expect(s.inspectEvents('scheduler', 'a1')).toBe('skiff.local.inspect.scheduler.a1.events');
    expect(s.inspectDescribe('scheduler', 'a1')).toBe('skiff.local.inspect.scheduler.a1.describe');
    expect(s.inspectDescribeAll).toBe('skiff.local.inspect.describe');
  });

  it('uses the cluster name as prefix', () => {
    expect(subjects('prod').storeLeader).toBe('skiff.prod.store.leader');
  });

  it('wildcards match the subjects they stand for and nothing else', () => {
    expect(subjectMatches(s.storeRaftAll, s.storeRaft('m3'))).toBe(true);
    expect(subjectMatches(s.storeRaftAll, s.storeLeader)).toBe(false);
    expect(subjectMatches(s.apiAll, s.api('get'))).toBe(true);
    expect(subjectMatches(s.apiAll, s.apiWatch)).toBe(true);
    expect(subjectMatches(s.kubeletAll('n1'), s.kubelet('n1', 'exec'))).toBe(true);
    expect(subjectMatches(s.kubeletAll('n1'), s.kubelet('n2', 'exec'))).toBe(false);
    expect(subjectMatches(s.inspectEventsAll, s.inspectEvents('store', 'm1'))).toBe(true);
    expect(subjectMatches(s.inspectEventsAll, s.inspectDescribe('store', 'm1'))).toBe(false);
    expect(subjectMatches(s.all, s.inspectDescribeAll)).toBe(true);
    expect(subjectMatches(subjects('other').all, s.storeLeader)).toBe(false);
  });

  it.each(['', 'a.b', 'a b', '*', '>', 'x*', 'tab\t'])('rejects the name %j with SubjectError', (bad) => {
    expect(() => s.storeRaft(bad)).toThrow(SubjectError);
    expect(() => subjects(bad)).toThrow(SubjectError);
    expect(() => s.inspectEvents('svc', bad)).toThrow(/instance name/);
  });

  it('parses inspect subjects back', () => {
    expect(parseInspectSubject(s.inspectEvents('kubelet', 'n1'))).toEqual({
      cluster: 'local',
      service: 'kubelet',
      instance: 'n1',
      kind: 'events',
    });
    expect(parseInspectSubject(s.storeLeader)).toBeUndefined();
  });
});

describe('subject matching and validation', () => {
  it.each([
    ['a.*.c', 'a.b.c', true],
    ['a.*.c', 'a.b.d', false],
    ['a.*', 'a.b.c', false],
    ['a.>', 'a.b.c', true],
    ['a.>', 'a', false],
    ['>', 'a', true],
    ['a.b', 'a.b', true],
    ['a.b', 'a.b.c', false],
    ['a.b.c', 'a.b', false],
  ])('%s matches %s: %s', (pattern, subject, expected) => {
    expect(subjectMatches(pattern, subject)).toBe(expected);
  });

  it('validates subjects and patterns', () => {
    expect(() => assertSubject('a.*')).toThrow(SubjectError);
    expect(() => assertSubject('a..b')).toThrow(SubjectError);
    expect(() => assertPattern('a.>.b')).toThrow(SubjectError);
    expect(assertPattern('a.*.>')).toBe('a.*.>');
    expect(assertSubject('_INBOX.abc.1')).toBe('_INBOX.abc.1');
  });
});
