// google-samples/hello-app: "Hello, world!" with the version of its tag and the pod's hostname,
// on $PORT (default 8080), as the Kubernetes tutorials show it.
import { exitOnSignals, flags, hostname, port, serve } from './server.mjs';

const { flags: f } = flags(process.argv.slice(2));
const version = f.version ?? '1.0.0';
const listen = port(process.env.PORT, 8080);
exitOnSignals();
console.log(`Server listening on port ${listen}`);
serve(listen, (req) => {
  console.log(`Serving request: ${req.url}`);
  return { status: 200, body: `Hello, world!\nVersion: ${version}\nHostname: ${hostname}\n` };
}, { log: false, name: 'hello-app' });
