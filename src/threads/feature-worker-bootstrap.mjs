// A worker thread starts with Node's own loader: a .ts entry fails with "Unknown file extension",
// even when the parent process runs tsx (hooks from `register()` in bin/phonestream.js stay on the
// main thread; `--import tsx` under the test runner is inherited but does not make Worker accept a
// .ts entry). So the worker starts here, in plain JavaScript, registers tsx for itself (resolved
// from this package, whatever the working directory), then loads the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./feature-worker.ts');
