// GET /api/v1/openapi.json and /api/v1/docs: the document, and a reference page rendered from it (no scripts).
import type { FastifyInstance } from 'fastify';
import { externalBase } from '../../common/request-context.ts';
import { openApiDocument } from '../openapi.ts';

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderDocs(doc: ReturnType<typeof openApiDocument>): string {
  const rows: string[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(
      item as Record<
        string,
        {
          summary?: string;
          parameters?: { name: string; in: string; description?: string }[];
          responses?: Record<string, unknown>;
        }
      >,
    )) {
      if (method === 'parameters') continue;
      const params = (op.parameters ?? [])
        .map(
          (p) =>
            `<li><code>${esc(p.name)}</code> (${esc(p.in)})${p.description ? ` ${esc(p.description)}` : ''}</li>`,
        )
        .join('');
      const codes = Object.keys(op.responses ?? {}).join(', ');
      rows.push(
        `<section><h3><span class="m">${method.toUpperCase()}</span> <code>${esc(path)}</code></h3><p>${esc(op.summary ?? '')}</p>${params ? `<ul>${params}</ul>` : ''}<p class="r">Responses: ${esc(codes)}</p></section>`,
      );
    }
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(doc.info.title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:900px;margin:2em auto;padding:0 1em}section{border-top:1px solid #ddd;padding:.5em 0}.m{display:inline-block;min-width:4.5em;font-weight:700}.r{color:#555}code{background:#f4f4f4;padding:0 .2em}</style>
</head><body><h1>${esc(doc.info.title)}</h1><p>${esc(doc.info.description)}</p><p>Machine-readable: <a href="/api/v1/openapi.json">openapi.json</a>. Errors: <code>{"error": {"code", "message", "requestId"}}</code>.</p>${rows.join('\n')}</body></html>`;
}

export const docsRoutes = () => async (app: FastifyInstance) => {
  const doc = openApiDocument();
  const html = renderDocs(doc);
  // The servers entry is where this client reached the API, so generated clients call it back there.
  app.get('/api/v1/openapi.json', async (request) => ({
    ...doc,
    servers: [{ url: `${externalBase(request)}/` }],
  }));
  app.get('/api/v1/docs', async (_request, reply) => reply.type('text/html; charset=utf-8').send(html));
};
