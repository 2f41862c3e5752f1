// Tool sets (admins): the configured tool sets, each a virtual MCP server at its own endpoint (GET /v1/toolsets).
import { api } from '../api.js';
import { h, heading, table } from '../dom.js';

const list = items => (items ?? []).map(i => h('code', { class: 'chip' }, i));

export default async function toolsets(view) {
  const data = await api('/v1/toolsets');
  view.append(heading('Tool sets'),
    h('p', { class: 'muted' }, 'Tool sets are set in configuration (Lumina:ToolSets); each is served at its own endpoint.'),
    table([
      { title: 'Name', value: t => h('strong', {}, t.name) },
      { title: 'Includes', value: t => (t.include ?? []).length ? list(t.include) : h('span', { class: 'muted' }, 'everything') },
      { title: 'Excludes', value: t => list(t.exclude) },
      { title: 'Renamed', value: t => list(Object.entries(t.rename ?? {}).map(([from, to]) => `${from} → ${to}`)) },
      { title: 'Described anew', value: t => list(Object.keys(t.describe ?? {})) },
      { title: 'Endpoint', value: t => h('code', {}, t.endpoint) },
    ], data.toolSets ?? []));
}
