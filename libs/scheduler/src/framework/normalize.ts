// helper.DefaultNormalizeScore: scales scores so the highest becomes maxPriority; with `reverse`
// the lowest raw score gets the top mark (fewer untolerated PreferNoSchedule taints is better).
import { MAX_NODE_SCORE } from './interfaces.js';

export function defaultNormalizeScore(scores: Float64Array, reverse: boolean, maxPriority = MAX_NODE_SCORE): void {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  if (max === 0) {
    if (reverse) scores.fill(maxPriority);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    // Go's int64 arithmetic truncates: maxPriority * score / maxCount.
    let s = Math.trunc((maxPriority * scores[i]!) / max);
    if (reverse) s = maxPriority - s;
    scores[i] = s;
  }
}
