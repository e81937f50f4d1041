// k8s.io/api/networking/v1 generated.proto: Ingress (what `kubectl create ingress` sends).
import type { MessageTable } from '../schema.js';

export const networkingV1 = {
  'networking.Ingress': {
    1: ['metadata', 'msg:meta.ObjectMeta'],
    2: ['spec', 'msg:networking.IngressSpec'],
    3: ['status', 'msg:networking.IngressStatus'],
  },
  'networking.IngressSpec': {
    4: ['ingressClassName', 'string', 'keepZero'],
    1: ['defaultBackend', 'msg:networking.IngressBackend'],
    2: ['tls', 'msg:networking.IngressTLS', 'repeated'],
    3: ['rules', 'msg:networking.IngressRule', 'repeated'],
  },
  'networking.IngressBackend': {
    4: ['service', 'msg:networking.IngressServiceBackend'],
    3: ['resource', 'msg:core.TypedLocalObjectReference'],
  },
  'networking.IngressServiceBackend': {
    1: ['name', 'string', 'keepZero'],
    2: ['port', 'msg:networking.ServiceBackendPort'],
  },
  'networking.ServiceBackendPort': {
    1: ['name', 'string'],
    2: ['number', 'int32'],
  },
  'networking.IngressTLS': {
    1: ['hosts', 'string', 'repeated'],
    2: ['secretName', 'string'],
  },
  // IngressRuleValue is embedded `json:",inline"`: its http field sits beside host.
  'networking.IngressRule': {
    1: ['host', 'string'],
    2: ['', 'inline:networking.IngressRuleValue'],
  },
  'networking.IngressRuleValue': { 1: ['http', 'msg:networking.HTTPIngressRuleValue'] },
  'networking.HTTPIngressRuleValue': { 1: ['paths', 'msg:networking.HTTPIngressPath', 'repeated'] },
  'networking.HTTPIngressPath': {
    1: ['path', 'string'],
    3: ['pathType', 'string', 'keepZero'],
    2: ['backend', 'msg:networking.IngressBackend'],
  },
  'networking.IngressStatus': { 1: ['loadBalancer', 'msg:networking.IngressLoadBalancerStatus'] },
  'networking.IngressLoadBalancerStatus': { 1: ['ingress', 'msg:networking.IngressLoadBalancerIngress', 'repeated'] },
  'networking.IngressLoadBalancerIngress': {
    1: ['ip', 'string'],
    2: ['hostname', 'string'],
    4: ['ports', 'msg:core.PortStatus', 'repeated'],
  },
} as const satisfies MessageTable;
