// A root file system of its own for each container of the process runtime, where the host allows
// it (root, overlayfs, util-linux unshare and nsenter): the container's process runs in private
// mount and UTS namespaces (so `hostname` is the pod's) whose root is an overlay of the host's "/" (what it writes lands in its own
// upper folder and goes with the container, as a container's writable layer does), with /proc,
// /sys and /dev bound in, the pod's volumes bind-mounted at their mountPaths (so a configMap,
// secret, emptyDir or hostPath volume is where the pod spec says), and the host's /tmp bound
// through (shared, as it was before roots: host tools and tests exchange files there).
// The namespace dies with the container's last process, taking the mounts with it. Exec (kubectl
// exec, exec probes) enters the same namespace and root with nsenter.
//
// The launcher is a fixed shell script; paths reach it only as positional arguments.
import { access, constants, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { Mount } from '@skiff/kubelet';

export interface ContainerRoot {
  /** Where the overlay is mounted inside the namespace (created beforehand, empty on the host). */
  readonly rootDir: string;
  readonly upperDir: string;
  readonly workDir: string;
}

const LAUNCHER = `set -e
root=$1; upper=$2; work=$3; wd=$4; name=$5; shift 5
[ -z "$name" ] || echo "$name" > /proc/sys/kernel/hostname
mount -t overlay overlay -o "lowerdir=/,upperdir=$upper,workdir=$work" "$root"
for d in proc sys dev tmp; do mount --rbind "/$d" "$root/$d"; done
while [ "$1" != "--" ]; do
  src=$1; dst=$root$2; mode=$3; shift 3
  if [ -d "$src" ]; then mkdir -p "$dst"; else mkdir -p "$(dirname "$dst")"; [ -e "$dst" ] || : > "$dst"; fi
  mount --bind "$src" "$dst"
  if [ "$mode" = ro ]; then mount -o remount,bind,ro "$dst"; fi
done
shift
mkdir -p "$root$wd"
exec unshare --root="$root" --wd="$wd" -- "$@"`;

/** The argv that runs `argv` in `root` as host `hostname`, with `mounts` in place and `cwd` as working directory. */
export function launchInRoot(root: ContainerRoot, mounts: readonly Mount[], cwd: string, hostname: string, argv: readonly string[]): string[] {
  const mountArgs = mounts.flatMap((m) => [m.hostPath, m.containerPath, m.readonly ? 'ro' : 'rw']);
  return ['unshare', '--mount', '--uts', '--propagation', 'private', '--', 'sh', '-c', LAUNCHER, 'skiff-container', root.rootDir, root.upperDir, root.workDir, cwd, hostname, ...mountArgs, '--', ...argv];
}

/** The argv that runs `argv` inside the running container `pid`: its mounts, root and working dir. */
export function enterRoot(pid: number, argv: readonly string[]): string[] {
  return ['nsenter', `--target=${pid}`, '--mount', '--uts', '--root', '--wd', '--', ...argv];
}

async function executable(path: string): Promise<boolean> {
  const ok = await access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
  return ok && (await stat(path)).isFile();
}

/** Where `program` is, as execvp finds it (a path as given, a bare name on PATH); undefined if nowhere. */
export async function findExecutable(program: string, path: string, cwd: string): Promise<string | undefined> {
  if (program.includes('/')) {
    const full = isAbsolute(program) ? program : resolve(cwd, program);
    return (await executable(full)) ? full : undefined;
  }
  for (const dir of path.split(':').filter((d) => d !== '')) {
    const full = join(dir, program);
    if (await executable(full)) return full;
  }
  return undefined;
}

/** Whether this host can give containers roots: root user, overlayfs, unshare and nsenter. */
export async function containerRootsSupported(): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  const filesystems = await readFile('/proc/filesystems', 'utf8').catch(() => '');
  if (!/\soverlay$/m.test(filesystems)) return false;
  const [unshare, nsenter] = await Promise.all([executable('/usr/bin/unshare'), executable('/usr/bin/nsenter')]);
  return unshare && nsenter;
}
