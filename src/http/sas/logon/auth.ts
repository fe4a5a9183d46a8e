// SAS Logon's client authentication (RFC 6749 section 2.3.1): `Authorization: Basic base64(id:secret)`, or for a
// client that has no secret to give, `client_id` (and an empty or absent `client_secret`) in the form.
import type { FastifyRequest } from 'fastify';
import type { AuthenticatedClient } from '../../../auth/oauth-clients.ts';
import { authenticateClient } from '../../../auth/oauth-clients.ts';
import type { AuthDeps } from '../../../auth/principals.ts';
import { StorageError } from '../../../core/errors.ts';

/** RFC 6749 appendix B: the id and secret are form-encoded before they are joined and base64-encoded. */
function formDecode(s: string): string {
  try {
    return decodeURIComponent(s.replaceAll('+', ' '));
  } catch {
    throw new StorageError('InvalidClient', 'The client credentials are not well-formed.');
  }
}

/** The id and secret of a Basic header; InvalidClient when it is not one. */
function basic(header: string): { id: string; secret: string } {
  const m = /^Basic\s+([A-Za-z0-9+/]*={0,2})\s*$/i.exec(header);
  const text = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
  const colon = text.indexOf(':');
  if (colon < 1)
    throw new StorageError('InvalidClient', 'Send Authorization: Basic base64(client_id:secret).');
  return { id: formDecode(text.slice(0, colon)), secret: formDecode(text.slice(colon + 1)) };
}

/**
 * The client a token request comes from. Throws InvalidClient when it does not authenticate, and InvalidArgument
 * when it authenticates in two ways at once (RFC 6749 section 2.3): a `client_secret` beside the header, or a
 * `client_id` that is not the header's.
 */
export async function clientOf(
  deps: AuthDeps,
  request: FastifyRequest,
  form: Map<string, string>,
): Promise<AuthenticatedClient> {
  const header = request.headers.authorization;
  const inForm = form.get('client_id');
  const credentials =
    header !== undefined ? basic(header) : { id: inForm ?? '', secret: form.get('client_secret') ?? '' };
  if (
    header !== undefined &&
    (form.has('client_secret') || (inForm !== undefined && inForm !== credentials.id))
  )
    throw new StorageError('InvalidArgument', 'Authenticate the client once: by the header or by the form.');
  if (credentials.id === '' || credentials.id.length > 128 || credentials.secret.length > 256)
    throw new StorageError('InvalidClient', 'Send Authorization: Basic base64(client_id:secret).');
  return authenticateClient(deps, credentials);
}
