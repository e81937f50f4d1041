// What an image means to the process runtime. There is no image file system to unpack, so an
// image is a name that maps to an ENTRYPOINT and a CMD on this host: the shells and language
// images run the host's programs (busybox -> sh, python -> python3), and the servers the
// Kubernetes documentation deploys (nginx, httpd, agnhost, hello-app, hpa-example, http-echo,
// echoserver) run small emulations shipped in libs/runtime/images that answer as those servers do
// on the pod's own IP. Kubernetes' rule decides the argv (a container's command replaces the
// ENTRYPOINT and drops the CMD; its args replace the CMD), then a path that exists only inside
// the image (`/agnhost`, `/server`, `nginx`) is swapped for its emulation.
import { fileURLToPath } from 'node:url';

export interface ImageReference {
  /** Without registry defaults: `nginx`, `registry.k8s.io/e2e-test-images/agnhost`. */
  readonly repository: string;
  readonly tag: string;
}

export interface HostImage {
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  /** Programs that live only inside the image, by the paths pods name them with. */
  readonly binaries?: Readonly<Record<string, readonly string[]>>;
}

/** An operator's own mapping of an exact image name (the runtime's `imageEntrypoints`). */
type OwnEntrypoints = Readonly<Record<string, { readonly command: readonly string[]; readonly args?: readonly string[] }>>;

/** `docker.io/library/nginx:1.27@sha256:..` -> { repository: 'nginx', tag: '1.27' }. */
export function parseImageReference(image: string): ImageReference {
  const name = image.split('@')[0] ?? '';
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const hasTag = colon > slash;
  const repository = (hasTag ? name.slice(0, colon) : name).replace(/^(docker\.io|index\.docker\.io)\//, '').replace(/^library\//, '');
  return { repository, tag: hasTag ? name.slice(colon + 1) : 'latest' };
}

const emulator = (file: string, ...args: string[]): string[] => [process.execPath, fileURLToPath(new URL(`../images/${file}`, import.meta.url)), ...args];

/** hello-app's tags are `1.0`, `2.0`; it prints them as 1.0.0, 2.0.0. */
function semver(tag: string): string {
  const parts = tag.split('.');
  while (parts.length < 3) parts.push('0');
  return /^\d+(\.\d+){2}$/.test(parts.join('.')) ? parts.join('.') : '1.0.0';
}

const shell = (cmd: string): HostImage => ({ entrypoint: [], cmd: [cmd] });
const nginx: HostImage = { entrypoint: emulator('nginx.mjs'), cmd: [], binaries: { nginx: emulator('nginx.mjs'), '/usr/sbin/nginx': emulator('nginx.mjs'), '/docker-entrypoint.sh': emulator('nginx.mjs') } };
const agnhost: HostImage = { entrypoint: emulator('agnhost.mjs'), cmd: ['pause'], binaries: { '/agnhost': emulator('agnhost.mjs'), agnhost: emulator('agnhost.mjs') } };
const pause: HostImage = { entrypoint: ['sleep', 'infinity'], cmd: [], binaries: { '/pause': ['sleep', 'infinity'] } };
const liveness: HostImage = { entrypoint: [], cmd: ['/server'], binaries: { '/server': emulator('agnhost.mjs', 'liveness') } };
const echoserver: HostImage = { entrypoint: emulator('echoserver.mjs'), cmd: [] };
const serveHostname: HostImage = { entrypoint: emulator('agnhost.mjs', 'serve-hostname'), cmd: [] };
const hpaExample: HostImage = { entrypoint: emulator('hpa-example.mjs'), cmd: [] };
const helloApp = (ref: ImageReference): HostImage => ({ entrypoint: emulator('hello-app.mjs', `--version=${semver(ref.tag)}`), cmd: [] });

/** Registries that host the same image under several names over the years. */
const K8S_REGISTRIES = ['registry.k8s.io', 'k8s.gcr.io', 'gcr.io/google_containers', 'gcr.io/google-containers', 'gcr.io/kubernetes-e2e-test-images'];
const k8sImage = (path: string, image: HostImage): [string, HostImage][] => K8S_REGISTRIES.map((r) => [`${r}/${path}`, image]);

const CATALOG = new Map<string, HostImage | ((ref: ImageReference) => HostImage)>([
  ['busybox', shell('sh')],
  ['alpine', shell('sh')],
  ['ubuntu', shell('bash')],
  ['debian', shell('bash')],
  ['centos', shell('bash')],
  ['fedora', shell('bash')],
  ['bash', shell('bash')],
  ['python', shell('python3')],
  ['perl', { entrypoint: [], cmd: ['perl', '-de0'] }],
  ['node', { entrypoint: [], cmd: ['node'], binaries: { node: [process.execPath] } }],
  ['curlimages/curl', { entrypoint: ['curl'], cmd: ['--help'] }],
  ['nginx', nginx],
  ['nginxinc/nginx-unprivileged', { ...nginx, entrypoint: emulator('nginx.mjs', '--port=8080') }],
  ['bitnami/nginx', { ...nginx, entrypoint: emulator('nginx.mjs', '--port=8080') }],
  ['httpd', { entrypoint: emulator('nginx.mjs', '--httpd'), cmd: [], binaries: { 'httpd-foreground': emulator('nginx.mjs', '--httpd') } }],
  ['hashicorp/http-echo', { entrypoint: emulator('http-echo.mjs'), cmd: [] }],
  ['gcr.io/google-samples/hello-app', helloApp],
  ['us-docker.pkg.dev/google-samples/containers/gke/hello-app', helloApp],
  ...k8sImage('busybox', shell('sh')),
  ...k8sImage('nginx-slim', nginx),
  ...k8sImage('pause', pause),
  ...k8sImage('pause-amd64', pause),
  ...k8sImage('e2e-test-images/agnhost', agnhost),
  ...k8sImage('agnhost', agnhost),
  ...k8sImage('liveness', liveness),
  ...k8sImage('echoserver', echoserver),
  ...k8sImage('serve_hostname', serveHostname),
  ...k8sImage('hpa-example', hpaExample),
  ...k8sImage('goproxy', { entrypoint: emulator('agnhost.mjs', 'netexec', '--http-port=8080', '--udp-port=8081'), cmd: [] }),
]);

export function hostImage(image: string): HostImage | undefined {
  const ref = parseImageReference(image);
  const entry = CATALOG.get(ref.repository);
  return typeof entry === 'function' ? entry(ref) : entry;
}

/**
 * The argv a container runs: Kubernetes' command/args rule over the image's ENTRYPOINT/CMD, with
 * in-image programs swapped for their emulation. Empty when nothing says what to run.
 */
export function containerArgv(image: string, command: readonly string[], args: readonly string[], own?: OwnEntrypoints): string[] {
  const mapped = own?.[image];
  const known: HostImage | undefined = mapped !== undefined ? { entrypoint: mapped.command, cmd: mapped.args ?? [] } : hostImage(image);
  const argv = command.length > 0 ? [...command, ...args] : [...(known?.entrypoint ?? []), ...(args.length > 0 ? args : (known?.cmd ?? []))];
  const program = argv[0] === undefined ? undefined : known?.binaries?.[argv[0]];
  return program === undefined ? argv : [...program, ...argv.slice(1)];
}
