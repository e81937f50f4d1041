// Helpers both runtimes share.
import { createHash } from 'node:crypto';
import type { Image, Labels } from '@skiff/kubelet';

/** An image is a name only (no registry): its id is a digest of the name, its size 0. */
export function imageRecord(image: string): Image {
  return { id: `sha256:${createHash('sha256').update(image).digest('hex')}`, repoTags: [image], sizeBytes: 0 };
}

/** CRI label selectors: every key must be present with the same value. */
export function labelsMatch(labels: Labels, selector: Labels | undefined): boolean {
  if (selector === undefined) return true;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}
