import { describe, expect, it } from 'vitest';
import { openApiV2FromV3, openApiV3Document, resources } from '@skiff/api';
import { encodeOpenApiV2Document } from '../src/openapi-v2.js';
import type { JsonObject, JsonValue } from '../src/schema.js';
import { WireReader, WireType } from '../src/wire-reader.js';

// An independent reader of gnostic's openapi_v2 messages back into Swagger JSON, with the field
// numbers spelled out by hand from OpenAPIv2.proto. Any{yaml=2} is parsed as JSON, which is what the
// encoder writes (and valid YAML for kube-openapi's yaml.Unmarshal).

function each(r: WireReader, bytes: Uint8Array, on: (field: number, wireType: number, r: WireReader) => void): void {
  let guard = 0;
  while (!r.atEnd()) {
    if (guard++ > 1_000_000) throw new Error('runaway message');
    const tag = r.readTag();
    on(tag.fieldNumber, tag.wireType, r);
  }
  void bytes;
}

function double(r: WireReader, bytes: Uint8Array): number {
  const at = r.offset;
  r.skip({ fieldNumber: 1, wireType: WireType.Fixed64, offset: at });
  return new DataView(bytes.buffer, bytes.byteOffset).getFloat64(at, true);
}

function anyValue(r: WireReader, bytes: Uint8Array): JsonValue {
  let yaml = '';
  each(r, bytes, (f, _w, m) => (f === 2 ? (yaml = m.readString()) : m.skip({ fieldNumber: f, wireType: _w as 2, offset: m.offset })));
  return JSON.parse(yaml) as JsonValue;
}

function named(r: WireReader, bytes: Uint8Array, value: (r: WireReader) => JsonValue): [string, JsonValue] {
  let name = '';
  let v: JsonValue = null;
  each(r, bytes, (f, _w, m) => {
    if (f === 1) name = m.readString();
    else if (f === 2) v = value(m.readMessage());
  });
  return [name, v];
}

const schemaStrings: Record<number, string> = { 1: '$ref', 2: 'format', 3: 'title', 4: 'description', 13: 'pattern', 26: 'discriminator' };
const schemaDoubles: Record<number, string> = { 6: 'multipleOf', 7: 'maximum', 9: 'minimum' };
const schemaInts: Record<number, string> = { 11: 'maxLength', 12: 'minLength', 14: 'maxItems', 15: 'minItems', 17: 'maxProperties', 18: 'minProperties' };
const schemaBools: Record<number, string> = { 8: 'exclusiveMaximum', 10: 'exclusiveMinimum', 16: 'uniqueItems', 27: 'readOnly' };

function schema(bytes: Uint8Array): (r: WireReader) => JsonObject {
  const decode = (r: WireReader): JsonObject => {
    const out: JsonObject = {};
    const types: string[] = [];
    each(r, bytes, (f, w, m) => {
      if (schemaStrings[f] !== undefined) out[schemaStrings[f]] = m.readString();
      else if (schemaDoubles[f] !== undefined) out[schemaDoubles[f]] = double(m, bytes);
      else if (schemaInts[f] !== undefined) out[schemaInts[f]] = m.readInt64();
      else if (schemaBools[f] !== undefined) out[schemaBools[f]] = m.readBool();
      else if (f === 5) out.default = anyValue(m.readMessage(), bytes);
      else if (f === 30) out.example = anyValue(m.readMessage(), bytes);
      else if (f === 19) out.required = [...((out.required as string[] | undefined) ?? []), m.readString()];
      else if (f === 20) out.enum = [...((out.enum as JsonValue[] | undefined) ?? []), anyValue(m.readMessage(), bytes)];
      else if (f === 22) each(m.readMessage(), bytes, (tf, _tw, t) => tf === 1 && types.push(t.readString()));
      else if (f === 23) {
        const items: JsonObject[] = [];
        each(m.readMessage(), bytes, (itf, _iw, it) => itf === 1 && items.push(decode(it.readMessage())));
        out.items = items.length === 1 ? items[0]! : items;
      } else if (f === 24) out.allOf = [...((out.allOf as JsonObject[] | undefined) ?? []), decode(m.readMessage())];
      else if (f === 25) out.properties = Object.fromEntries(namedList(m.readMessage(), bytes, decode));
      else if (f === 21) {
        each(m.readMessage(), bytes, (af, _aw, a) => {
          if (af === 1) out.additionalProperties = decode(a.readMessage());
          else if (af === 2) out.additionalProperties = a.readBool();
        });
      } else if (f === 31) {
        const [k, v] = named(m.readMessage(), bytes, (a) => anyValue(a, bytes));
        out[k] = v;
      } else m.skip({ fieldNumber: f, wireType: w as 0, offset: m.offset });
    });
    if (types.length > 0) out.type = types.length === 1 ? types[0]! : types;
    return out;
  };
  return decode;
}

