// Roles (admins): what each role may do (GET /v1/admin/roles). Read-only: roles are configuration.
import { api } from '../api.js';
import { h, heading, table } from '../dom.js';

export default async function roles(view) {
  const data = await api('/v1/admin/roles');
  view.append(heading('Roles'),
    h('p', { class: 'muted' }, 'Roles are set in configuration (Lumina:Auth:Roles); this is what they allow.'),
    table([
      { title: 'Role', value: r => h('strong', {}, r.name) },
      { title: 'Permissions', value: r => (r.permissions ?? []).map(p => h('span', { class: 'badge' }, p)) },
    ], data.roles ?? []));
}
