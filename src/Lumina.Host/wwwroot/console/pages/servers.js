// Upstream MCP servers (admins): state, what each serves, the last error (GET /v1/servers); each server's tools with
// their pins (GET /v1/servers/{name}/tools) and one-click approval of a quarantined tool (POST .../approve?tool=).
import { api, seg, query } from '../api.js';
import { h, heading, replace, errorBox, table } from '../dom.js';

function toolsTable(server, tools, reload, status) {
  return table([
    { title: 'Tool', value: t => h('code', {}, t.tool) },
    { title: 'Served as', value: t => t.served ?? '' },
    { title: 'Pin', value: t => h('code', { class: 'hash', title: t.hash ?? '' }, (t.hash ?? '').slice(0, 16)) },
    { title: 'State', value: t => t.quarantined
      ? h('div', {}, h('span', { class: 'status status-quarantined' }, 'quarantined'), h('div', { class: 'reason' }, t.quarantined))
      : h('span', { class: 'status status-healthy' }, 'served') },
    { title: '', value: t => t.quarantined ? h('button', { type: 'button', class: 'small', 'aria-label': `Approve ${t.tool} of ${server}`, onclick: async () => {
      try {
        await api(`/v1/servers/${seg(server)}/approve${query({ tool: t.tool })}`, { method: 'POST' });
        replace(status, h('p', { class: 'ok', role: 'status' }, `Approved ${t.tool} of ${server}.`));
        await reload();
      } catch (e) {
        replace(status, errorBox(e));
      }
    } }, 'Approve') : '' },
  ], tools, `Tools of ${server}`);
}

export default async function servers(view) {
  const list = h('div');
  const status = h('div', { 'aria-live': 'polite' });

  async function load() {
    const data = await api('/v1/servers');
    const servers = Array.isArray(data) ? data : (data.servers ?? []);
    const cards = [];
    for (const s of servers) {
      const tools = h('div');
      const reload = async () => {
        try {
          replace(tools, toolsTable(s.name, await api(`/v1/servers/${seg(s.name)}/tools`), reload, status));
        } catch (e) {
          replace(tools, errorBox(e));
        }
      };
      cards.push({ card: h('article', { class: 'card server', 'aria-label': `Server ${s.name}` },
        h('h2', {}, s.name, ' ', h('span', { class: `status status-${s.state}` }, s.state), ' ', h('span', { class: 'muted' }, s.transport ?? '')),
        h('p', {}, `${s.toolCount ?? 0} tools · ${s.promptCount ?? 0} prompts · ${s.resourceCount ?? 0} resources · ${s.restarts ?? 0} restarts · ${s.callerConnections ?? 0} caller connections`),
        s.lastError ? h('p', { class: 'error' }, h('strong', {}, 'Last error: '), s.lastError) : null,
        tools), reload });
    }
    replace(list, cards.length ? cards.map(c => c.card) : h('p', { class: 'muted' }, 'No upstream servers are configured (Lumina:Servers).'));
    await Promise.all(cards.map(c => c.reload()));
  }

  view.append(heading('Upstream servers', h('button', { type: 'button', class: 'secondary', onclick: () => load().catch(e => replace(status, errorBox(e))) }, 'Refresh')), status, list);
  await load();
}
