// Volumes on the host's file system (VolumeHost): pod data folders under one root, emptyDir
// folders, ConfigMap, Secret, downwardAPI and projected files (written whole each time the pod is prepared), hostPath
// type checks (DirectoryOrCreate, Directory, FileOrCreate, File; others unchecked).
import { mkdir, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { VolumeError, type VolumeHost, type VolumeSetup } from '@skiff/kubelet';

async function kindOf(path: string): Promise<'dir' | 'file' | 'other' | 'missing'> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) return 'missing';
  return info.isDirectory() ? 'dir' : info.isFile() ? 'file' : 'other';
}

async function checkHostPath(path: string, type: string): Promise<void> {
  const kind = await kindOf(path);
  switch (type) {
    case 'DirectoryOrCreate':
      if (kind === 'missing') await mkdir(path, { recursive: true, mode: 0o755 });
      else if (kind !== 'dir') throw new VolumeError(`hostPath type check failed: ${path} is not a directory`);
      return;
    case 'Directory':
      if (kind !== 'dir') throw new VolumeError(`hostPath type check failed: ${path} is not a directory`);
      return;
    case 'FileOrCreate':
      if (kind === 'missing') {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, '', { mode: 0o644 });
      } else if (kind !== 'file') throw new VolumeError(`hostPath type check failed: ${path} is not a file`);
      return;
    case 'File':
      if (kind !== 'file') throw new VolumeError(`hostPath type check failed: ${path} is not a file`);
      return;
    default:
      return;
  }
}

export class HostVolumes implements VolumeHost {
  private readonly rootDir: string;

  /** `rootDir`: the folder of pod data folders; nothing outside it is ever deleted. */
  constructor(rootDir: string) {
    this.rootDir = resolve(rootDir);
  }

  async setUp(podDir: string, volumes: readonly VolumeSetup[]): Promise<void> {
    this.checkInside(podDir);
    await mkdir(podDir, { recursive: true });
    for (const v of volumes) {
      if (v.type === 'hostPath') await checkHostPath(v.hostPath, v.hostPathType);
      else await mkdir(this.checkInside(v.hostPath), { recursive: true });
      if (!('files' in v)) continue;
      for (const f of v.files) {
        const path = this.checkInside(join(v.hostPath, f.path));
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, f.content);
        await chmod(path, f.mode);
      }
    }
  }

  async tearDown(podDir: string): Promise<void> {
    await rm(this.checkInside(podDir), { recursive: true, force: true });
  }

  private checkInside(path: string): string {
    const rel = relative(this.rootDir, resolve(path));
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new VolumeError(`${path} is outside the pods folder ${this.rootDir}`);
    return path;
  }
}
