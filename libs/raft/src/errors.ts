// Typed errors. A bad message from the network is never thrown from `step`: it is ignored (and the
// adapter rejects malformed bytes earlier with RaftMessageError). RaftInvariantError means a bug.

export class RaftMessageError extends Error {
  override readonly name = 'RaftMessageError';
  constructor(readonly reason: string) {
    super(`invalid raft message: ${reason}`);
  }
}

export class RaftConfigError extends Error {
  override readonly name = 'RaftConfigError';
  constructor(readonly reason: string) {
    super(`invalid raft configuration: ${reason}`);
  }
}

export class RaftInvariantError extends Error {
  override readonly name = 'RaftInvariantError';
  constructor(readonly reason: string) {
    super(`raft invariant violated: ${reason}`);
  }
}
