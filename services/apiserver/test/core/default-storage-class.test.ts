import type { KubeObject } from '@skiff/api';
import { describe, expect, it } from 'vitest';
import { defaultClassName } from '../../src/core/admission/default-storage-class.js';
import { defaultStorageClassObject } from '../../src/core/default-storage-class-object.js';

const sc = (name: string, isDefault: boolean, created: string): KubeObject =>
  ({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name, creationTimestamp: created, annotations: { 'storageclass.kubernetes.io/is-default-class': String(isDefault) } }, provisioner: 'p' }) as KubeObject;

describe('DefaultStorageClass admission', () => {
  it('picks the newest class annotated default, and none without one', () => {
    expect(defaultClassName([sc('a', false, '2026-01-01T00:00:00Z')])).toBeUndefined();
    expect(defaultClassName([sc('old', true, '2026-01-01T00:00:00Z'), sc('new', true, '2026-02-01T00:00:00Z'), sc('x', false, '2026-03-01T00:00:00Z')])).toBe('new');
  });

  it('bootstraps `standard` as the default class', () => {
    expect(defaultClassName([defaultStorageClassObject()])).toBe('standard');
  });
});
