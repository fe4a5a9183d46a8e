// The JSON the native upload routes take: what a new upload carries, the part list that completes it, and paging.

/** Text that goes back out in a response header: printable ASCII. */
export const headerText = { type: 'string', maxLength: 1024, pattern: '^[\\x20-\\x7e]*$' } as const;
export const labels = { type: 'object', additionalProperties: { type: 'string' } } as const;
/** Read back as x-mimeo-meta-<name> headers (x-amz-meta- over S3): lower-case header names, printable values. */
export const userMetadata = {
  type: 'object',
  propertyNames: { pattern: "^[a-z0-9!#$%&'*+.^_`|~-]{1,128}$" },
  additionalProperties: { type: 'string', pattern: '^[\\x20-\\x7e]*$' },
} as const;

export interface CreateUpload {
  path: string;
  contentType?: string;
  contentDisposition?: string;
  contentEncoding?: string;
  cacheControl?: string;
  userMetadata?: Record<string, string>;
  tags?: Record<string, string>;
  properties?: Record<string, string>;
}

export const createBody = {
  type: 'object',
  additionalProperties: false,
  required: ['path'],
  properties: {
    path: { type: 'string', minLength: 1, maxLength: 1100 },
    contentType: headerText,
    contentDisposition: headerText,
    contentEncoding: headerText,
    cacheControl: headerText,
    userMetadata,
    tags: labels,
    properties: labels,
  },
} as const;

export interface CompleteUpload {
  parts: { partNumber: number; etag: string }[];
}

export const completeBody = {
  type: 'object',
  additionalProperties: false,
  required: ['parts'],
  properties: {
    parts: {
      type: 'array',
      minItems: 1,
      maxItems: 10_000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['partNumber', 'etag'],
        properties: {
          partNumber: { type: 'integer', minimum: 1, maximum: 10_000 },
          etag: { type: 'string', maxLength: 128 },
        },
      },
    },
  },
} as const;

export const pageQuery = {
  type: 'object',
  properties: {
    prefix: { type: 'string', maxLength: 1100 },
    after: { type: 'string', maxLength: 2400 },
    limit: { type: 'string', pattern: '^[0-9]{1,4}$' },
  },
} as const;
