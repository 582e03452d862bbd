/* global document, window, location -- browser code, served to the demo frames */
// Runs requests for the demo page from this frame's origin (partner, look-alike, outsider).
import { runRequest } from './runner.js';

const config = JSON.parse(document.getElementById('demo-config').textContent);

window.addEventListener('message', async (event) => {
  // Only the demo page may ask this frame to send requests.
  if (event.origin !== config.origins.app || event.source !== window.parent) return;
  const { id, request, tag, headerNames } = event.data;
  const result = await runRequest(config.apiUrl, request, tag, headerNames);
  window.parent.postMessage({ id, result }, config.origins.app);
});

if (window.parent !== window) window.parent.postMessage({ ready: true }, config.origins.app);
document.getElementById('origin').textContent = location.origin;
