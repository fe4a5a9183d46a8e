// What every dialect owes its clients, run against each dialect in src/http/dialects.ts through the real server:
// requests without credentials are refused in its shape, unknown names are 404 in its shape, bad input is a 4xx in
// its shape (never a 5xx), and large bodies go both ways as streams with ranges. A dialect without probes here fails.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import COS from 'cos-nodejs-sdk-v5';
import { DIALECTS } from '../src/http/dialects.ts';
import { BUCKET, cosRaw, RAW_ROOT, REGION } from './helpers/cos.ts';
import { bytes } from './helpers/data.ts';
import { openS3, ROOT_KEYS, rawSigned, type S3Env } from './helpers/s3.ts';

interface Answer {
  status: number;
  contentType: string | null;
  body: string;
  /** The Content-Length header. */
  length?: string | null;
}

/** How to reach one dialect, and how its error bodies name their code. */
interface Probes {
  codeOf(a: Answer): string | undefined;
  /** A request that needs credentials, sent without them. */
  anonymous(): Promise<Answer>;
  /** Names or ids that do not exist: of every shape the dialect takes. */
  unknown(): Promise<Answer[]>;
  /** Malformed requests of several kinds. */
  bad(): Promise<Answer[]>;
  /** A GET or a HEAD of a file that does not exist. */
  missing(method: 'GET' | 'HEAD'): Promise<Answer>;
  /** The API has no HEAD (Qumulo's, Seven Bridges'): a HEAD is a route not found, whatever the GET finds. */
  noHead?: boolean;
  /** Stores `data` and reads back the range [first, last]; absent for a dialect that stores nothing. */
  roundTrip?(
    data: Buffer,
    first: number,
    last: number,
  ): Promise<{ stored: number; ranged: Answer; bytes: Buffer }>;
  /** The content type of its error bodies. */
  errorType: RegExp;
  /** A file API reads a window with 200 (no Content-Range); HTTP ranges are 206. */
  windowReads?: boolean;
}

let env: S3Env;
let token: string;
let computeSid: Promise<string> | undefined;

