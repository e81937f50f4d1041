// registry.k8s.io/e2e-test-images/agnhost, the Kubernetes docs' and e2e tests' Swiss army knife:
// the subcommands the documentation uses. `liveness` is also the docs' registry.k8s.io/liveness
// image: /healthz answers 200 for the first 10 s, then 500.
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { exitOnSignals, flags, hostname, podIP, port, serve } from './server.mjs';

const [subcommand = 'pause', ...rest] = process.argv.slice(2);
const { flags: f } = flags(rest);

function netexec() {
  const httpPort = port(f['http-port'], 8080);
  const udpPort = port(f['udp-port'], 8081);
  serve(httpPort, async (req, url) => {
    const q = url.searchParams;
    switch (url.pathname) {
      case '/':
        return { status: 200, body: `NOW: ${new Date().toISOString()}` };
      case '/hostname':
        return { status: 200, body: hostname };
      case '/echo':
        return { status: 200, body: q.get('msg') ?? '' };
      case '/clientip':
        return { status: 200, body: `${req.socket.remoteAddress}:${req.socket.remotePort}` };
      case '/healthz':
        return { status: 200, body: 'ok' };
      case '/exit':
        setImmediate(() => process.exit(Number(q.get('code') ?? 0)));
        return { status: 200, body: '' };
      case '/shell': {
        const output = await new Promise((done) => execFile('sh', ['-c', q.get('shellCommand') ?? q.get('cmd') ?? ''], (err, stdout, stderr) => done({ output: stdout + stderr, error: err?.message })));
        return { status: 200, body: JSON.stringify(output), type: 'application/json' };
      }
      default:
        return { status: 404, body: '404 page not found\n' };
    }
  }, { log: false, name: 'netexec' });
  // UDP: "hostname" and "echo <msg>" as netexec answers them.
  const udp = createSocket('udp4');
  udp.on('message', (msg, from) => {
    const text = msg.toString().trim();
    const reply = text === 'hostname' ? hostname : text.startsWith('echo ') ? text.slice(5) : text === 'clientip' ? `${from.address}:${from.port}` : '';
    udp.send(reply, from.port, from.address);
  });
  udp.on('error', (err) => console.error(`netexec: udp ${udpPort}: ${err.message}`));
  udp.bind(udpPort, podIP);
  console.log(`Started HTTP server on port ${httpPort}`);
  console.log(`Started UDP server on port ${udpPort}`);
}

function serveHostname() {
  const listen = port(f.port, 9376);
  serve(listen, () => ({ status: 200, body: hostname }), { log: false, name: 'serve-hostname' });
  console.log(`Serving on port ${listen}.`);
}

function liveness() {
  const started = Date.now();
  serve(8080, (_req, url) => {
    if (url.pathname === '/healthz' || url.pathname === '/started') {
      const s = (Date.now() - started) / 1000;
      if (url.pathname === '/started') return { status: 200, body: `${s}` };
      return s > 10 ? { status: 500, body: `error: ${s}` } : { status: 200, body: 'ok' };
    }
    if (url.pathname === '/redirect') return { status: 302, body: '', headers: { location: url.searchParams.get('loc') ?? '/' } };
    return { status: 404, body: '404 page not found\n' };
  }, { log: false, name: 'liveness' });
}

exitOnSignals();
const subcommands = { netexec, 'serve-hostname': serveHostname, liveness, pause: () => setInterval(() => {}, 1 << 30) };
const run = subcommands[subcommand === '/server' ? 'liveness' : subcommand];
if (run === undefined) {
  console.error(`agnhost: subcommand ${JSON.stringify(subcommand)} is not emulated here (have: ${Object.keys(subcommands).join(', ')})`);
  process.exit(1);
}
run();
