// The `nginx` image (and httpd with --httpd): the welcome page on port 80, nginx's 404 elsewhere,
// access lines on stdout. `NGINX_PORT` moves it, for pods that set it.
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

exitOnSignals();
console.error(httpd ? `httpd: listening on port ${listen}` : `nginx: start worker processes, listening on port ${listen}`);
serve(listen, (_req, url) => (url.pathname === '/' || url.pathname === '/index.html' ? { status: 200, body: welcome, type: 'text/html' } : { status: 404, body: notFound, type: 'text/html' }), { name: httpd ? 'httpd' : 'nginx' });
