// Adapter: the kubelet's side of its Node object (kubelet_node_status.go): register (or, with
// --register-node=false, wait for an existing Node), post NodeStatus, renew the node Lease.
// The node agent machine decides when; this file does the API calls.
import type { Lease, Node } from '@skiff/api';
import { ApiStatusError, Resources, type ApiClient } from '@skiff/client';
import type { NodeCondition } from '@skiff/kubelet';
import { initialNode, nodeLease, nodeStatus, NODE_LEASE_NAMESPACE, microTime, type NodeFacts } from './node-object.js';

export class NodeNotFoundError extends Error {
  override readonly name = 'NodeNotFoundError';
}

const isCode = (e: unknown, code: number): boolean => e instanceof ApiStatusError && e.code === code;

export class NodeRegistration {
  private nodeUID: string | undefined;

  constructor(
    private readonly client: ApiClient,
    private readonly facts: NodeFacts,
    private readonly registerNode: boolean,
  ) {}

  get uid(): string | undefined {
    return this.nodeUID;
  }

  /** Creates the Node, or adopts the one that exists (a restarted kubelet). Rejects to be retried. */
  async register(): Promise<void> {
    const name = this.facts.nodeName;
    if (!this.registerNode) {
      const node = await this.client.get<Node>(Resources.nodes, name).catch((e: unknown) => {
        throw isCode(e, 404) ? new NodeNotFoundError(`node ${name} does not exist and --register-node=false`) : e;
      });
      this.nodeUID = node.metadata.uid;
      return;
    }
    try {
      const created = await this.client.create<Node>(Resources.nodes, initialNode(this.facts));
      this.nodeUID = created.metadata.uid;
    } catch (e) {
      if (!isCode(e, 409)) throw e;
      // Already registered (kubelet restart): keep the Node, as tryRegisterWithAPIServer does.
      const existing = await this.client.get<Node>(Resources.nodes, name);
      this.nodeUID = existing.metadata.uid;
    }
  }

  async postStatus(conditions: readonly NodeCondition[]): Promise<void> {
    await this.client.patchStatus(Resources.nodes, this.facts.nodeName, 'merge', { status: nodeStatus(this.facts, conditions) });
  }

  /** Renews the Lease, creating it the first time (or after someone deleted it). */
  async renewLease(nowMs: number): Promise<void> {
    const name = this.facts.nodeName;
    try {
      await this.client.patch<Lease>(Resources.leases, name, 'merge', { spec: { holderIdentity: name, renewTime: microTime(nowMs) } }, { namespace: NODE_LEASE_NAMESPACE });
    } catch (e) {
      if (!isCode(e, 404)) throw e;
      await this.client.create<Lease>(Resources.leases, nodeLease(name, this.nodeUID, nowMs), { namespace: NODE_LEASE_NAMESPACE });
    }
  }
}
