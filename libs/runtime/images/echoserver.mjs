// registry.k8s.io/echoserver: tells the client what it sent, on 8080.
import { exitOnSignals, hostname, podIP, serve } from './server.mjs';

exitOnSignals();
serve(8080, async (req, url) => {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const headers = Object.entries(req.headers).map(([k, v]) => `\t${k}=${String(v)}`).join('\n');
  const body = `\n\nHostname: ${hostname}\n\nPod Information:\n\t-no pod information available-\n\nServer values:\n\tserver_version=skiff-echoserver\n\nRequest Information:\n\tclient_address=${req.socket.remoteAddress ?? ''}\n\tmethod=${req.method}\n\treal path=${url.pathname}\n\tquery=${url.search.replace(/^\?/, '')}\n\trequest_version=${req.httpVersion}\n\trequest_scheme=http\n\trequest_uri=http://${req.headers.host ?? podIP}:8080${req.url}\n\nRequest Headers:\n${headers}\n\nRequest Body:\n${chunks.length === 0 ? '\t-no body in request-' : Buffer.concat(chunks).toString()}\n\n`;
  return { status: 200, body };
}, { name: 'echoserver' });