/** A SAS Compute session of root's, made once, in the first context the service lists. */
function computeSession(): Promise<string> {
  computeSid ??= (async () => {
    const auth = { authorization: `Bearer ${token}` };
    const contexts = (await (
      await fetch(`${env.server.url}/compute/contexts`, { headers: auth })
    ).json()) as {
      items: { id: string }[];
    };
    const r = await fetch(`${env.server.url}/compute/contexts/${contexts.items[0]!.id}/sessions`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(r.status, 201);
    return ((await r.json()) as { id: string }).id;
  })();
  return computeSid;
}
const answer = async (r: Response): Promise<Answer> =>
  rawAnswer({ status: r.status, headers: r.headers, body: await r.text() });
/** An answer read by a raw client (a signed S3 or COS request). */
const rawAnswer = (r: { status: number; headers: Headers; body: string }): Answer => ({
  status: r.status,
  contentType: r.headers.get('content-type'),
  body: r.body,
  length: r.headers.get('content-length'),
});

/** A SAS error body's errorCode. */
const sasErrorCode = (a: Answer) => {
  const b = JSON.parse(a.body) as {
    version?: number;
    httpStatusCode?: number;
    errorCode?: unknown;
    message?: unknown;
  };
  return b.version === 2 &&
    b.httpStatusCode === a.status &&
    typeof b.message === 'string' &&
    typeof b.errorCode === 'number'
    ? String(b.errorCode)
    : undefined;
};

let sasFolderId: string | undefined;
/** The UUID of a folder `sas` in the project `conf`, made once through the native API. */
async function sasFolder(): Promise<string> {
  if (sasFolderId) return sasFolderId;
  const r = await fetch(`${env.server.url}/api/v1/projects/conf/dirs/sas`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}` },
  });
  sasFolderId = ((await r.json()) as { ids: { uuid: string } }).ids.uuid;
  return sasFolderId;
}

const PROBES: Record<string, Probes> = {
  native: {
    errorType: /^application\/json/,
    codeOf: (a) => (JSON.parse(a.body) as { error?: { code?: string } }).error?.code,
    anonymous: async () => answer(await fetch(`${env.server.url}/api/v1/projects`)),
    missing: async (method) =>
      answer(
        await fetch(`${env.server.url}/api/v1/projects/conf/files/no-such-file`, {
          method,
          headers: { authorization: `Bearer ${token}` },
        }),
      ),
    unknown: async () => {
      const get = (path: string) =>
        fetch(`${env.server.url}${path}`, { headers: { authorization: `Bearer ${token}` } }).then(answer);
      return Promise.all([
        get('/api/v1/projects/no-such-project'),
        get('/api/v1/projects/conf/dirs/no/such/dir'),
        // An entry id of each shape: row id, decimal (Qumulo), 24 hex (Seven Bridges), UUID (SAS).
        get(`/api/v1/entries/d${'0'.repeat(31)}1`),
        get('/api/v1/entries/9007199254740991'),
        get('/api/v1/entries/0000000000000000ffffffff'),
        get('/api/v1/entries/6d696d65-6f00-8000-8fff-ffffffffffff'),
      ]);
    },
    bad: async () => {
      const auth = { authorization: `Bearer ${token}` };
      return Promise.all([
        fetch(`${env.server.url}/api/v1/projects`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: '{"name": ',
        }).then(answer),
        fetch(`${env.server.url}/api/v1/projects`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'text/plain' },
          body: 'name=x',
        }).then(answer),
        fetch(`${env.server.url}/api/v1/projects/conf/files/%ZZ`, { headers: auth }).then(answer),
        fetch(`${env.server.url}/api/v1/projects/conf/files/a//b`, { headers: auth }).then(answer),
        fetch(`${env.server.url}/api/v1/entries/12ab`, { headers: auth }).then(answer),
        fetch(`${env.server.url}/api/v1/entries/6d696d65-6f00-4000-8000-000000000001`, {
          headers: auth,
        }).then(answer),
        fetch(`${env.server.url}/api/v1/projects/conf/dirs/a/..%2Fb`, { method: 'PUT', headers: auth }).then(
          answer,
        ),
        fetch(`${env.server.url}/api/v1/projects/conf/dirs/?limit=-1`, { headers: auth }).then(answer),
        fetch(`${env.server.url}/api/v1/move`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({
            source: { project: 'conf', path: '' },
            target: { project: 'conf', path: 'x' },
          }),
        }).then(answer),
        fetch(`${env.server.url}/api/v1/copy`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ source: { project: 'conf', path: 'x', offset: -1 }, target: {} }),
        }).then(answer),
      ]);
    },
    roundTrip: async (data, first, last) => {
      const auth = { authorization: `Bearer ${token}` };
      const put = await fetch(`${env.server.url}/api/v1/projects/conf/files/native-big`, {
        method: 'PUT',
        headers: auth,
        body: data,
      });
      const r = await fetch(`${env.server.url}/api/v1/projects/conf/files/native-big`, {
        headers: { ...auth, range: `bytes=${first}-${last}` },
      });
      return {
        stored: put.status,
        ranged: { status: r.status, contentType: r.headers.get('content-range'), body: '' },
        bytes: Buffer.from(await r.arrayBuffer()),
      };
    },
  },
  qumulo: {
    errorType: /^application\/json$/,
    windowReads: true,
    codeOf: (a) => (JSON.parse(a.body) as { error_class?: string }).error_class,
    anonymous: async () => answer(await fetch(`${env.server.url}/v1/files/%2Fconf%2F/entries/`)),
    noHead: true,
    missing: async (method) =>
      answer(
        await fetch(`${env.server.url}/v1/files/%2Fconf%2Fno%2Fsuch/info/attributes`, {
          method,
          headers: { authorization: `Bearer ${token}` },
        }),
      ),
    unknown: async () => {
      const get = (path: string) =>
        fetch(`${env.server.url}${path}`, { headers: { authorization: `Bearer ${token}` } }).then(answer);
      return Promise.all([
        get('/v1/files/%2Fno-such-project%2F/entries/'),
        get('/v1/files/%2Fconf%2Fno%2Fsuch/info/attributes'),
        get('/v1/files/9007199254740991/info/attributes'),
        get('/v1/files/123456789/data'),
        get('/v1/no-such-route'),
      ]);
    },
    bad: async () => {
      const auth = { authorization: `Bearer ${token}` };
      const post = (path: string, body: string, type = 'application/json') =>
        fetch(`${env.server.url}${path}`, {
          method: 'POST',
          headers: { ...auth, 'content-type': type },
          body,
        }).then(answer);
      return Promise.all([
        post('/v1/files/%2Fconf%2F/entries/', '{"name": '),
        post('/v1/files/%2Fconf%2F/entries/', 'name=x', 'text/plain'),
        post('/v1/files/%2Fconf%2F/entries/', '{"name": "a/b", "action": "CREATE_FILE"}'),
        post('/v1/files/%2Fconf%2F/entries/', '{"name": "x", "action": "CREATE_SYMLINK"}'),
        post('/v1/files/%2Fconf%2Fa%2F..%2Fb/copy-chunk', '{"source_path": "/conf/x"}'),
        post('/v1/files/%2Fconf%2F/copy-chunk', '{"source_id": "1", "source_path": "/conf/x"}'),
        post('/v1/files/%2Fconf%2F/copy-chunk', '{"source_path": "/conf/x", "length": "1e3"}'),
        fetch(`${env.server.url}/v1/files/%2Fconf%2F/entries/?limit=-1`, { headers: auth }).then(answer),
        fetch(`${env.server.url}/v1/files/%ZZ/info/attributes`, { headers: auth }).then(answer),
        fetch(`${env.server.url}/v1/files/12ab/info/attributes`, { headers: auth }).then(answer),
      ]);
    },
    roundTrip: async (data, first, last) => {
      const auth = { authorization: `Bearer ${token}` };
      await fetch(`${env.server.url}/v1/files/%2Fconf%2F/entries/`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'qumulo-big', action: 'CREATE_FILE' }),
      });
      const put = await fetch(`${env.server.url}/v1/files/%2Fconf%2Fqumulo-big/data`, {
        method: 'PUT',
        headers: { ...auth, 'content-type': 'application/octet-stream' },
        body: data,
      });
      await put.arrayBuffer();
      const r = await fetch(
        `${env.server.url}/v1/files/%2Fconf%2Fqumulo-big/data?offset=${first}&length=${last - first + 1}`,
        { headers: auth },
      );
      return {
        stored: put.status,
        ranged: { status: r.status, contentType: r.headers.get('content-type'), body: '' },
        bytes: Buffer.from(await r.arrayBuffer()),
      };
    },
  },
  sevenbridges: {
    errorType: /^application\/json/,
    codeOf: (a) => {
      const b = JSON.parse(a.body) as {
        status?: number;
        code?: number;
        message?: string;
        more_info?: string;
      };
      return b.status && typeof b.code === 'number' && b.message && b.more_info ? String(b.code) : undefined;
    },
    anonymous: async () => answer(await fetch(`${env.server.url}/v2/projects`)),
    noHead: true,
    missing: async (method) =>
      answer(
        await fetch(`${env.server.url}/v2/files/ffffffffffffffffffffffff`, {
          method,
          headers: { 'x-sbg-auth-token': token },
        }),
      ),
    unknown: async () => {
      const get = (path: string) =>
        fetch(`${env.server.url}${path}`, { headers: { 'x-sbg-auth-token': token } }).then(answer);
      return Promise.all([
        get('/v2/projects/root/no-such-project'),
        get('/v2/files/ffffffffffffffffffffffff'),
        get('/v2/files?project=root/no-such-project'),
        get('/v2/no-such-route'),
        get('/v2/async/files/copy/j00000000000000000000000000000000'),
      ]);
    },
    bad: async () => {
      const auth = { 'x-sbg-auth-token': token, 'content-type': 'application/json' };
      const post = (path: string, body: string) =>
        fetch(`${env.server.url}${path}`, { method: 'POST', headers: auth, body }).then(answer);
      return Promise.all([
        post('/v2/files/xyz/actions/copy', '{"project": "root/conf"}'),
        post('/v2/files/ffffffffffffffffffffffff/actions/copy', '{"project": "conf"}'),
        post('/v2/files/ffffffffffffffffffffffff/actions/copy', '{"project": "root/conf", "parent": "x"}'),
        post('/v2/files/ffffffffffffffffffffffff/actions/copy', '{}'),
        post('/v2/files', '{"name": "a/b", "type": "folder", "project": "root/conf"}'),
        post('/v2/files', '[1, 2]'),
        post('/v2/files', '{"name": '),
        post('/v2/upload/multipart', '{"project": "root/conf", "name": 7}'),
        fetch(`${env.server.url}/v2/files?project=root/conf&limit=-1`, { headers: auth }).then(answer),
        fetch(`${env.server.url}/sbg-download/not.a-token`).then(answer),
      ]);
    },
    roundTrip: async (data, first, last) => {
      const auth = { 'x-sbg-auth-token': token, 'content-type': 'application/json' };
      const json = async (r: Promise<Response>) => (await (await r).json()) as Record<string, string>;
      const up = await json(
        fetch(`${env.server.url}/v2/upload/multipart?overwrite=true`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ project: 'root/conf', name: 'sbg-big', size: data.length }),
        }),
      );
      const part = await json(
        fetch(`${env.server.url}/v2/upload/multipart/${up['upload_id']}/part/1`, { headers: auth }),
      );
      const put = await fetch(part['url']!, { method: 'PUT', body: data });
      await put.arrayBuffer();
      const file = await json(
        fetch(`${env.server.url}/v2/upload/multipart/${up['upload_id']}/complete`, {
          method: 'POST',
          headers: auth,
        }),
      );
      const info = await json(
        fetch(`${env.server.url}/v2/files/${file['id']}/download_info`, { headers: auth }),
      );
      const r = await fetch(info['url']!, { headers: { range: `bytes=${first}-${last}` } });
      return {
        stored: put.status,
        ranged: { status: r.status, contentType: r.headers.get('content-range'), body: '' },
        bytes: Buffer.from(await r.arrayBuffer()),
      };
    },
  },
  'sas-logon': {
    // SAS Logon for now: it stores nothing, so it has no round trip.
    errorType: /^application\/json$/,
    codeOf: (a) => {
      const b = JSON.parse(a.body) as { error?: unknown; error_description?: unknown };
      return typeof b.error === 'string' && typeof b.error_description === 'string' ? b.error : undefined;
    },
    anonymous: async () =>
      answer(
        await fetch(`${env.server.url}/SASLogon/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=password&username=root&password=x',
        }),
      ),
    missing: async (method) => answer(await fetch(`${env.server.url}/SASLogon/no-such-route`, { method })),
    unknown: async () =>
      Promise.all([
        fetch(`${env.server.url}/SASLogon/no-such-route`).then(answer),
        fetch(`${env.server.url}/SASLogon/oauth/no-such-endpoint`).then(answer),
        fetch(`${env.server.url}/SASLogon/oauth/authorize`, { method: 'POST' }).then(answer),
      ]),
    bad: async () => {
      const post = (type: string | undefined, body: string, auth = 'Basic c2FzLmNsaTo=') =>
        fetch(`${env.server.url}/SASLogon/oauth/token`, {
          method: 'POST',
          headers: { authorization: auth, ...(type ? { 'content-type': type } : {}) },
          body,
        }).then(answer);
      const form = 'application/x-www-form-urlencoded';
      return Promise.all([
        post('application/json', '{"grant_type": "password"}'),
        post(undefined, 'grant_type=password'),
        post(form, 'grant_type=password&username=root'),
        post(form, 'grant_type=implicit'),
        post(form, 'grant_type=refresh_token&refresh_token=nope'),
        post(form, `grant_type=password&password=${'x'.repeat(40_000)}`),
        post('multipart/form-data; boundary=q', '--q\r\nbroken'),
        post(form, 'grant_type=client_credentials'),
        post(form, 'grant_type=password&username=root&password=x', 'Basic %%%'),
        post(form, 'grant_type=password&username=a&password=b&grant_type=password'),
      ]);
    },
  },
  'sas-files': {
    errorType: /^application\/vnd\.sas\.error\+json$/,
    codeOf: sasErrorCode,
    anonymous: async () => answer(await fetch(`${env.server.url}/files/files?parentUri=/folders/folders/x`)),
    missing: async (method) =>
      answer(
        await fetch(`${env.server.url}/files/files/6d696d65-6f00-8000-8fff-ffffffffff00`, {
          method,
          headers: { authorization: `Bearer ${token}` },
        }),
      ),
    unknown: async () => {
      const auth = { authorization: `Bearer ${token}` };
      const none = '6d696d65-6f00-8000-8fff-ffffffffff00';
      return Promise.all([
        fetch(`${env.server.url}/files/files/${none}`, { headers: auth }).then(answer),
        fetch(`${env.server.url}/files/files/${none}/content`, { headers: auth }).then(answer),
        fetch(`${env.server.url}/files/files/${none}/copy`, { method: 'POST', headers: auth }).then(answer),
        fetch(`${env.server.url}/files/files?parentUri=/folders/folders/${none}`, { headers: auth }).then(
          answer,
        ),
        fetch(`${env.server.url}/files/no-such-route`, { headers: auth }).then(answer),
      ]);
    },
    bad: async () => {
      const auth = { authorization: `Bearer ${token}` };
      const folder = await sasFolder();
      const post = (path: string, headers: Record<string, string>, body?: string) =>
        fetch(`${env.server.url}${path}`, { method: 'POST', headers: { ...auth, ...headers }, body }).then(
          answer,
        );
      const name = { 'content-disposition': 'attachment; filename="x.txt"', 'content-type': 'text/plain' };
      return Promise.all([
        post('/files/files', name, 'x'),
        post('/files/files?parentFolderUri=/folders/folders/not-a-uuid', name, 'x'),
        post(`/files/files?parentFolderUri=/files/files/${folder}`, name, 'x'),
        post(`/files/files?parentFolderUri=/folders/folders/${folder}&expirationTimeStamp=soon`, name, 'x'),
        post(
          `/files/files?parentFolderUri=/folders/folders/${folder}`,
          { 'content-type': 'text/plain' },
          'x',
        ),
        post(
          `/files/files?parentFolderUri=/folders/folders/${folder}`,
          { 'content-type': 'multipart/form-data; boundary=q' },
          '--q\r\nbroken',
        ),
        post('/files/files/not-a-uuid/copy', {}),
        fetch(`${env.server.url}/files/files?parentUri=/folders/folders/${folder}&filter=eq(name`, {
          headers: auth,
        }).then(answer),
        fetch(`${env.server.url}/files/files?parentUri=/folders/folders/${folder}&limit=-1`, {
          headers: auth,
        }).then(answer),
        fetch(`${env.server.url}/files/files?parentUri=/folders/folders/${folder}`, {
          headers: { ...auth, accept: 'application/vnd.sas.collection+json;version=9' },
        }).then(answer),
      ]);
    },
    roundTrip: async (data, first, last) => {
      const auth = { authorization: `Bearer ${token}` };
      const folder = await sasFolder();
      const put = await fetch(`${env.server.url}/files/files?parentFolderUri=/folders/folders/${folder}`, {
        method: 'POST',
        headers: {
          ...auth,
          'content-type': 'application/octet-stream',
          'content-disposition': 'filename="sas-big"',
        },
        body: data,
      });
      const made = (await put.json()) as { id: string };
      const r = await fetch(`${env.server.url}/files/files/${made.id}/content`, {
        headers: { ...auth, range: `bytes=${first}-${last}` },
      });
      return {
        stored: put.status,
        ranged: { status: r.status, contentType: r.headers.get('content-range'), body: '' },
        bytes: Buffer.from(await r.arrayBuffer()),
      };
    },
  },
  'sas-compute': {
    errorType: /^application\/vnd\.sas\.error\+json$/,
    codeOf: sasErrorCode,
    anonymous: async () => answer(await fetch(`${env.server.url}/compute/contexts`)),
    missing: async (method) =>
      answer(
        await fetch(`${env.server.url}/compute/sessions/no-such-session`, {
          method,
          headers: { authorization: `Bearer ${token}` },
        }),
      ),
    unknown: async () => {
      const sid = await computeSession();
      const get = (path: string) =>
        fetch(`${env.server.url}${path}`, { headers: { authorization: `Bearer ${token}` } }).then(answer);
      const files = `/compute/sessions/${sid}/files`;
      return Promise.all([
        get('/compute/contexts/no-such-context'),
        get('/compute/sessions/no-such-session'),
        get('/compute/sessions/no-such-session/files/~fs~conf'),
        get(`${files}/${encodeURIComponent('~fs~no-such-project~fs~a.txt')}`),
        get(`${files}/~fs~conf~fs~no~fs~such/members`),
        get(`${files}/~fs~conf~fs~nothing.txt/content`),
        get('/compute/no-such-route'),
      ]);
    },
    bad: async () => {
      const sid = await computeSession();
      const files = `${env.server.url}/compute/sessions/${sid}/files`;
      const auth = { authorization: `Bearer ${token}` };
      const copy = 'application/vnd.sas.compute.file.request+json';
      const post = (path: string, body: string, type: string | undefined = copy) =>
        fetch(`${files}/${path}`, {
          method: 'POST',
          headers: { ...auth, ...(type ? { 'content-type': type } : {}) },
          body,
        }).then(answer);
      const source = '{"name": "compute-big", "path": "/conf"}';
      return Promise.all([
        post('~fs~conf~fs~x', '{"name": '),
        post('~fs~conf~fs~x', ''),
        post('~fs~conf~fs~x', '{"path": "/conf"}'),
        post('~fs~conf~fs~x', source, 'text/plain'),
        post('~fs~conf~fs~x', source, undefined),
        post('~fs~conf~fs~x~zz~', source),
        post(encodeURIComponent('~fs~..~fs~..~fs~x'), source),
        post('~fs~conf~fs~x', JSON.stringify({ name: 'x'.repeat(200_000) })),
        post('~fs~conf~fs~x?overwrite=maybe', source),
        post('~fs~conf~fs~x', '{"name": "conf", "path": "/"}'),
        fetch(`${files}/~fs~conf/members?limit=-1`, { headers: auth }).then(answer),
        fetch(`${files}/%ZZ`, { headers: auth }).then(answer),
        fetch(`${files}/~fs~conf`, {
          headers: { ...auth, accept: 'application/vnd.sas.compute.file.properties+json;version=2' },
        }).then(answer),
      ]);
    },
    roundTrip: async (data, first, last) => {
      const sid = await computeSession();
      const at = `${env.server.url}/compute/sessions/${sid}/files/~fs~conf~fs~compute-big/content`;
      const auth = { authorization: `Bearer ${token}` };
      // A new file: no If-Match.
      const created = await fetch(at, {
        method: 'PUT',
        headers: { ...auth, 'content-type': 'application/octet-stream' },
        body: data,
      });
      await created.arrayBuffer();
      const r = await fetch(at, { headers: { ...auth, range: `bytes=${first}-${last}` } });
      return {
        stored: created.status,
        ranged: { status: r.status, contentType: r.headers.get('content-range'), body: '' },
        bytes: Buffer.from(await r.arrayBuffer()),
      };
    },
  },
  s3: {
    errorType: /^application\/xml/,
    codeOf: (a) => /<Code>([^<]*)<\/Code>/.exec(a.body)?.[1],
    anonymous: async () => answer(await fetch(`${env.server.s3Url}/conf?list-type=2`)),
    missing: async (method) =>
      rawAnswer(await rawSigned(`${env.server.s3Url}/conf/no-such-key`, { method, ...ROOT_KEYS })),
    unknown: async () => {
      const r = await rawSigned(`${env.server.s3Url}/no-such-bucket?list-type=2`, {
        method: 'GET',
        ...ROOT_KEYS,
      });
      return [rawAnswer(r)];
    },
    bad: async () =>
      Promise.all(
        [
          { method: 'POST', path: '/conf?delete', body: '<Delete><Object><Key>k</Key>' },
          { method: 'PUT', path: '/conf?tagging', body: '<!DOCTYPE x [<!ENTITY e "v">]><Tagging/>' },
          { method: 'GET', path: '/conf/k', headers: { range: 'bytes=9-1' } },
          { method: 'PUT', path: '/conf/a//b', body: 'x' },
          { method: 'GET', path: '/conf?list-type=2&max-keys=-1' },
        ].map(async (o) => {
          const r = await rawSigned(`${env.server.s3Url}${o.path}`, { ...o, ...ROOT_KEYS });
          return rawAnswer(r);
        }),
      ),
    roundTrip: async (data, first, last) => {
      const put = await env.client.send(new PutObjectCommand({ Bucket: 'conf', Key: 's3-big', Body: data }));
      const r = await env.client.send(
        new GetObjectCommand({ Bucket: 'conf', Key: 's3-big', Range: `bytes=${first}-${last}` }),
      );
      return {
        stored: put.$metadata.httpStatusCode ?? 0,
        ranged: { status: r.$metadata.httpStatusCode ?? 0, contentType: r.ContentRange ?? null, body: '' },
        bytes: Buffer.from(await r.Body!.transformToByteArray()),
      };
    },
  },
  cos: {
    errorType: /^application\/xml/,
    codeOf: (a) => /<Code>([^<]*)<\/Code>.*<TraceId>[^<]+<\/TraceId><\/Error>$/s.exec(a.body)?.[1],
    anonymous: async () => {
      await cosBucket();
      return cosAnswer({ method: 'GET', path: '/', unsigned: true });
    },
    missing: async (method) => {
      await cosBucket();
      return cosAnswer({ method, path: '/no/such/key' });
    },
    unknown: async () => {
      await cosBucket();
      return Promise.all([
        cosAnswer({ method: 'GET', path: '/no/such/key' }),
        cosAnswer({ method: 'GET', path: '/', host: `nothere-1250000000.cos.${REGION}.myqcloud.com` }),
        cosAnswer({ method: 'DELETE', path: '/k?uploadId=nosuchupload' }),
      ]);
    },
    bad: async () => {
      await cosBucket();
      const { hostPort } = cosTarget();
      const sdk = new COS({ ...RAW_ROOT, Protocol: 'http:', Ip: hostPort, AutoSwitchHost: false });
      const { UploadId } = await sdk.multipartInit({ Bucket: BUCKET, Region: REGION, Key: 'k' });
      const part = (n: number) => `/k?partNumber=${n}&uploadId=${encodeURIComponent(UploadId)}`;
      const src = { 'x-cos-copy-source': `${BUCKET}.cos.${REGION}.myqcloud.com/k` };
      return Promise.all([
        cosAnswer({ method: 'PUT', path: part(0), headers: src }),
        cosAnswer({ method: 'PUT', path: part(10001), headers: src }),
        cosAnswer({ method: 'PUT', path: part(1), headers: { 'x-cos-copy-source': 'not a source' } }),
        cosAnswer({
          method: 'PUT',
          path: part(1),
          headers: { ...src, 'x-cos-copy-source-range': 'bytes=9-1' },
        }),
        cosAnswer({
          method: 'PUT',
          path: part(1),
          headers: { ...src, 'x-cos-copy-source-if-match': '"a"', 'x-cos-copy-source-if-none-match': '"b"' },
        }),
        cosAnswer({ method: 'GET', path: '/k', keys: { SecretId: RAW_ROOT.SecretId, SecretKey: 'wrong' } }),
        cosAnswer({ method: 'GET', path: '/k', keyTime: '1;2' }),
        cosAnswer({ method: 'PUT', path: '/a//b', body: 'x' }),
        cosAnswer({ method: 'GET', path: '/?max-keys=-1' }),
      ]);
    },
    roundTrip: async (data, first, last) => {
      await cosBucket();
      const sdk = new COS({
        ...RAW_ROOT,
        Protocol: 'http:',
        Ip: cosTarget().hostPort,
        AutoSwitchHost: false,
      });
      const at = { Bucket: BUCKET, Region: REGION, Key: 'cos-big' };
      const put = await sdk.putObject({ ...at, Body: data });
      const r = await sdk.getObject({ ...at, Range: `bytes=${first}-${last}` });
      return {
        stored: put.statusCode ?? 0,
        ranged: { status: r.statusCode ?? 0, contentType: r.headers?.['content-range'] ?? null, body: '' },
        bytes: Buffer.from(r.Body),
      };
    },
  },
};

const cosTarget = () => ({ hostPort: new URL(env.server.s3Url).host });
const cosAnswer = async (o: Parameters<typeof cosRaw>[1]): Promise<Answer> => {
  return rawAnswer(await cosRaw(cosTarget(), o));
};
let cosBucketMade: Promise<unknown> | undefined;
/** The COS bucket the probes use, made once. */
const cosBucket = () => {
  cosBucketMade ??= cosRaw(cosTarget(), { method: 'PUT', path: '/' });
  return cosBucketMade;
};

before(async () => {
  env = await openS3();
  token = await env.server.token();
  const r = await fetch(`${env.server.url}/api/v1/projects`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'conf' }),
  });
  assert.equal(r.status, 201);
});
after(async () => env.close());

test('every dialect has probes', () => {
  assert.deepEqual(
    DIALECTS.map((d) => d.name).filter((n) => !PROBES[n]),
    [],
  );
});

for (const d of DIALECTS) {
  const p = PROBES[d.name];
  if (!p) continue;
  describe(`dialect ${d.name}`, () => {
    test('a request without credentials is refused, in its own shape', async () => {
      const a = await p.anonymous();
      assert.ok(a.status === 401 || a.status === 403, String(a.status));
      assert.match(a.contentType ?? '', p.errorType);
      assert.ok(p.codeOf(a), a.body);
    });

    test('an unknown name or id is 404, in its own shape', async () => {
      for (const a of await p.unknown()) {
        assert.equal(a.status, 404, a.body);
        assert.match(a.contentType ?? '', p.errorType);
        assert.ok(p.codeOf(a), a.body);
      }
    });

    test('bad input is a 4xx in its own shape, never a 5xx', async () => {
      for (const [i, a] of (await p.bad()).entries()) {
        assert.ok(a.status >= 400 && a.status < 500, `case ${i}: ${a.status} ${a.body}`);
        assert.match(a.contentType ?? '', p.errorType, a.body);
        assert.ok(p.codeOf(a), a.body);
      }
    });

    test("an error answer to HEAD has the GET's status, Content-Type and Content-Length, and no body", async () => {
      const get = await p.missing('GET');
      const head = await p.missing('HEAD');
      assert.equal(get.status, 404, get.body);
      assert.equal(get.length, String(Buffer.byteLength(get.body)));
      if (p.noHead) {
        // Its own error (no route for HEAD, a message of another length): the type and a length, no body.
        assert.deepEqual([head.status, head.contentType, head.body], [404, get.contentType, '']);
        assert.ok(Number(head.length) > 0, String(head.length));
        return;
      }
      assert.deepEqual(
        { status: head.status, contentType: head.contentType, length: head.length, body: head.body },
        { status: get.status, contentType: get.contentType, length: get.length, body: '' },
      );
    });

    const { roundTrip } = p;
    test('a large body is stored and read back by range, byte for byte', {
      skip: roundTrip ? false : `the ${d.name} dialect stores no data`,
    }, async () => {
      if (!roundTrip) return;
      const data = bytes(9 * 1024 * 1024 + 17, 3);
      const first = 4 * 1024 * 1024 - 5;
      const last = 8 * 1024 * 1024 + 9;
      const r = await roundTrip(data, first, last);
      assert.ok(r.stored === 200 || r.stored === 201, String(r.stored));
      if (p.windowReads) assert.equal(r.ranged.status, 200);
      else {
        assert.equal(r.ranged.status, 206);
        assert.equal(r.ranged.contentType, `bytes ${first}-${last}/${data.length}`);
      }
      assert.ok(r.bytes.equals(data.subarray(first, last + 1)));
    });
  });
}

test('none of the above was a server error', () => {
  assert.doesNotMatch(env.server.stdout() + env.server.stderr(), /"level":50/);
});