function namedList(r: WireReader, bytes: Uint8Array, value: (r: WireReader) => JsonValue): [string, JsonValue][] {
  const out: [string, JsonValue][] = [];
  each(r, bytes, (f, _w, m) => f === 1 && out.push(named(m.readMessage(), bytes, value)));
  return out;
}

const decodeDocument = (bytes: Uint8Array): JsonObject => {
  const out: JsonObject = {};
  each(new WireReader(bytes), bytes, (f, w, m) => {
    if (f === 1) out.swagger = m.readString();
    else if (f === 2) {
      const info: JsonObject = {};
      each(m.readMessage(), bytes, (inf, _iw, i) => ((info[inf === 1 ? 'title' : inf === 2 ? 'version' : 'description'] = i.readString()), undefined));
      out.info = info;
    } else if (f === 8) out.paths = Object.fromEntries(namedList(m.readMessage(), bytes, () => ({})));
    else if (f === 9) out.definitions = Object.fromEntries(namedList(m.readMessage(), bytes, schema(bytes)));
    else m.skip({ fieldNumber: f, wireType: w as 0, offset: m.offset });
  });
  return out;
};

describe('gnostic openapi_v2.Document encoding', () => {
  it('round-trips every Schema field a Kubernetes document uses', () => {
    const doc: JsonObject = {
      swagger: '2.0',
      info: { title: 'Kubernetes', version: 'v1.32.4' },
      paths: {},
      definitions: {
        'io.k8s.api.core.v1.ConfigMap': {
          description: 'ConfigMap holds configuration data for pods to consume.',
          type: 'object',
          required: ['a', 'b'],
          properties: {
            data: { type: 'object', additionalProperties: { type: 'string', default: '' } },
            metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', default: {}, description: 'Standard metadata.' },
            items: { type: 'array', items: { type: 'integer', format: 'int32', minimum: -3, maximum: 2.5 }, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name', maxItems: 7, uniqueItems: true },
            phase: { type: 'string', enum: ['Pending', 'Running'], pattern: '^[a-z]+$', minLength: 0, maxLength: 63 },
            free: { additionalProperties: false, readOnly: true, 'x-kubernetes-preserve-unknown-fields': true },
          },
          'x-kubernetes-group-version-kind': [{ group: '', kind: 'ConfigMap', version: 'v1' }],
        },
        'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': { type: 'object', properties: { name: { type: 'string' } } },
      },
    };
    const decoded = decodeDocument(encodeOpenApiV2Document(doc));
    // proto3 drops zero scalars (minLength: 0), as Go's marshaller does.
    const expected = structuredClone(doc) as { definitions: Record<string, { properties: Record<string, Record<string, unknown>> }> };
    delete expected.definitions['io.k8s.api.core.v1.ConfigMap']!.properties.phase!.minLength;
    expect(decoded).toEqual(expected);
  });

  it('round-trips the whole document built from the registry, with group-version-kind extensions intact', () => {
    const groupVersions = [...new Set(resources.map((r) => `${r.group}/${r.version}`))].map((gv) => gv.split('/') as [string, string]);
    const v2 = openApiV2FromV3(groupVersions.map(([g, v]) => openApiV3Document(g, v)), { title: 'Kubernetes', version: 'v1.32.4' }) as JsonObject;
    const bytes = encodeOpenApiV2Document(v2);
    const decoded = decodeDocument(bytes);
    expect(decoded).toEqual(JSON.parse(JSON.stringify(v2)));
    const configMap = (decoded.definitions as Record<string, JsonObject>)['io.k8s.api.core.v1.ConfigMap'];
    expect(configMap?.['x-kubernetes-group-version-kind']).toEqual([{ group: '', kind: 'ConfigMap', version: 'v1' }]);
  });

  it('writes a negative int64 as ten-byte two\'s complement', () => {
    const bytes = encodeOpenApiV2Document({ definitions: { X: { minLength: -1 } } });
    expect(bytes.length).toBeGreaterThan(10);
    const decoded = decodeDocument(bytes);
    expect((decoded.definitions as Record<string, JsonObject>).X).toEqual({ minLength: -1 });
  });
});
