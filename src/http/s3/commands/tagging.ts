// Object and bucket tags as S3 sends them: the x-amz-tagging header (`k1=v1&k2=v2`) and the Tagging document. The
// core holds the limits on count and lengths; S3's own character rule is here.
import type { S3Context } from '../context.ts';
import { S3Error } from '../errors.ts';
import { isRecord, many } from '../xml.ts';
import { readRequestXml } from './request-xml.ts';

/**
 * The characters S3 takes in a tag's key and value, as its API reference writes them (`S3Tag`): letters, digits and
 * spaces of any script, and `_ . : / = + - @`. A comma or a parenthesis is InvalidTag.
 */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Throws S3's InvalidTag for a key or value with a character outside TAG_TEXT. */
function checkTagText(key: string, value: string): void {
  if (!TAG_TEXT.test(key)) throw new S3Error('InvalidTag', 400, 'The TagKey you have provided is invalid');
  if (!TAG_TEXT.test(value))
    throw new S3Error('InvalidTag', 400, 'The TagValue you have provided is invalid');
}

/** `k1=v1&k2=v2` (x-amz-tagging) to a map; the core holds the limits on count and lengths. */
export function parseTagging(value: string | undefined): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const tags: Record<string, string> = Object.create(null);
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      throw new S3Error('InvalidArgument', 400, 'The x-amz-tagging header is not properly URL-encoded.');
    }
  };
  for (const pair of value.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const k = decode(eq < 0 ? pair : pair.slice(0, eq));
    if (Object.hasOwn(tags, k))
      throw new S3Error('InvalidTag', 400, 'Cannot provide multiple Tags with the same key.');
    const v = eq < 0 ? '' : decode(pair.slice(eq + 1));
    checkTagText(k, v);
    tags[k] = v;
  }
  return tags;
}

/** A `<Tagging><TagSet><Tag><Key/><Value/></Tag>...</TagSet></Tagging>` body as a map; keys must be unique. */
export async function readTagSet(ctx: S3Context): Promise<Record<string, string>> {
  const doc = await readRequestXml(ctx);
  const tagging = doc['Tagging'];
  const set = isRecord(tagging) ? tagging['TagSet'] : undefined;
  if (set === undefined || Array.isArray(set) || (typeof set === 'string' && set.trim() !== ''))
    throw new S3Error(
      'MalformedXML',
      400,
      'The XML you provided was not well-formed or did not validate against our published schema.',
    );
  // Keys and values are exactly the elements' text. A map, so that a tag may be named `constructor` or `__proto__`.
  const tags = new Map<string, string>();
  for (const t of many(isRecord(set) ? set['Tag'] : undefined)) {
    const key = isRecord(t) ? t['Key'] : undefined;
    const value = isRecord(t) ? (t['Value'] ?? '') : undefined;
    if (typeof key !== 'string' || typeof value !== 'string')
      throw new S3Error('MalformedXML', 400, 'Every Tag needs one Key and at most one Value.');
    if (tags.has(key))
      throw new S3Error('InvalidTag', 400, 'Cannot provide multiple Tags with the same key.');
    checkTagText(key, value);
    tags.set(key, value);
  }
  return Object.fromEntries(tags);
}
