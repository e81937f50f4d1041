// The `nginx` image (and httpd with --httpd): the files of the document root when a volume put
// some there (/usr/share/nginx/html, /usr/local/apache2/htdocs), else the welcome page; the 404
// page elsewhere; access lines on stdout. `NGINX_PORT` moves it, for pods that set it.
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { exitOnSignals, flags, port, serve } from './server.mjs';

const { flags: f } = flags(process.argv.slice(2));
const httpd = f.httpd === 'true';
const listen = port(process.env.NGINX_PORT ?? f.port, 80);

const welcome = httpd
  ? '<html><body><h1>It works!</h1></body></html>\n'
  : `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>
<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;
const notFound = httpd
  ? '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n</body></html>\n'
  : '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

const docRoot = httpd ? '/usr/local/apache2/htdocs' : '/usr/share/nginx/html';
const TYPES = { '.html': 'text/html', '.htm': 'text/html', '.css': 'text/css', '.js': 'application/javascript', '.json': 'application/json', '.txt': 'text/plain', '.png': 'image/png', '.svg': 'image/svg+xml' };

/** A file under the document root, or undefined (no such file, or a path that climbs out). */
async function fromDocRoot(pathname) {
  // An absolute path normalizes without any '..' left, so the join stays under the root.
  let file = join(docRoot, normalize(`/${decodeURIComponent(pathname)}`));
  const info = await stat(file).catch(() => undefined);
  if (info?.isDirectory()) file = join(file, 'index.html');
  const body = await readFile(file).catch(() => undefined);
  return body === undefined ? undefined : { status: 200, body, type: TYPES[extname(file)] ?? 'application/octet-stream' };
}

async function answer(pathname) {
  const found = await fromDocRoot(pathname);
  if (found !== undefined) return found;
  if (pathname === '/' || pathname === '/index.html') return { status: 200, body: welcome, type: 'text/html' };
  return { status: 404, body: notFound, type: 'text/html' };
}

exitOnSignals();
console.error(httpd ? `httpd: listening on port ${listen}` : `nginx: start worker processes, listening on port ${listen}`);
serve(listen, (_req, url) => answer(url.pathname), { name: httpd ? 'httpd' : 'nginx' });
