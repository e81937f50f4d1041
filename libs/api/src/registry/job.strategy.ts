// Job selectors: unless the user manages them (manualSelector), the selector is the Job's own uid
// and the template carries matching labels (pkg/registry/batch/job/strategy.go generateSelector).
import type { Job } from '../schema/groups.schema.js';

export function generateJobSelector(job: Job): void {
  const spec = job.spec;
  const uid = job.metadata.uid;
  if (spec === undefined || spec.manualSelector === true || !uid) return;
  const template = (spec.template ??= {});
  const meta = (template.metadata ??= {});
  const labels = (meta.labels ??= {});
  const name = job.metadata.name ?? '';
  labels['batch.kubernetes.io/controller-uid'] ??= uid;
  labels['batch.kubernetes.io/job-name'] ??= name;
  labels['controller-uid'] ??= uid;
  labels['job-name'] ??= name;
  const selector = (spec.selector ??= {});
  const matchLabels = (selector.matchLabels ??= {});
  matchLabels['batch.kubernetes.io/controller-uid'] ??= uid;
}
