// The pieces every part of the OpenAPI document builds with: JSON bodies, schema references, errors, operations.

export const json = (schema: object) => ({ content: { 'application/json': { schema } } });
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const err = { description: 'Error', ...json(ref('Error')) };
export const errors = { '400': err, '401': err, '403': err, '404': err, '409': err };
export const op = (summary: string, extra: object) => ({ summary, ...extra });
/** An optional query parameter. */
export const q = (name: string, description: string, type = 'string') => ({
  name,
  in: 'query',
  required: false,
  description,
  schema: { type },
});
