// names.SimpleNameGenerator: generateName plus five random characters, the base cut so the
// result stays within 63 characters. The caller brings the randomness.

const maxNameLength = 63;
const randomLength = 5;
const maxGeneratedNameLength = maxNameLength - randomLength;

/** The alphabet Kubernetes draws from (no vowels, so no words; no ambiguous characters). */
export const generateNameAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

export function generateName(base: string, randomSuffix: string): string {
  const cut = base.length > maxGeneratedNameLength ? base.slice(0, maxGeneratedNameLength) : base;
  return `${cut}${randomSuffix}`;
}
