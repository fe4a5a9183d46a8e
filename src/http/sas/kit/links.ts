// A SAS link: a method, a relation, and the target as `href` and `uri` (both server-relative), with the media types
// it takes and answers.
export interface Link {
  method: string;
  rel: string;
  href: string;
  uri: string;
  type?: string;
  responseType?: string;
  itemType?: string;
}

export function link(
  method: string,
  rel: string,
  uri: string,
  types: { type?: string; responseType?: string; itemType?: string } = {},
): Link {
  return { method, rel, href: uri, uri, ...types };
}
