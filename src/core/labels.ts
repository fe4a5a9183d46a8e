// Limits on what a version and a project carry besides content: tags and user metadata. Every API stores through
// these checks, so none can store what another must refuse (S3's limits, the strictest of the dialects).
import { StorageError } from './errors.ts';

export const MAX_VERSION_TAGS = 10;
export const MAX_PROJECT_TAGS = 50;
export const MAX_TAG_KEY = 128;
export const MAX_TAG_VALUE = 256;
/** User metadata: names and values together, in UTF-8 bytes. */
export const MAX_USER_METADATA = 2048;
/** Properties: names and values together, in UTF-8 bytes. */
export const MAX_PROPERTIES = 65536;

const chars = (s: string) => [...s].length;

/**
 * Characters XML 1.0 cannot carry (its Char production): controls other than tab, line feed and carriage return,
 * U+FFFE and U+FFFF, and surrogates that are not a pair. S3 writes tags into XML, so no API may store them.
 */
const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkTagText(tags: Record<string, string>): void {
  for (const [k, v] of Object.entries(tags)) {
    if (NOT_XML.test(k) || NOT_XML.test(v))
      throw new StorageError(
        'InvalidTag',
        'A tag may not hold control characters (but tab, line feed and carriage return), U+FFFE, U+FFFF or unpaired surrogates.',
        { resource: k },
      );
    if (chars(k) === 0 || chars(k) > MAX_TAG_KEY)
      throw new StorageError('InvalidTag', `A tag key must have 1 to ${MAX_TAG_KEY} characters.`, {
        resource: k,
      });
    if (chars(v) > MAX_TAG_VALUE)
      throw new StorageError('InvalidTag', `A tag value may have at most ${MAX_TAG_VALUE} characters.`, {
        resource: k,
      });
  }
}

/** Keys under `aws:` are S3's own, for objects and buckets alike: a requester may not set them. */
function checkNoSystemTags(tags: Record<string, string>): void {
  if (Object.keys(tags).some((k) => k.startsWith('aws:')))
    throw new StorageError('InvalidTag', 'System tags cannot be added or updated by a requester.');
}

/** A version's tags: at most 10, none under `aws:`, keys of 1 to 128 characters, values of at most 256. Throws InvalidTag. */
export function checkVersionTags(tags: Record<string, string> | undefined): void {
  if (!tags) return;
  if (Object.keys(tags).length > MAX_VERSION_TAGS)
    throw new StorageError('InvalidTag', `Object tags cannot be greater than ${MAX_VERSION_TAGS}.`);
  checkNoSystemTags(tags);
  checkTagText(tags);
}

/** A project's tags: at most 50, none under `aws:`, the same text limits. */
export function checkProjectTags(tags: Record<string, string> | null): void {
  if (!tags) return;
  if (Object.keys(tags).length > MAX_PROJECT_TAGS)
    throw new StorageError('InvalidTag', `Bucket tag count cannot be greater than ${MAX_PROJECT_TAGS}.`);
  checkNoSystemTags(tags);
  checkTagText(tags);
}

/** A map's names and values together, in UTF-8 bytes. */
function byteSize(map: Record<string, string>): number {
  let size = 0;
  for (const [k, v] of Object.entries(map)) size += Buffer.byteLength(k) + Buffer.byteLength(v);
  return size;
}

/** User metadata of at most 2 KiB, names and values together. Throws MetadataTooLarge. */
export function checkUserMetadata(meta: Record<string, string> | undefined): void {
  if (meta && byteSize(meta) > MAX_USER_METADATA)
    throw new StorageError(
      'MetadataTooLarge',
      `User metadata may not exceed ${MAX_USER_METADATA} bytes, names and values together.`,
    );
}

/**
 * Properties (Seven Bridges' metadata, SAS's properties) of at most 64 KiB, names and values together: a merge adds
 * to what is there, so without a bound a file's row, and every read of it, would grow with each request. Throws
 * MetadataTooLarge.
 */
export function checkProperties(properties: Record<string, string> | undefined): void {
  if (properties && byteSize(properties) > MAX_PROPERTIES)
    throw new StorageError(
      'MetadataTooLarge',
      `Properties may not exceed ${MAX_PROPERTIES} bytes, names and values together.`,
    );
}

/** The checks for anything that becomes a version. */
export function checkLabels(v: {
  tags?: Record<string, string>;
  userMetadata?: Record<string, string>;
  properties?: Record<string, string>;
}): void {
  checkVersionTags(v.tags);
  checkUserMetadata(v.userMetadata);
  checkProperties(v.properties);
}
