// One Lambda function of the local mode, in its own worker thread: loads the handler module named
// by workerData.entry (TypeScript, through tsx) with the private process.env its parent gave this
// thread (only the variables the catalog grants the function), then answers invocations:
// { id, exportName, event } -> { id, ok: true, value } | { id, ok: false, error: { name, message } }.
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const { entry } = workerData;
const loaded = await tsImport(pathToFileURL(entry).href, import.meta.url);
// A CommonJS module (the handlers compile to CJS) shows its exports on `default` too.
const exportsOf = (name) => loaded[name] ?? loaded.default?.[name];

parentPort.on('message', async ({ id, exportName, event }) => {
  try {
    const fn = exportsOf(exportName);
    if (typeof fn !== 'function') throw new Error(`${entry} exports no function ${exportName}`);
    parentPort.postMessage({ id, ok: true, value: await fn(event) });
  } catch (error) {
    const { name = 'Error', message = String(error) } = error instanceof Error ? error : {};
    parentPort.postMessage({ id, ok: false, error: { name, message } });
  }
});
const names = new Set([...Object.keys(loaded), ...Object.keys(loaded.default ?? {})]);
parentPort.postMessage({
  ready: true,
  exports: [...names].filter((n) => typeof exportsOf(n) === 'function'),
});
