// The `/version` document. kubectl's dispatcher (/usr/bin/kubectl) reads `minor` to pick the
// kubectl build matching the server, so Skiff reports the Kubernetes API level it implements.

export const KUBERNETES_MAJOR = '1';
export const KUBERNETES_MINOR = '32';
export const GIT_VERSION = 'v1.32.4-skiff';

const ARCH: Readonly<Record<string, string>> = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' };

export function versionInfo(): Record<string, string> {
  return {
    major: KUBERNETES_MAJOR,
    minor: KUBERNETES_MINOR,
    gitVersion: GIT_VERSION,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    // Kubernetes reports its Go toolchain here; Skiff runs on Node.
    goVersion: `node${process.versions.node}`,
    compiler: 'tsx',
    platform: `${process.platform}/${ARCH[process.arch] ?? process.arch}`,
  };
}
