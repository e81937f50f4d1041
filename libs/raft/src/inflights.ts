// The leader's window of AppendEntries in flight to one follower (etcd's tracker/inflights.go):
// the last index of each unacknowledged message, oldest first. Pipelining stops when it is full,
// which bounds the memory and the bytes a slow follower can take from the leader.

import { emptySlice, sliceAt, sliceDropFront, sliceLength, slicePush, type Slice } from './slice.js';

export interface Inflights {
  readonly lastIndexes: Slice<number>;
  readonly capacity: number;
}

export function emptyInflights(capacity: number): Inflights {
  return { lastIndexes: emptySlice(), capacity };
}

export function inflightCount(inflights: Inflights): number {
  return sliceLength(inflights.lastIndexes);
}

export function inflightsFull(inflights: Inflights): boolean {
  return inflightCount(inflights) >= inflights.capacity;
}

export function addInflight(inflights: Inflights, lastIndex: number): Inflights {
  return { ...inflights, lastIndexes: slicePush(inflights.lastIndexes, [lastIndex]) };
}

/** Frees every message whose last index is acknowledged (<= index). */
export function freeInflightsTo(inflights: Inflights, index: number): Inflights {
  let count = 0;
  const total = inflightCount(inflights);
  while (count < total && sliceAt(inflights.lastIndexes, count)! <= index) count++;
  return count === 0 ? inflights : { ...inflights, lastIndexes: sliceDropFront(inflights.lastIndexes, count) };
}

/** Frees the oldest message: a heartbeat answer proves the follower alive, so let one more through. */
export function freeFirstInflight(inflights: Inflights): Inflights {
  return inflightCount(inflights) === 0 ? inflights : { ...inflights, lastIndexes: sliceDropFront(inflights.lastIndexes, 1) };
}
