// Failures that carry no error body of the server's, told in one line that says what failed: a status without a
// body (its reason phrase and the request), a connection closed before the answer, and one closed in the middle of
// it. The server is a stand-in that signs in and then fails as told: these are faults, not mimeo's own behaviour.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/stores.ts';

type Answer = (req: IncomingMessage, res: ServerResponse) => void;

/** 100 bytes announced, 10 sent, then the connection closed. */
const cutAfterTen: Answer = (req, res) => {
  res.writeHead(200, { 'content-length': '100', etag: '"e1"', 'content-type': 'application/octet-stream' });
  if (req.method === 'HEAD') return res.end();
  res.write(Buffer.from('0123456789'));
  setTimeout(() => req.socket.destroy(), 50);
};

describe('mimeo when the server gives no error body', () => {
  let server: Server;
  let url: string;
  let tmp: { path: string; remove: () => Promise<void> };
  let answer: Answer = (_req, res) => res.end();

  const mimeo = async (args: string[]) => {
    const r = await runCli(args, {
      cwd: tmp.path,
      env: {
        MIMEO_CLIENT_CONFIG: join(tmp.path, 'client.json'),
        MIMEO_URL: url,
        MIMEO_ACCESS_KEY: 'AK',
        MIMEO_SECRET_KEY: 'secret',
      },
    });
    return { ...r, code: r.code ?? 1 };
  };

  before(async () => {
    tmp = await tempDir('mimeo-cli-nobody');
    server = createServer((req, res) => {
      if (req.url === '/api/v1/auth/token' && req.method === 'POST') {
        req.resume();
        res.writeHead(201, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ token: 't', principal: { name: 'root' } }));
      }
      req.resume();
      answer(req, res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await tmp.remove();
  });

  test('a 503 without a body: the status, its reason phrase and the request', async () => {
    answer = (_req, res) => {
      res.writeHead(503);
      res.end();
    };
    const ls = await mimeo(['ls', ':proj/dir']);
    assert.equal(ls.code, 1);
    assert.equal(ls.stdout, '');
    assert.match(
      ls.stderr,
      /^mimeo: the server answered 503 Service Unavailable to GET \/api\/v1\/projects\/proj\/dirs\/dir\S*\n$/,
    );
    // A body that is not the server's JSON (a proxy's page) is told the same.
    answer = (_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><body>Bad Gateway</body></html>');
    };
    const cat = await mimeo(['cat', ':proj/f.txt']);
    assert.equal(cat.code, 1);
    assert.equal(
      cat.stderr,
      'mimeo: the server answered 502 Bad Gateway to GET /api/v1/projects/proj/files/f.txt\n',
    );
    // A put's file fails on its own line, named.
    writeFileSync(join(tmp.path, 'up.txt'), 'up\n');
    answer = (_req, res) => {
      res.writeHead(503);
      res.end();
    };
    const put = await mimeo(['put', 'up.txt', ':proj/up.txt']);
    assert.equal(put.code, 1);
    assert.equal(
      put.stderr,
      'mimeo: up.txt: the server answered 503 Service Unavailable to PUT /api/v1/projects/proj/files/up.txt\n',
    );
  });

  test('the connection closed before an answer: the server closed it, with the request', async () => {
    answer = (req) => req.socket.destroy();
    const cat = await mimeo(['cat', ':proj/f.txt']);
    assert.equal(cat.code, 1);
    assert.equal(
      cat.stderr,
      `mimeo: the server at ${url} closed the connection before answering GET /api/v1/projects/proj/files/f.txt\n`,
    );
  });

  test('cp --range when the HEAD of the source gives no size: the copy goes on (the server checks the range)', async () => {
    answer = (req, res) => {
      if (req.method === 'HEAD') {
        // No Content-Length: the reply says nothing of the size.
        res.writeHead(200, { 'transfer-encoding': 'chunked' });
        return res.end();
      }
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          mode: 'copy',
          source: { project: 'proj', path: 'f.bin', versionId: 'v1' },
          target: { project: 'proj', path: 'g.bin', versionId: 'null' },
          bytes: 3,
        }),
      );
    };
    const cp = await mimeo(['cp', '--range', '2:3', ':proj/f.bin', ':proj/g.bin']);
    assert.equal(cp.stderr, '');
    assert.equal(cp.code, 0);
    assert.equal(cp.stdout, 'copied :proj/f.bin → :proj/g.bin (3 B, copy)\n');
  });

  test('the connection closed in the middle of an answer: the download named, a get to be resumed', async () => {
    answer = cutAfterTen;
    const cat = await mimeo(['cat', ':proj/f.bin']);
    assert.equal(cat.code, 1);
    assert.equal(cat.stdout, '0123456789');
    assert.equal(
      cat.stderr,
      'mimeo: ConnectionClosed: the server closed the connection during the download of :proj/f.bin\n',
    );
    const get = await mimeo(['get', ':proj/f.bin', 'f.bin']);
    assert.equal(get.code, 1);
    assert.equal(
      get.stderr,
      'mimeo: :proj/f.bin: ConnectionClosed: the server closed the connection during the download, after 10 of 100 bytes (run again, get resumes it)\n',
    );
    assert.equal(readFileSync(join(tmp.path, 'f.bin.mimeo-partial'), 'utf8'), '0123456789');
    assert.equal(existsSync(join(tmp.path, 'f.bin')), false);
    // A JSON answer cut off: the request it answered.
    answer = (req, res) => {
      res.writeHead(200, { 'content-length': '100', 'content-type': 'application/json' });
      res.write('{"entries":[');
      setTimeout(() => req.socket.destroy(), 50);
    };
    const ls = await mimeo(['ls', ':proj/dir']);
    assert.equal(ls.code, 1);
    assert.match(
      ls.stderr,
      /^mimeo: ConnectionClosed: the server closed the connection during its answer to GET \/api\/v1\/projects\/proj\/dirs\/dir\S*\n$/,
    );
  });
});
