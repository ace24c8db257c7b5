/**
 * What `@tensorflow/tfjs` is in the in-tab bundle: its core and the cpu backend (the wasm backend
 * registers itself where select-backend imports it). The union package would add webgl, layers,
 * the converter and data, none of which the learner uses, to every page load. Every `tf.*` the
 * learner's browser path calls is in tfjs-core (`tf.version`, used only by the saver, is not).
 */
export * from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
