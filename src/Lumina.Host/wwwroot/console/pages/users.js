// Users (admins): add, change role and tool set, remove (GET/POST/PATCH/DELETE /v1/admin/users).
import { api, seg } from '../api.js';
import { h, heading, replace, errorBox, field, table, when } from '../dom.js';

export default async function users(view, { me }) {
  const list = h('div');
  const status = h('div', { 'aria-live': 'polite' });
  let roles = [];
  try {
    roles = (await api('/v1/admin/roles')).roles?.map(r => r.name) ?? [];
  } catch {
    // The role fields fall back to free text.
  }

  const roleInput = (value, label) => roles.length
    ? h('select', { 'aria-label': label }, roles.map(r => h('option', { value: r, selected: r === value }, r)))
    : h('input', { 'aria-label': label, value: value ?? '' });

  async function act(work, done) {
    try {
      await work();
      replace(status, h('p', { class: 'ok', role: 'status' }, done));
      await load();
    } catch (e) {
      replace(status, errorBox(e));
    }
  }

  function row(user) {
    const role = roleInput(user.role, `Role of ${user.name}`);
    const toolSet = h('input', { 'aria-label': `Tool set of ${user.name}`, value: user.toolSet ?? '', placeholder: '(all tools)' });
    return { user, role, toolSet };
  }

  async function load() {
    try {
      const data = await api('/v1/admin/users');
      const rows = (data.users ?? []).map(row);
      replace(list, table([
        { title: 'Name', value: r => [r.user.name, r.user.name === me.name ? h('span', { class: 'muted' }, ' (you)') : null] },
        { title: 'Role', value: r => r.role },
        { title: 'Tool set', value: r => r.toolSet },
        { title: 'Created', value: r => when(r.user.createdAt) },
        { title: '', value: r => h('div', { class: 'row-actions' },
          h('button', { type: 'button', class: 'small', 'aria-label': `Save ${r.user.name}`, onclick: () => act(
            () => api(`/v1/admin/users/${seg(r.user.name)}`, { method: 'PATCH', body: { role: r.role.value, toolSet: r.toolSet.value.trim() } }), `Saved ${r.user.name}.`) }, 'Save'),
          h('button', { type: 'button', class: 'small danger', 'aria-label': `Remove ${r.user.name}`, onclick: () => confirm(`Remove the user ${r.user.name}?`) && act(
            () => api(`/v1/admin/users/${seg(r.user.name)}`, { method: 'DELETE' }), `Removed ${r.user.name}.`) }, 'Remove')) },
      ], rows));
    } catch (e) {
      replace(list, errorBox(e));
    }
  }

  const name = field('New user name', h('input', { name: 'name', autocomplete: 'off', required: true }));
  const password = field('New user password', h('input', { name: 'password', type: 'password', autocomplete: 'new-password', required: true }));
  const role = field('New user role', roleInput('user', undefined));
  const toolSet = field('New user tool set', h('input', { name: 'toolSet', autocomplete: 'off', placeholder: '(all tools)' }));
  const add = h('form', { class: 'card inline-form', 'aria-label': 'Add a user', onsubmit: e => {
    e.preventDefault();
    act(() => api('/v1/admin/users', { method: 'POST', body: { name: name.input.value.trim(), password: password.input.value, role: role.input.value, toolSet: toolSet.input.value.trim() || undefined } }),
      `Added ${name.input.value.trim()}.`).then(() => { name.input.value = ''; password.input.value = ''; });
  } }, h('h2', {}, 'Add a user'), name.field, password.field, role.field, toolSet.field, h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Add user')));

  view.append(heading('Users'), status, list, add);
  await load();
}
