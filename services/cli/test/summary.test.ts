import { describe, expect, it } from 'vitest';
import { clusterFlags, renderSummary, shellQuote } from '../src/summary.js';

const facts = {
  cluster: 'dev',
  pid: 10,
  natsUrls: ['nats://127.0.0.1:4222'],
  managedNatsPid: 11,
  dataDir: '/home/u/.skiff/dev',
  defaultDataDir: '/home/u/.skiff/dev',
  logFile: '/home/u/.skiff/dev/skiff.log',
  components: ['supervisor'],
  foreground: true,
};

describe('summary', () => {
  it('needs no flags for the default cluster in its default directory', () => {
    expect(clusterFlags('local', '/d', '/d')).toBe('');
    expect(clusterFlags('dev', '/d', '/d')).toBe(' --cluster dev');
    expect(clusterFlags('local', '/x y', '/d')).toBe(" --data-dir '/x y'");
  });

  it('quotes only what the shell would split', () => {
    expect(shellQuote('/tmp/a-b_c.d')).toBe('/tmp/a-b_c.d');
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  it('lists the next commands with the flags this cluster needs', () => {
    const text = renderSummary(facts);
    expect(text).toContain('skiff status --cluster dev');
    expect(text).toContain('skiff inspect --cluster dev');
    expect(text).toContain('skiff down --cluster dev');
    expect(text).toContain('nats://127.0.0.1:4222 (pid 11)');
    expect(text).toContain('Ctrl-C');
    expect(renderSummary({ ...facts, foreground: false, managedNatsPid: undefined })).not.toContain('Ctrl-C');
    expect(renderSummary({ ...facts, managedNatsPid: undefined })).toContain('(external)');
  });

  it('shows what components add, their next commands first', () => {
    const text = renderSummary({
      ...facts,
      componentLines: ['API         https://127.0.0.1:6443'],
      componentNext: ['export KUBECONFIG=/home/u/.skiff/dev/kubeconfig', 'kubectl get nodes'],
    });
    expect(text).toContain('API         https://127.0.0.1:6443');
    const lines = text.split('\n');
    const exportAt = lines.findIndex((l) => l.includes('export KUBECONFIG=/home/u/.skiff/dev/kubeconfig'));
    const statusAt = lines.findIndex((l) => l.includes('skiff status'));
    expect(exportAt).toBeGreaterThan(lines.findIndex((l) => l.includes('Next:')));
    expect(lines[exportAt + 1]).toContain('kubectl get nodes');
    expect(statusAt).toBeGreaterThan(exportAt);
  });
});
