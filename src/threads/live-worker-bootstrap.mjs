// Starts live-worker.ts under tsx; see feature-worker-bootstrap.mjs for why a worker needs this.
import { register } from 'tsx/esm/api';

register();
await import('./live-worker.ts');
