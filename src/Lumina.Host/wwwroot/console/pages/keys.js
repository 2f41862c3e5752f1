// API keys (admins): list, create (the secret is shown once), revoke (GET/POST/DELETE /v1/admin/keys).
import { api, seg } from '../api.js';
import { h, heading, replace, errorBox, field, table, when } from '../dom.js';

export default async function keys(view) {
  const list = h('div');
  const status = h('div', { 'aria-live': 'polite' });
  const secretBox = h('div');

  async function load() {
    try {
      const data = await api('/v1/admin/keys');
      replace(list, table([
        { title: 'Id', value: k => h('code', {}, k.id) },
        { title: 'Owner', value: k => k.owner },
        { title: 'Role', value: k => k.role ?? h('span', { class: 'muted' }, "owner's") },
        { title: 'Tool set', value: k => k.toolSet ?? '' },
        { title: 'Created', value: k => when(k.createdAt) },
        { title: 'Expires', value: k => k.expiresAt ? when(k.expiresAt) : 'never' },
        { title: 'State', value: k => h('span', { class: `status status-${k.revoked ? 'revoked' : 'active'}` }, k.revoked ? 'revoked' : 'active') },
        { title: '', value: k => k.revoked ? '' : h('button', { type: 'button', class: 'small danger', 'aria-label': `Revoke ${k.id}`, onclick: () => revoke(k) }, 'Revoke') },
      ], data.keys ?? []));
    } catch (e) {
      replace(list, errorBox(e));
    }
  }

  async function revoke(key) {
    if (!confirm(`Revoke the key ${key.id} of ${key.owner}? Clients using it stop working at once.`)) return;
    try {
      await api(`/v1/admin/keys/${seg(key.id)}`, { method: 'DELETE' });
      replace(status, h('p', { class: 'ok', role: 'status' }, `Revoked ${key.id}.`));
      await load();
    } catch (e) {
      replace(status, errorBox(e));
    }
  }

  function showSecret(created) {
    const secret = h('input', { readonly: true, class: 'mono', value: created.secret, 'aria-label': 'New API key' });
    const copied = h('span', { class: 'muted', 'aria-live': 'polite' });
    replace(secretBox, h('div', { class: 'secret card', role: 'region', 'aria-label': 'New key' },
      h('p', { class: 'warning' }, h('strong', {}, 'Copy this key now.'), ' It is shown only once: Lumina keeps only its hash, so it cannot be shown again.'),
      h('div', { class: 'secret-row' }, secret,
        h('button', { type: 'button', onclick: async () => {
          secret.select();
          try {
            await navigator.clipboard.writeText(created.secret);
            copied.textContent = 'Copied.';
          } catch {
            copied.textContent = 'Press Ctrl+C to copy the selected key.';
          }
        } }, 'Copy'), copied),
      h('p', {}, `Key ${created.key?.id ?? ''} for ${created.key?.owner ?? ''}.`),
      h('button', { type: 'button', class: 'secondary', onclick: () => replace(secretBox) }, 'I have copied it')));
    secret.focus();
    secret.select();
  }

  const owner = field('Owner', h('input', { name: 'owner', autocomplete: 'off', required: true }));
  const role = field('Role (optional)', h('input', { name: 'role', autocomplete: 'off', placeholder: "the owner's" }));
  const toolSet = field('Tool set (optional)', h('input', { name: 'toolSet', autocomplete: 'off' }));
  const days = field('Expires in days (optional)', h('input', { name: 'expiresInDays', type: 'number', min: 1, step: 1 }));
  const create = h('form', { class: 'card inline-form', 'aria-label': 'Create an API key', onsubmit: async e => {
    e.preventDefault();
    const body = { owner: owner.input.value.trim() };
    if (role.input.value.trim()) body.role = role.input.value.trim();
    if (toolSet.input.value.trim()) body.toolSet = toolSet.input.value.trim();
    if (days.input.value) {
      const n = Number(days.input.value);
      if (!Number.isInteger(n) || n < 1) {
        replace(status, errorBox({ title: 'Bad input', detail: 'Expires in days must be a whole number of at least 1.' }));
        return;
      }
      body.expiresInDays = n;
    }
    try {
      const created = await api('/v1/admin/keys', { method: 'POST', body });
      replace(status);
      create.reset();
      showSecret(created);
      await load();
    } catch (err) {
      replace(status, errorBox(err));
    }
  } }, h('h2', {}, 'Create a key'), owner.field, role.field, toolSet.field, days.field, h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create key')));

  view.append(heading('API keys'), secretBox, status, list, create);
  await load();
}
