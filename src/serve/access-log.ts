// One access-log line per request: time, method, path, status and milliseconds — never the query string or a body.
import type { IncomingMessage, ServerResponse } from 'node:http';

export function accessLogLine(req: IncomingMessage, res: ServerResponse, ms: number): string {
  const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
  // Paths are client text: control characters are escaped so a request cannot forge log lines.
  const path = JSON.stringify(rawPath.length > 300 ? `${rawPath.slice(0, 300)}…` : rawPath).slice(1, -1);
  const method = JSON.stringify((req.method ?? '-').slice(0, 16)).slice(1, -1);
  const status = res.writableFinished ? res.statusCode : `${res.statusCode}(aborted)`;
  return `${new Date().toISOString()} ${method} ${path} ${status} ${ms.toFixed(1)}ms`;
}
