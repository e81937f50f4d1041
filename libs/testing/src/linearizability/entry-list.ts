// The history as one doubly linked list of call and return entries in time order, with O(1) lift and
// unlift of an operation (Knuth's dancing links), the structure WGL walks (Wing & Gong 1993; Lowe 2017).

import { returnTimeOf, type Defined, type Operation } from './history.js';

export const HEAD = 0;
export const NIL = -1;

export class EntryList {
  /** Operation index of each node (node 0 is the head sentinel). */
  readonly op: Int32Array;
  readonly isCall: Uint8Array;
  /** For a call node, the node of its return. */
  readonly returnOf: Int32Array;
  readonly next: Int32Array;
  readonly prev: Int32Array;

  constructor(operations: readonly Operation<unknown, Defined>[]) {
    const nodes = 2 * operations.length + 1;
    this.op = new Int32Array(nodes).fill(NIL);
    this.isCall = new Uint8Array(nodes);
    this.returnOf = new Int32Array(nodes).fill(NIL);
    this.next = new Int32Array(nodes).fill(NIL);
    this.prev = new Int32Array(nodes).fill(NIL);
    const callNode = new Int32Array(operations.length);
    sortedEntries(operations).forEach((entry, i) => {
      const node = i + 1;
      this.op[node] = entry.op;
      this.isCall[node] = entry.isCall ? 1 : 0;
      this.prev[node] = node - 1;
      this.next[node - 1] = node;
      if (entry.isCall) callNode[entry.op] = node;
      else this.returnOf[callNode[entry.op]!] = node;
    });
  }

  /** Removes a call and its return: the operation is linearized. */
  lift(call: number): void {
    this.unlink(call);
    this.unlink(this.returnOf[call]!);
  }

  /** Undoes the latest lift of `call` (lifts are undone in reverse order). */
  unlift(call: number): void {
    this.relink(this.returnOf[call]!);
    this.relink(call);
  }

  private unlink(node: number): void {
    const prev = this.prev[node]!;
    const next = this.next[node]!;
    this.next[prev] = next;
    if (next !== NIL) this.prev[next] = prev;
  }

  private relink(node: number): void {
    const prev = this.prev[node]!;
    const next = this.next[node]!;
    this.next[prev] = node;
    if (next !== NIL) this.prev[next] = node;
  }
}

interface Entry {
  readonly time: number;
  readonly isCall: boolean;
  readonly op: number;
}

/** Time order; at equal times calls first, so that touching intervals count as concurrent. */
function sortedEntries(operations: readonly Operation<unknown, Defined>[]): Entry[] {
  const entries: Entry[] = [];
  operations.forEach((operation, op) => {
    entries.push({ time: operation.callTime, isCall: true, op });
    entries.push({ time: returnTimeOf(operation), isCall: false, op });
  });
  return entries.sort((a, b) => {
    if (a.time !== b.time) return a.time < b.time ? -1 : 1;
    if (a.isCall !== b.isCall) return a.isCall ? -1 : 1;
    return a.op - b.op;
  });
}
