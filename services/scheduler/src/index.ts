// @skiff/kube-scheduler: the scheduler service. startScheduler wires @skiff/scheduler to the API
// (informers, leader election, binding, events) on a service host; startSchedulerProcess gives it
// its own NATS connection and host; main.ts is the process.
export * from './pod-rules.js';
export * from './pod-tracker.js';
export * from './scheduler-loop.machine.js';
export * from './scheduler.js';
export * from './start.js';
