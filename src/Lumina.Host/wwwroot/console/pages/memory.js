// Memory: the signed-in user's facts and conversations (GET /v1/memory/...), with forget; an admin may name any user.
import { api, seg, query } from '../api.js';
import { h, heading, replace, errorBox, field, table, when } from '../dom.js';

export default async function memory(view, { me }) {
  const user = me.isAdmin ? field('User', h('input', { name: 'user', autocomplete: 'off', placeholder: me.name })) : null;
  const facts = h('div');
  const conversations = h('div');
  const status = h('div', { 'aria-live': 'polite' });
  const who = () => (user?.input.value.trim() || undefined);

  async function forget(kind, id) {
    if (!confirm(`Forget this ${kind === 'facts' ? 'fact' : 'conversation'}? This cannot be undone.`)) return;
    try {
      await api(`/v1/memory/${kind}/${seg(id)}${query({ user: who() })}`, { method: 'DELETE' });
      replace(status, h('p', { class: 'ok', role: 'status' }, 'Forgotten.'));
      await load();
    } catch (e) {
      replace(status, errorBox(e));
    }
  }

  async function open(id, cell) {
    try {
      const conversation = await api(`/v1/memory/conversations/${seg(id)}${query({ user: who() })}`);
      replace(cell, h('ol', { class: 'turns' }, (conversation.turns ?? []).map(t => h('li', { class: `turn turn-${t.role}` },
        h('div', { class: 'muted' }, t.role, ' · ', when(t.at)), h('pre', { class: 'result-text' }, t.text ?? '')))));
    } catch (e) {
      replace(cell, errorBox(e));
    }
  }

  async function load() {
    const suffix = query({ user: who() });
    try {
      const data = await api(`/v1/memory/facts${suffix}`);
      replace(facts, table([
        { title: 'Fact', value: f => f.text },
        { title: 'Tags', value: f => (f.tags ?? []).map(t => h('span', { class: 'badge' }, t)) },
        { title: 'Created', value: f => when(f.createdAt) },
        { title: '', value: f => h('button', { type: 'button', class: 'danger small', 'aria-label': `Forget fact ${f.text}`, onclick: () => forget('facts', f.id) }, 'Forget') },
      ], data.facts ?? [], 'Facts'));
    } catch (e) {
      replace(facts, errorBox(e));
    }
    try {
      const data = await api(`/v1/memory/conversations${suffix}`);
      replace(conversations, table([
        { title: 'Conversation', value: c => { const cell = h('div'); const button = h('button', { type: 'button', class: 'link', onclick: () => open(c.id, cell) }, c.title || c.id); return [button, cell]; } },
        { title: 'Turns', value: c => String(c.turns ?? '') },
        { title: 'Updated', value: c => when(c.updatedAt) },
        { title: '', value: c => h('button', { type: 'button', class: 'danger small', 'aria-label': `Forget conversation ${c.title || c.id}`, onclick: () => forget('conversations', c.id) }, 'Forget') },
      ], data.conversations ?? [], 'Conversations'));
    } catch (e) {
      replace(conversations, errorBox(e));
    }
  }

  view.append(heading('Memory', user ? h('form', { class: 'inline', 'aria-label': 'Whose memory', onsubmit: e => { e.preventDefault(); load(); } }, user.field, h('button', { type: 'submit' }, 'Show')) : null),
    status, h('h2', {}, 'Facts'), facts, h('h2', {}, 'Conversations'), conversations);
  await load();
}
