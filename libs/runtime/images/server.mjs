// Shared by the emulated images: an HTTP server on the pod's own IP (POD_IP, set by the process
// runtime), access lines on stdout, and a clean exit on SIGTERM/SIGINT/SIGQUIT as the real
// servers do (so the kubelet's graceful stop takes no grace period).
import { createServer } from 'node:http';

export const podIP = process.env.SKIFF_POD_IP ?? process.env.POD_IP ?? '127.0.0.1';
export const hostname = process.env.HOSTNAME ?? 'localhost';

/** Common log format, as nginx and httpd write it. */
function accessLine(req, status, bytes) {
  const t = new Date();
  const month = t.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const pad = (n) => String(n).padStart(2, '0');
  const stamp = `${pad(t.getUTCDate())}/${month}/${t.getUTCFullYear()}:${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())} +0000`;
  const client = req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '-';
  return `${client} - - [${stamp}] "${req.method} ${req.url} HTTP/${req.httpVersion}" ${status} ${bytes} "${req.headers.referer ?? '-'}" "${req.headers['user-agent'] ?? '-'}"`;
}

/** `handler(req, url)` returns { status, body, type? } or a promise of it. */
export function serve(port, handler, { log = true, name = 'server' } = {}) {
  const server = createServer(async (req, res) => {
    let reply;
    try {
      reply = await handler(req, new URL(req.url ?? '/', `http://${req.headers.host ?? podIP}`));
    } catch (err) {
      reply = { status: 500, body: `${String(err)}\n` };
    }
    const body = Buffer.from(reply.body ?? '');
    res.writeHead(reply.status, { 'content-type': reply.type ?? 'text/plain; charset=utf-8', 'content-length': body.length, ...(reply.headers ?? {}) });
    res.end(req.method === 'HEAD' ? undefined : body);
    if (log) console.log(accessLine(req, reply.status, body.length));
  });
  server.on('error', (err) => {
    console.error(`${name}: cannot listen on ${podIP}:${port}: ${err.message}`);
    process.exit(1);
  });
  server.listen(port, podIP);
  return server;
}

export function exitOnSignals(onExit = () => {}) {
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGQUIT']) {
    process.on(signal, () => {
      onExit(signal);
      process.exit(0);
    });
  }
}

/** `--flag=value` and `--flag value` (and Go's single-dash `-flag=value`) into a map. */
export function flags(argv) {
  const out = {};
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const m = /^--?([^=]+)(?:=(.*))?$/.exec(argv[i]);
    if (m === null) positional.push(argv[i]);
    else if (m[2] !== undefined) out[m[1]] = m[2];
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('-')) out[m[1]] = argv[++i];
    else out[m[1]] = 'true';
  }
  return { flags: out, positional };
}

export function port(value, fallback) {
  const n = Number(String(value ?? '').replace(/^.*:/, ''));
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : fallback;
}
