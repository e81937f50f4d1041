import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubeletProgram, type KubeletArgs } from '../src/args.js';

async function parse(flags: string[]): Promise<KubeletArgs> {
  let got: KubeletArgs | undefined;
  const program = kubeletProgram(async (a) => {
    got = a;
  })
    .exitOverride()
    .configureOutput({ writeErr: () => undefined });
  await program.parseAsync(['node', 'kubelet', '--node-name', 'n1', '--nats', 'nats://127.0.0.1:4222', ...flags]);
  return got!;
}

describe('kubelet API flags', () => {
  it('defaults to port 10250, no token, no manifest URL, a 20 s check frequency', async () => {
    const a = await parse([]);
    expect([a.port, a.authToken, a.manifestUrl, a.httpCheckFrequencyMs]).toEqual([10_250, undefined, undefined, 20_000]);
  });

  it('reads --port 0, the token file and the manifest URL', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kubelet-args-')), 'token');
    writeFileSync(file, 'sekret\n');
    const a = await parse(['--port', '0', '--auth-token-file', file, '--manifest-url', 'http://127.0.0.1:8080/pods.yaml', '--http-check-frequency-ms', '500']);
    expect([a.port, a.authToken, a.manifestUrl, a.httpCheckFrequencyMs]).toEqual([0, 'sekret', 'http://127.0.0.1:8080/pods.yaml', 500]);
  });

  it('rejects a bad port, a missing token file and a non-http URL', async () => {
    await expect(parse(['--port', '70000'])).rejects.toThrow(/port number/);
    await expect(parse(['--auth-token-file', '/nonexistent/token'])).rejects.toThrow(/cannot read/);
    await expect(parse(['--manifest-url', 'file:///etc/passwd'])).rejects.toThrow(/http\(s\) URL/);
  });

  it('reads --cluster-dns as a list, with cluster.local as the default domain', async () => {
    expect(await parse([])).toMatchObject({ clusterDNS: [], clusterDomain: 'cluster.local' });
    expect(await parse(['--cluster-dns', '127.53.0.10,127.53.0.11', '--cluster-domain', 'skiff.local'])).toMatchObject({ clusterDNS: ['127.53.0.10', '127.53.0.11'], clusterDomain: 'skiff.local' });
  });
});
