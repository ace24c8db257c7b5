// Loads TensorFlow.js before tsx's hooks are registered (see save-under-kill.test.ts): its hundreds of
// modules then skip tsx, which halves a child's start-up.
await import('@tensorflow/tfjs');
await import('@tensorflow/tfjs-backend-wasm');
