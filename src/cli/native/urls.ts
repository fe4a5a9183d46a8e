// The native API's URLs for a project, a file and a directory, with each name encoded once.
import { seg, segs } from '../client.ts';

export const projectUrl = (project: string) => `/api/v1/projects/${seg(project)}`;
export const fileUrl = (project: string, path: string) => `${projectUrl(project)}/files/${segs(path)}`;
/** A directory's URL; '' is the project's top. */
export const dirUrl = (project: string, path: string) =>
  path === '' ? `${projectUrl(project)}/dirs` : `${projectUrl(project)}/dirs/${segs(path)}`;
