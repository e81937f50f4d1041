// ImageLocality: prefers nodes that already hold the pod's images, weighted by image size and by
// how widely the image is spread (an image on every node says little about any one node). Sums
// below 23 MB score 0; the ceiling is 1000 MB per container (image_locality.go).
import { ClusterEventType, MAX_NODE_SCORE, type EnqueueExtensions, type ScorePlugin } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../node-info.js';
import type { PodInfo } from '../../pod-info.js';
import type { Snapshot } from '../../snapshot.js';
import { PluginName } from '../names.js';

const MB = 1024 * 1024;
export const MIN_THRESHOLD_BYTES = 23 * MB;
export const MAX_CONTAINER_THRESHOLD_BYTES = 1000 * MB;

/** The raw score: each present image's size scaled by the fraction of nodes holding it. */
export function sumImageScores(pod: PodInfo, nodeInfo: NodeInfo, snapshot: Snapshot): number {
  let sum = 0;
  for (const image of pod.images) {
    const size = nodeInfo.imageSizes.get(image);
    if (size === undefined) continue;
    sum += Math.trunc(size * (snapshot.imageNumNodes(image) / snapshot.numNodes));
  }
  return sum;
}

export function imageLocalityScore(sumScores: number, numContainers: number): number {
  const maxThreshold = MAX_CONTAINER_THRESHOLD_BYTES * numContainers;
  const clamped = Math.min(Math.max(sumScores, MIN_THRESHOLD_BYTES), maxThreshold);
  return Math.trunc((MAX_NODE_SCORE * (clamped - MIN_THRESHOLD_BYTES)) / (maxThreshold - MIN_THRESHOLD_BYTES));
}

export function newImageLocality(): ScorePlugin & EnqueueExtensions {
  return {
    name: PluginName.ImageLocality,
    score: (_state, pod, nodeInfo, snapshot) =>
      pod.images.length === 0 ? 0 : imageLocalityScore(sumImageScores(pod, nodeInfo, snapshot), pod.images.length),
    eventsToRegister: () => [ClusterEventType.NodeAdd, ClusterEventType.NodeUpdate],
  };
}
