// The ceiling peer: a bare node:http server. Tiny requests get "ok"; GET /stream?size=N streams N bytes.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

const chunk = randomBytes(1024 * 1024);
const server = createServer((req, res) => {
  const m = /^\/stream\?size=(\d+)$/.exec(req.url ?? '');
  req.resume();
  req.on('end', () => {
    if (!m) return void res.end('ok');
    const size = Number(m[1]);
    res.writeHead(200, { 'content-length': size });
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        const n = Math.min(chunk.length, size - sent);
        sent += n;
        if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n)))
          return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const a = server.address();
  process.stdout.write(`bare listening on http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
