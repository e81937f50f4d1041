// hashicorp/http-echo: answers every request with -text, on -listen (default :5678).
import { exitOnSignals, flags, port, serve } from './server.mjs';

const { flags: f } = flags(process.argv.slice(2));
if (f.text === undefined) {
  console.error('Missing -text option!');
  process.exit(127);
}
exitOnSignals();
const listen = port(f.listen, 5678);
console.log(`[INFO] server is listening on :${listen}`);
serve(listen, (req) => (req.url === '/health' ? { status: 200, body: '{"status":"ok"}\n', type: 'application/json' } : { status: 200, body: `${f.text}\n` }), { name: 'http-echo' });
