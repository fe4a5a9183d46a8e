// What an S3 command is given: the parsed request (bucket, key, query, headers), the principal and the body.
import type { FastifyReply } from 'fastify';
import type { AuthDeps } from '../../auth/principals.ts';
import type { Principal } from '../../core/model.ts';
import type { Flavor } from './flavor.ts';
import type { XmlNode, XmlValue } from './xml.ts';
import { XmlSequence, xmlDocument } from './xml.ts';

export interface S3Deps extends AuthDeps {
  /** Domains for virtual-hosted addressing: `bucket.<domain>`. */
  domains: string[];
  region: string;
  /** The server's region when `region` is the one the request's host names (a COS host): see Flavor.hostRegion. */
  alsoRegion?: string;
  /** The smallest part but the last in a multipart upload. */
  minPartSize: number;
  /** Domains for Tencent COS's virtual hosts besides its own (`<bucket>-<appid>.<domain>`). */
  cosDomains: string[];
}

export interface S3Context {
  deps: S3Deps;
  /** S3 itself or the relative (COS) the request came in; commands read its differences from here. */
  flavor: Flavor;
  reply: FastifyReply;
  requestId: string;
  method: string;
  bucket: string | undefined;
  key: string | undefined;
  /** Whether the Host header named the bucket (virtual-hosted addressing), not the path. */
  virtualHosted: boolean;
  query: Map<string, string>;
  headers: Record<string, string>;
  principal: Principal;
  body: AsyncIterable<Uint8Array>;
  decodedLength: number | undefined;
  trailers: Record<string, string>;
  chunked: boolean;
  /** Aborts when the client goes away before its response is finished. */
  signal: AbortSignal;
}

/** A flavor without S3's checksums gets none of the `Checksum*` elements, at any depth (a listing's parts too). */
const withoutChecksums = (node: XmlNode): XmlNode =>
  Object.fromEntries(
    Object.entries(node)
      .filter(([k]) => !k.startsWith('Checksum'))
      .map(([k, v]) => [k, stripValue(v)]),
  );

function stripValue(v: XmlValue): XmlValue {
  if (Array.isArray(v)) return v.map(stripValue);
  if (v instanceof XmlSequence)
    return new XmlSequence(
      v.items.filter(([t]) => !t.startsWith('Checksum')).map(([t, x]) => [t, stripValue(x)]),
    );
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)
    return withoutChecksums(v as XmlNode);
  return v;
}

/**
 * Sends an XML document in the request's flavor, encoded once here: as a string, its length would be measured in a
 * pass of its own.
 */
export function sendXml(ctx: S3Context, status: number, root: string, b: XmlNode): FastifyReply {
  const { xml } = ctx.flavor;
  const body = xml.checksums ? b : withoutChecksums(b);
  return ctx.reply
    .code(status)
    .type('application/xml')
    .send(Buffer.from(xmlDocument(root, body, { namespace: xml.namespace, escapeQuotes: xml.escapeQuotes })));
}

/**
 * S3's timestamp form, to the second with zero milliseconds. The last second's text is kept: keys written together
 * sit together in a listing, and most of a page shares a few seconds.
 */
let lastIso = { second: Number.NaN, text: '' };
export const isoDate = (ms: number) => {
  const second = Math.floor(ms / 1000);
  if (second !== lastIso.second)
    lastIso = { second, text: `${new Date(second * 1000).toISOString().slice(0, 20)}000Z` };
  return lastIso.text;
};
export const httpDate = (ms: number) => new Date(ms).toUTCString();
export const quoted = (etag: string) => `"${etag}"`;
