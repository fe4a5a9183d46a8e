// Preconditions on a version, evaluated in the order of RFC 9110 section 13.2.2.
import { StorageError } from './errors.ts';

export interface Conditions {
  /** Entity tags as the client sent them, quoted or not; "*" matches any existing version. */
  ifMatch?: string[];
  ifNoneMatch?: string[];
  ifModifiedSince?: Date;
  ifUnmodifiedSince?: Date;
  /**
   * Versions by row id, any of which matches: for dialects whose ETag names a version rather than its content (two
   * writes of the same bytes are two versions). Checked as If-Match is.
   */
  ifVersion?: string[];
  /** What the request calls `ifVersion` (`source_etag`), for the refusal to name it; If-Match when absent. */
  ifVersionFrom?: string;
  /**
   * The file (row id) the request resolved before it acted: a write must find that file still at its path, else
   * NoSuchKey, so that a file moved or replaced meanwhile is never the one written.
   */
  fileId?: string;
}

export interface ConditionSubject {
  etag: string;
  modifiedAt: number;
  rowId?: string;
  fileId?: string;
}

export function unquote(tag: string): string {
  const t = tag.trim().replace(/^W\//, '');
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

function matches(list: readonly string[], etag: string | undefined): boolean {
  return list.some((t) =>
    t.trim() === '*' ? etag !== undefined : etag !== undefined && unquote(t) === etag,
  );
}

/** A 304 carries the validators of what the client has (RFC 9110 section 15.4.5): the ETag and date. */
const notModified = (subject: ConditionSubject, resource: string | undefined) =>
  new StorageError('NotModified', undefined, {
    resource,
    details: { etag: subject.etag, modifiedAt: subject.modifiedAt },
  });

/** Whole seconds: HTTP dates carry no fractions. */
const sec = (ms: number) => Math.floor(ms / 1000);

/**
 * Evaluates conditions for a read (`safe`), a write, or the source of a copy (`copySource`: every failure is a
 * PreconditionFailed, as S3's x-amz-copy-source-if-* headers require). Throws PreconditionFailed, or NotModified for a safe
 * request whose If-None-Match or If-Modified-Since fails. `subject` is undefined when nothing exists: a write
 * conditioned on If-Match then throws NoSuchKey, since the version it names is not there to be replaced (S3's
 * conditional writes answer so).
 */
export function checkConditions(
  c: Conditions | undefined,
  subject: ConditionSubject | undefined,
  options: { safe: boolean; resource?: string; copySource?: boolean },
): void {
  if (!c) return;
  const fail = (what: string) =>
    new StorageError('PreconditionFailed', `The ${what} precondition did not hold.`, {
      resource: options.resource,
    });
  if (c.fileId !== undefined && subject?.fileId !== c.fileId)
    throw new StorageError('NoSuchKey', 'The file was moved, replaced or deleted meanwhile.', {
      resource: options.resource,
    });
  if (c.ifVersion && c.ifVersion.length > 0) {
    if (!subject && !options.safe && !options.copySource)
      throw new StorageError('NoSuchKey', 'No version exists for If-Match to match.', {
        resource: options.resource,
      });
    if (!c.ifVersion.some((v) => v === '*' || v === subject?.rowId))
      throw fail(c.ifVersionFrom ?? 'If-Match');
  }
  if (c.ifMatch && c.ifMatch.length > 0) {
    if (!subject && !options.safe && !options.copySource)
      throw new StorageError('NoSuchKey', 'No version exists for If-Match to match.', {
        resource: options.resource,
      });
    if (!matches(c.ifMatch, subject?.etag)) throw fail('If-Match');
  } else if (c.ifUnmodifiedSince && subject) {
    if (sec(subject.modifiedAt) > sec(c.ifUnmodifiedSince.getTime())) throw fail('If-Unmodified-Since');
  }
  if (c.ifNoneMatch && c.ifNoneMatch.length > 0) {
    if (matches(c.ifNoneMatch, subject?.etag)) {
      if (options.safe && !options.copySource) throw notModified(subject!, options.resource);
      throw fail('If-None-Match');
    }
  } else if (c.ifModifiedSince && subject && (options.safe || options.copySource)) {
    if (sec(subject.modifiedAt) <= sec(c.ifModifiedSince.getTime())) {
      if (options.copySource) throw fail('If-Modified-Since');
      throw notModified(subject, options.resource);
    }
  }
}
