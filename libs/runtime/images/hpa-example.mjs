// registry.k8s.io/hpa-example (php-apache): every request burns CPU on a million square roots and
// answers "OK!", which is what the HorizontalPodAutoscaler walkthrough loads.
import { exitOnSignals, serve } from './server.mjs';

exitOnSignals();
serve(80, () => {
  let x = 0.0001;
  for (let i = 0; i <= 1_000_000; i++) x += Math.sqrt(x);
  return { status: 200, body: 'OK!' };
}, { name: 'php-apache' });
