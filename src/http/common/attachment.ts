// The Content-Disposition that makes a browser save a response as a file of a given name (RFC 6266).

/**
 * `attachment; filename="name"`, with the name's quotes and backslashes escaped, and its UTF-8 form beside it
 * (`filename*`, RFC 8187: every byte but a letter, a digit and `!#$&+-.^_\`|~` percent-encoded, so `'` cannot end the
 * value early).
 */
export function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '\\$&');
  const utf8 = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}
