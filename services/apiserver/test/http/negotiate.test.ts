// Accept headers as kubectl and client-go send them.

import { describe, expect, it } from 'vitest';
import { bodyMediaType, discoveryFormat, objectFormat } from '../../src/http/negotiate.js';

describe('negotiation', () => {
  it('picks aggregated discovery only when asked for', () => {
    expect(discoveryFormat('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json')).toBe('v2');
    expect(discoveryFormat('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json')).toBe('v2beta1');
    expect(discoveryFormat('application/json, */*')).toBe('legacy');
    expect(discoveryFormat(undefined)).toBe('legacy');
  });

  it('picks the first representation it can produce', () => {
    expect(objectFormat('application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json')).toEqual({ type: 'table', version: 'v1' });
    expect(objectFormat('application/json;as=Table;v=v1beta1;g=meta.k8s.io')).toEqual({ type: 'table', version: 'v1beta1' });
    expect(objectFormat('application/vnd.kubernetes.protobuf,application/json')).toEqual({ type: 'object' });
    expect(objectFormat('application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io,application/json')).toEqual({ type: 'object' });
    expect(objectFormat('application/json;as=Table;v=v9;g=meta.k8s.io,application/json')).toEqual({ type: 'object' });
    expect(objectFormat('application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io')).toEqual({ type: 'partial', version: 'v1' });
    expect(objectFormat(undefined)).toEqual({ type: 'object' });
  });

  it('strips parameters from body media types', () => {
    expect(bodyMediaType('application/json; charset=utf-8')).toBe('application/json');
    expect(bodyMediaType('Application/Apply-Patch+YAML')).toBe('application/apply-patch+yaml');
    expect(bodyMediaType(undefined)).toBeUndefined();
  });
});
