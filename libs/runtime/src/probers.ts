// Network probes for the kubelet (pkg/probe/tcp, pkg/probe/http): TCP succeeds when a connection
// opens; HTTP succeeds on a status in [200, 400) (redirects are not followed, a 3xx counts as
// success, as Kubernetes does for a redirect to another host). A timeout is a failure.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { HttpProbeRequest, ProbeOutcome, Probers } from '@skiff/kubelet';

export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (outcome: ProbeOutcome): void => {
      socket.destroy();
      resolve(outcome);
    };
    socket.setTimeout(timeoutMs, () => done({ result: 'failure', output: `dial tcp ${host}:${port}: i/o timeout` }));
    socket.once('connect', () => done({ result: 'success', output: '' }));
    socket.once('error', (e) => done({ result: 'failure', output: `dial tcp ${host}:${port}: ${e.message}` }));
  });
}

/** Kubernetes reads at most this much of a probe's response body. */
const BODY_MAX_BYTES = 10 * 1024;

export function httpProbe(req: HttpProbeRequest): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.32', Accept: '*/*' };
    for (const h of req.headers) headers[h.name] = h.value;
    const send = req.scheme === 'HTTPS' ? httpsRequest : httpRequest;
    const url = `${req.scheme.toLowerCase()}://${req.host.includes(':') ? `[${req.host}]` : req.host}:${req.port}${req.path.startsWith('/') ? req.path : `/${req.path}`}`;
    let settled = false;
    const finish = (outcome: ProbeOutcome): void => {
      if (settled) return;
      settled = true;
      clientReq.destroy();
      resolve(outcome);
    };
    const clientReq = send(url, { method: 'GET', headers, timeout: req.timeoutMs, rejectUnauthorized: false }, (res) => {
      const status = res.statusCode ?? 0;
      let body = '';
      res.on('data', (chunk: Buffer) => {
        if (body.length < BODY_MAX_BYTES) body += chunk.toString('utf8').slice(0, BODY_MAX_BYTES - body.length);
      });
      res.on('end', () => finish(httpResult(status, body)));
      res.on('error', (e) => finish({ result: 'failure', output: e.message }));
    });
    clientReq.on('timeout', () => finish({ result: 'failure', output: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` }));
    clientReq.on('error', (e) => finish({ result: 'failure', output: `Get "${url}": ${e.message}` }));
    clientReq.end();
  });
}

function httpResult(status: number, body: string): ProbeOutcome {
  if (status >= 200 && status < 400) return { result: 'success', output: body };
  return { result: 'failure', output: `HTTP probe failed with statuscode: ${status}` };
}

/** The network probers the kubelet is given. */
export const hostProbers: Probers = { tcp: tcpProbe, http: httpProbe };
