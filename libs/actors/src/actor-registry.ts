// The running machine actors of one service, as the inspector sees them: what `describe` answers.
// Entries are keyed by XState's sessionId (unique within a process; actor ids of invoked children
// repeat across parents) and hold the live actor reference, so the state reported is the current
// one, not the last one published.

import type { AnyActorRef, AnyStateMachine, StateValue } from 'xstate';

/** One actor as `describe` reports it. */
export interface ActorDescription {
  /** The systemId when the actor has one, else its actor id. */
  readonly id: string;
  readonly sessionId: string;
  readonly parentSessionId?: string;
  readonly machineId: string;
  readonly state: StateValue | null;
  readonly status: string;
  /** The machine's chart (`machine.toJSON()` made JSON-safe); only on request. */
  readonly definition?: unknown;
}

interface Entry {
  readonly ref: AnyActorRef;
  readonly machine: AnyStateMachine;
  readonly parentSessionId: string | undefined;
}

export class ActorRegistry {
  private readonly entries = new Map<string, Entry>();
  // A definition never changes, and many actors share one machine: serialise each machine once.
  private readonly definitions = new WeakMap<AnyStateMachine, unknown>();

  /** Records a machine actor; other actor kinds (promises, callbacks) are ignored: false. */
  add(ref: AnyActorRef): boolean {
    const machine = machineOf(ref);
    if (machine === undefined) return false;
    const parent = (ref as { _parent?: AnyActorRef })._parent;
    this.entries.set(ref.sessionId, { ref, machine, parentSessionId: parent?.sessionId });
    return true;
  }

  has(sessionId: string): boolean {
    return this.entries.has(sessionId);
  }

  remove(sessionId: string): void {
    this.entries.delete(sessionId);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The public id of a registered actor (systemId, else id); undefined when unknown. */
  idOf(sessionId: string): string | undefined {
    const entry = this.entries.get(sessionId);
    return entry === undefined ? undefined : publicId(entry.ref);
  }

  machineIdOf(sessionId: string): string | undefined {
    return this.entries.get(sessionId)?.machine.id;
  }

  describe(withDefinitions: boolean): ActorDescription[] {
    const out: ActorDescription[] = [];
    for (const [sessionId, entry] of this.entries) {
      const description = this.describeOne(sessionId, entry, withDefinitions);
      // A child whose transition threw ends without a last snapshot event: drop it when seen.
      if (description.status === 'active') out.push(description);
      else this.entries.delete(sessionId);
    }
    return out;
  }

  private describeOne(sessionId: string, entry: Entry, withDefinitions: boolean): ActorDescription {
    const snapshot = entry.ref.getSnapshot() as { value?: StateValue; status?: string } | undefined;
    const description: ActorDescription = {
      id: publicId(entry.ref),
      sessionId,
      ...(entry.parentSessionId === undefined ? {} : { parentSessionId: entry.parentSessionId }),
      machineId: entry.machine.id,
      state: snapshot?.value ?? null,
      status: snapshot?.status ?? 'unknown',
    };
    return withDefinitions ? { ...description, definition: this.definitionOf(entry.machine) } : description;
  }

  private definitionOf(machine: AnyStateMachine): unknown {
    if (!this.definitions.has(machine)) this.definitions.set(machine, jsonSafeDefinition(machine));
    return this.definitions.get(machine);
  }
}

export function publicId(ref: AnyActorRef): string {
  return (ref as { systemId?: string }).systemId ?? ref.id;
}

/** The actor's logic when it is a state machine (duck-typed: one xstate copy may not be the only one). */
export function machineOf(ref: AnyActorRef): AnyStateMachine | undefined {
  const logic = (ref as { logic?: unknown }).logic as Partial<AnyStateMachine> | undefined;
  if (logic === undefined || logic === null) return undefined;
  const isMachine = typeof logic.toJSON === 'function' && typeof logic.id === 'string' && logic.root !== undefined;
  return isMachine ? (logic as AnyStateMachine) : undefined;
}

/**
 * `machine.toJSON()` through a JSON round trip: inline guards and actions are functions, which
 * neither JSON nor msgpack carry; named ones (the house style) survive as their names.
 */
export function jsonSafeDefinition(machine: AnyStateMachine): unknown {
  try {
    return JSON.parse(JSON.stringify(machine.toJSON())) as unknown;
  } catch (err) {
    return { error: `definition of ${machine.id} is not serialisable: ${(err as Error).message}` };
  }
}
