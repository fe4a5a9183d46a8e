// The bytes of a file create or content update: the raw body (its Content-Type is the file's), or a
// `multipart/form-data` body whose part `file` holds them (its filename and type are the file's), streamed through
// without being held whole. A malformed form is InvalidArgument; a form cut short is IncompleteBody.
import { Readable } from 'node:stream';
import busboy from 'busboy';
import type { FastifyRequest } from 'fastify';
import { StorageError } from '../../../core/errors.ts';
import { contentTypeOf } from '../../common/content-type.ts';
import { bodyOf, declaredLength } from '../../common/request-body.ts';
import { FormDelimiters, formBoundary, quotedBoundary } from './form-delimiters.ts';

export interface UploadBody {
  body: AsyncIterable<Uint8Array>;
  /** The length, when the sender declared it for exactly these bytes (a raw body). */
  size: number | undefined;
  /** The filename the form's part gives. */
  filename: string | undefined;
  /** The bytes' media type: the raw body's Content-Type, or the part's. */
  contentType: string | undefined;
}

const isMultipart = (type: string | undefined) =>
  type !== undefined && /^multipart\/form-data\s*(;|$)/i.test(type);

/**
 * The file part's bytes, then the rest of the form read to its closing boundary: a form cut short after its file
 * part is as incomplete as one cut inside it, and a file is made only of a whole form. A stream's errors become
 * core errors: what the form parser found wrong is the client's.
 */
async function* guarded(stream: Readable, formEnd: Promise<void>): AsyncIterable<Uint8Array> {
  try {
    for await (const chunk of stream) yield chunk as Uint8Array;
  } catch (err) {
    if (err instanceof StorageError) throw err;
    throw new StorageError('IncompleteBody', 'The multipart/form-data body ended before its file part did.');
  }
  try {
    await formEnd;
  } catch (err) {
    if (err instanceof StorageError) throw err;
    throw new StorageError(
      'IncompleteBody',
      'The multipart/form-data body ended before its closing boundary.',
    );
  }
}

function formFile(request: FastifyRequest, type: string): Promise<UploadBody> {
  return new Promise((resolve, reject) => {
    const boundary = formBoundary(type);
    if (boundary === undefined) {
      reject(
        new StorageError(
          'InvalidArgument',
          'The multipart/form-data Content-Type has no boundary: a token or a quoted string of ASCII characters.',
        ),
      );
      return;
    }
    const parser = busboy({
      // The boundary as read here, so that the parser and the delimiter check look for the same lines.
      headers: { 'content-type': `multipart/form-data; boundary=${quotedBoundary(boundary)}` },
      // Other file parts may come before `file` (a form's own fields): they are read past, and `file` is taken.
      limits: { files: 8, fields: 32, fieldSize: 64 * 1024, parts: 40, headerPairs: 20 },
    });
    let found = false;
    /** A part named `file` came without a filename: a plain field to the parser, as to Spring, not a file. */
    let unnamed = false;
    parser.on('field', (name) => {
      if (name === 'file') unnamed = true;
    });
    // Settled when the parser has read the whole form (its closing boundary) or found it cut short or malformed.
    const formEnd = new Promise<void>((done, failed) => {
      parser.on('close', done);
      parser.on('error', failed);
    });
    formEnd.catch(() => {});
    parser.on('file', (name, stream, info) => {
      if (found || name !== 'file') {
        stream.resume();
        return;
      }
      found = true;
      // The form may end short before the route reads the part (a small part, or a route that refuses the request
      // first): the part's error must not be an unhandled 'error' event. The reader still gets it from the stream.
      stream.on('error', () => {});
      resolve({
        body: guarded(stream, formEnd),
        size: undefined,
        filename: info.filename || undefined,
        contentType: info.mimeType || undefined,
      });
    });
    parser.on('error', (err: unknown) => {
      const e =
        err instanceof StorageError
          ? err
          : new StorageError(
              'InvalidArgument',
              `The multipart/form-data body is malformed: ${String((err as Error)?.message ?? err)}.`,
            );
      if (!found) reject(e);
    });
    parser.on('close', () => {
      if (!found)
        reject(
          new StorageError(
            'InvalidArgument',
            unnamed
              ? "The multipart/form-data part 'file' has no filename: it is a field, not a file."
              : "The multipart/form-data body has no part named 'file'.",
          ),
        );
    });
    const source = Readable.from(bodyOf(request));
    const delimiters = new FormDelimiters(boundary);
    source.on('error', (err) => parser.destroy(err));
    delimiters.on('error', (err) => parser.destroy(err));
    source.pipe(delimiters).pipe(parser);
  });
}

/** The upload a request carries, raw or as a form. */
export function uploadBody(request: FastifyRequest): Promise<UploadBody> {
  const type = contentTypeOf(request);
  if (isMultipart(type)) return formFile(request, type!);
  return Promise.resolve({
    body: bodyOf(request),
    size: declaredLength(request),
    filename: undefined,
    contentType: type,
  });
}

/**
 * The filename of a Content-Disposition value: `filename*=UTF-8''a%20b.sas` (RFC 6266, preferred) or
 * `filename="a.sas"` / `filename=a.sas`. Undefined when it names none; InvalidArgument when it cannot be decoded.
 */
export function dispositionFilename(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const star = /(?:^|;)\s*filename\*\s*=\s*([^';]*)'[^']*'([^;]*)/i.exec(value);
  if (star) {
    try {
      const text = decodeURIComponent(star[2]!.trim());
      if (text !== '') return text;
    } catch {
      throw new StorageError(
        'InvalidArgument',
        'The filename* of Content-Disposition is not percent-encoded UTF-8.',
      );
    }
  }
  const quoted = /(?:^|;)\s*filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(value);
  if (quoted) return quoted[1]!.replace(/\\(.)/g, '$1') || undefined;
  const token = /(?:^|;)\s*filename\s*=\s*([^;\s"]+)/i.exec(value);
  return token?.[1] || undefined;
}
