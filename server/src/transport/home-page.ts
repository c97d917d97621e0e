/** What `/` shows until the web client is served: what is running and where the API is. */
export function homePage(): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Roundtable</title>
<style>body{font:1.1rem/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#111;background:#fff}a{color:#0645ad}code{background:#f3f3f3;padding:0 .2em}</style></head>
<body><main>
<h1>Roundtable is running</h1>
<p>Real-time deliberation rooms: plenary, diverse breakout groups of five, a timed agenda, report-back.</p>
<ul>
<li><a href="/api/openapi.json">REST API (OpenAPI 3.1)</a></li>
<li><a href="/healthz">Health</a> · <a href="/readyz">Readiness</a></li>
</ul>
<p>Participants join through the invite links the organizer hands out; live sessions run over socket.io at <code>/socket.io</code>.</p>
</main></body></html>`;
}
