// NodePorts and the simple filters (NodeName, NodeUnschedulable).
import { describe, expect, it } from 'vitest';
import { NodeInfo, fitsPorts, podInfoOf, type Pod } from '../src/index.js';
import { node, pod, schedule, scheduledNode } from './fixtures.js';

const withHostPort = (name: string, hostPort: number, hostIP?: string, protocol?: string, nodeName?: string): Pod =>
  pod(name, {
    ...(nodeName === undefined ? {} : { nodeName }),
    containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort, ...(hostIP === undefined ? {} : { hostIP }), ...(protocol === undefined ? {} : { protocol }) }] }],
  });

describe('NodePorts', () => {
  const nodeWith = (...pods: Pod[]): NodeInfo => {
    const ni = new NodeInfo(node('n'));
    for (const p of pods) ni.addPod(podInfoOf(p));
    return ni;
  };

  it('refuses the same protocol and port on the wildcard address', () => {
    expect(fitsPorts(podInfoOf(withHostPort('b', 8080)), nodeWith(withHostPort('a', 8080)))).toBe(false);
    expect(fitsPorts(podInfoOf(withHostPort('b', 8081)), nodeWith(withHostPort('a', 8080)))).toBe(true);
    expect(fitsPorts(podInfoOf(withHostPort('b', 8080, undefined, 'UDP')), nodeWith(withHostPort('a', 8080)))).toBe(true);
  });

  it('lets two specific addresses share a port, but not with 0.0.0.0', () => {
    const taken = nodeWith(withHostPort('a', 53, '10.0.0.1'));
    expect(fitsPorts(podInfoOf(withHostPort('b', 53, '10.0.0.2')), taken)).toBe(true);
    expect(fitsPorts(podInfoOf(withHostPort('b', 53, '10.0.0.1')), taken)).toBe(false);
    expect(fitsPorts(podInfoOf(withHostPort('b', 53)), taken)).toBe(false);
  });

  it('frees the port when the pod leaves', () => {
    const ni = nodeWith(withHostPort('a', 8080));
    ni.removePod(podInfoOf(withHostPort('a', 8080)).key);
    expect(fitsPorts(podInfoOf(withHostPort('b', 8080)), ni)).toBe(true);
  });

  it('sends a second hostPort pod to another node, and explains when there is none', () => {
    const nodes = [node('n1'), node('n2')];
    const first = withHostPort('first', 8080, undefined, undefined, 'n1');
    expect(scheduledNode(schedule(withHostPort('second', 8080), { nodes, pods: [first] }))).toBe('n2');
    const result = schedule(withHostPort('third', 8080), { nodes: [node('n1')], pods: [first] });
    expect(result.type === 'unschedulable' && result.message).toBe(
      "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
    );
  });
});

describe('NodeName and NodeUnschedulable', () => {
  it('a pod naming its node goes there only', () => {
    const nodes = [node('a'), node('b')];
    expect(scheduledNode(schedule(pod('p', { nodeName: 'b' }), { nodes }))).toBe('b');
  });

  it('a cordoned node takes only pods tolerating node.kubernetes.io/unschedulable', () => {
    const nodes = [node('cordoned', { unschedulable: true })];
    const result = schedule(pod('p'), { nodes });
    expect(result.type === 'unschedulable' && result.message.startsWith('0/1 nodes are available: 1 node(s) were unschedulable.')).toBe(true);
    const tolerant = pod('t', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] });
    expect(scheduledNode(schedule(tolerant, { nodes }))).toBe('cordoned');
  });
});
