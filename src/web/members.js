// @ts-check
// A project's members and their roles (GET /api/v1/projects/{project}/members), which only its admins may see and
// change: add a user by name with a role (one already a member gets that role), change a member's role, and remove
// one after a confirmation (PUT /api/v1/projects/{project}/members/{user} with a role, or null).
import { api, projectUrl, seg } from './api.js';
import { act, h, notify, ui } from './page.js';

/** @typedef {'read' | 'copy' | 'write' | 'admin'} Role */
/** @typedef {{ id: string, name: string, role: Role }} Member */

/** The roles, from the least to the most a member may do. */
const ROLES = /** @type {const} */ (['read', 'copy', 'write', 'admin']);

/** @type {string | null} the project whose members the panel lists */
let shown = null;
/** @type {Member | null} the member whose removal waits for a confirmation */
let removing = null;
/** Bumped by every listing, so that a slower, earlier one is not drawn. */
let generation = 0;

/** Opens the panel on a project's members. */
export async function openMembers(/** @type {string} */ project) {
  ui.membersTitle.textContent = `Members of ${project}`;
  ui.memberName.value = '';
  ui.members.hidden = false;
  ui.membersTitle.focus();
  shown = project;
  try {
    await list();
  } catch (err) {
    // A caller who may not see them (not the project's admin) is told why, and the panel does not stay open empty.
    closeMembers();
    throw err;
  }
}

export function closeMembers() {
  generation++;
  shown = null;
  closeRemove();
  ui.members.hidden = true;
  ui.memberRows.replaceChildren();
}

/** Lists the shown project's members again. */
async function list() {
  const project = shown;
  if (project === null) return;
  const gen = ++generation;
  closeRemove();
  const r = await api('GET', `${projectUrl(project)}/members`);
  /** @type {Member[]} */
  const members = (await r.json()).members;
  if (gen !== generation) return;
  ui.memberRows.replaceChildren(...members.map((m) => memberRow(project, m)));
}

/**
 * A member's row: its name, its role as a choice that changes it, and its removal.
 * @param {string} project
 * @param {Member} m
 */
function memberRow(project, m) {
  const role = /** @type {HTMLSelectElement} */ (
    h('select', { 'aria-label': `Role of ${m.name}` }, ...ROLES.map((r) => h('option', { value: r }, r)))
  );
  role.value = m.role;
  role.addEventListener('change', () => {
    void act(async () => {
      try {
        await setRole(project, m.id, /** @type {Role} */ (role.value));
        notify(`${m.name} now has the ${role.value} role in ${project}.`);
      } finally {
        // The list as the server has it, whether the change was refused or not.
        await list();
      }
    });
  });
  const remove = h('button', { type: 'button' }, 'Remove');
  remove.addEventListener('click', () => askRemove(m));
  const row = h(
    'tr',
    {},
    h('td', { class: 'name' }, m.name),
    h('td', {}, role),
    h('td', { class: 'actions' }, remove),
  );
  row.dataset['memberId'] = m.id;
  return row;
}

/**
 * Gives a user (by name or id) a role in a project, or with null takes the membership away.
 * @param {string} project
 * @param {string} user
 * @param {Role | null} role
 */
async function setRole(project, user, role) {
  await api('PUT', `${projectUrl(project)}/members/${seg(user)}`, { role });
}

/** Gives the user named in the form the role chosen there. */
export async function addMember() {
  const project = shown;
  if (project === null) return;
  const name = ui.memberName.value.trim();
  const role = /** @type {Role} */ (ui.memberRole.value);
  await setRole(project, name, role);
  ui.memberName.value = '';
  notify(`${name} now has the ${role} role in ${project}.`);
  await list();
}

function askRemove(/** @type {Member} */ m) {
  if (shown === null) return;
  removing = m;
  ui.memberRemoveQuestion.textContent =
    `Remove ${m.name} from ${shown}? They keep nothing of their ${m.role} role there; ` +
    'the files stay as they are.';
  ui.memberRemoveForm.hidden = false;
  ui.memberRemoveSubmit.focus();
}

export function closeRemove() {
  removing = null;
  ui.memberRemoveForm.hidden = true;
}

/** Takes away the membership waiting for it. */
export async function runRemove() {
  const project = shown;
  const m = removing;
  if (project === null || !m) return;
  await setRole(project, m.id, null);
  notify(`Removed ${m.name} from ${project}.`);
  await list();
}
