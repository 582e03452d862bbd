/* global fetch -- browser code */
// Sends one scenario's request with fetch() and reports what the browser let the page see.
// Shared by the demo page (requests from its own origin) and frame.html (requests from the others).

/**
 * @param {string} apiUrl
 * @param {{ method: string, path: string, headers?: Record<string, string>, body?: string, credentials?: RequestCredentials }} request
 * @param {string} tag sent as ?exchange= so the row can find its requests in the server's log
 * @param {string[]} headerNames response headers to try to read
 */
export async function runRequest(apiUrl, request, tag, headerNames) {
  const url = `${apiUrl}${request.path}?exchange=${encodeURIComponent(tag)}`;
  try {
    const response = await fetch(url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      credentials: request.credentials ?? 'same-origin',
    });
    /** @type {Record<string, string | null>} */
    const headers = {};
    for (const name of headerNames) headers[name] = response.headers.get(name);
    const body = await response.text();
    return { outcome: 'response', status: response.status, headers, body: body.slice(0, 200) };
  } catch (error) {
    // A CORS failure: fetch rejects with a TypeError and tells the page nothing else.
    return { outcome: 'blocked', error: String(error) };
  }
}
