// The cosDomains setting: `<bucket>.<domain>` is a COS virtual host, for the SDK's `Domain` option on a local name.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import COS from 'cos-nodejs-sdk-v5';
import { BUCKET, type CosEnv, cosRaw, openCos, RAW_ROOT, REGION } from '../helpers/cos.ts';

const DOMAIN = `cos.${REGION}.localhost`;
let env: CosEnv;
let cos: COS;
const at = { Bucket: BUCKET, Region: REGION };
before(async () => {
  env = await openCos(['--cos-domain', DOMAIN]);
  cos = new COS({
    ...RAW_ROOT,
    Protocol: 'http:',
    Domain: `{Bucket}.cos.{Region}.localhost`,
    Ip: env.hostPort,
    AutoSwitchHost: false,
  });
});
after(async () => env.close());

test('the SDK works through a configured local domain', async () => {
  await cos.putBucket(at);
  await cos.putObject({ ...at, Key: 'local.txt', Body: 'on a local name' });
  const g = await cos.getObject({ ...at, Key: 'local.txt' });
  assert.equal(String(g.Body), 'on a local name');
  assert.equal(g.headers?.['server'], 'tencent-cos');
});

test('an unsigned request to the local COS host is COS by its host: COS XML, 403 AccessDenied', async () => {
  const r = await cosRaw(env, {
    method: 'GET',
    path: '/local.txt',
    host: `${BUCKET}.${DOMAIN}`,
    unsigned: true,
  });
  assert.equal(r.status, 403);
  assert.match(r.body, /<Code>AccessDenied<\/Code>.*<TraceId>/s);
  assert.ok(r.headers.get('x-cos-request-id'));
});
