// Message descriptors. Each message maps a protobuf field number to [jsonName, kind, mode]; the
// numbers come from Kubernetes' generated.proto files (k8s.io/api/<group>/<version>/generated.proto and
// k8s.io/apimachinery/.../generated.proto), the JSON names from the Go structs' json tags.
//
// Kinds:
//   string | int32 | int64 | bool          proto2 scalars
//   bytes                                  []byte, served as base64 (Go's encoding/json)
//   time                                   metav1.Time {seconds=1, nanos=2} -> RFC 3339 (whole seconds)
//   intOrString                            intstr.IntOrString {type=1, intVal=2, strVal=3} -> number | string
//   quantity                               resource.Quantity {string=1} -> string
//   fieldsV1                               metav1.FieldsV1 {Raw=1} -> the JSON object it holds
//   stringList                             a `[]string` masked as a message {items=1} (ExtraValue) -> array
//   msg:<Name>                             an embedded message -> a JSON object
//   inline:<Name>                          a Go embedded struct (`json:",inline"`): its fields join the parent
//   map:<value kind>                       map<string, V> (entries {key=1, value=2}) -> a JSON object
// Modes:
//   (none)     Go `omitempty` on a non-pointer: a zero value ("" / 0 / false) is dropped. Go's gogo
//              marshaller writes every non-pointer field, so zeros arrive on the wire and must go.
//   keepZero   a Go pointer (written only when set) or a field without omitempty: kept even when zero.
//   repeated   a list; proto2 writes nothing for an empty one.

export type ScalarKind = 'string' | 'int32' | 'int64' | 'bool' | 'bytes';
export type WellKnownKind = 'time' | 'intOrString' | 'quantity' | 'fieldsV1' | 'stringList';
export type ValueKind = ScalarKind | WellKnownKind | `msg:${string}`;
export type FieldKind = ValueKind | `inline:${string}` | `map:${ValueKind}`;
export type FieldMode = 'repeated' | 'keepZero';

export type FieldSpec = readonly [jsonName: string, kind: FieldKind, mode?: FieldMode];
export type MessageSpec = Readonly<Record<number, FieldSpec>>;
export type MessageTable = Readonly<Record<string, MessageSpec>>;

export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}
