// Catalog: the tools, prompts, resources and workflows the signed-in user may use (GET /v1/catalog), with a filter,
// and for each tool a form generated from its schema that runs it (POST /v1/tools/{name}).
import { api, seg } from '../api.js';
import { h, heading, replace, errorBox, field } from '../dom.js';
import { schemaForm } from '../schema-form.js';
import { renderResult } from '../result.js';

function matches(text, words) {
  const haystack = text.toLowerCase();
  return words.every(w => haystack.includes(w));
}

function annotations(tool) {
  const a = tool.annotations ?? {};
  return [
    a.readOnly ? 'read-only' : null,
    a.destructive ? 'destructive' : null,
    a.idempotent ? 'idempotent' : null,
    a.openWorld ? 'open world' : null,
  ].filter(Boolean).map(t => h('span', { class: `badge badge-${t.replace(' ', '-')}` }, t));
}

function toolCard(tool) {
  const output = h('div', { class: 'tool-output', 'aria-live': 'polite' });
  let form = null;
  const details = h('details', { class: 'tool', dataset: { tool: tool.name } },
    h('summary', {},
      h('span', { class: 'tool-name' }, tool.name),
      tool.kind && tool.kind !== 'tool' ? h('span', { class: `badge badge-${tool.kind}` }, tool.kind) : null,
      annotations(tool),
      h('span', { class: 'tool-description' }, tool.title ?? tool.description ?? '')),
    tool.title && tool.description ? h('p', { class: 'tool-long' }, tool.description) : null);
  details.addEventListener('toggle', () => {
    if (!details.open || form) return;
    form = schemaForm(tool.inputSchema ?? {}, async args => {
      replace(output, h('p', { class: 'muted' }, 'Running…'));
      try {
        const result = await api(`/v1/tools/${seg(tool.name)}`, { method: 'POST', body: args });
        replace(output, renderResult(result));
      } catch (e) {
        replace(output, errorBox(e));
      }
    }, `Run ${tool.name}`);
    form.setAttribute('aria-label', `Arguments of ${tool.name}`);
    details.append(form, output);
  });
  return details;
}

export default async function catalog(view) {
  const data = await api('/v1/catalog');
  const tools = data.tools ?? [];
  const workflows = tools.filter(t => t.kind === 'workflow');
  const plain = tools.filter(t => t.kind !== 'workflow');
  const filter = field('Filter', h('input', { type: 'search', placeholder: 'name or words of the description', autocomplete: 'off' }));
  const lists = h('div');

  function draw() {
    const words = filter.input.value.toLowerCase().split(/\s+/).filter(Boolean);
    const pick = (items, text) => items.filter(i => matches(text(i), words));
    const shownTools = pick(plain, t => `${t.name} ${t.title ?? ''} ${t.description ?? ''}`);
    const shownWorkflows = pick(workflows, t => `${t.name} ${t.title ?? ''} ${t.description ?? ''}`);
    const prompts = pick(data.prompts ?? [], p => `${p.name} ${p.description ?? ''}`);
    const resources = pick(data.resources ?? [], r => `${r.name} ${r.uri} ${r.description ?? ''}`);
    const templates = pick(data.resourceTemplates ?? [], r => `${r.name} ${r.uriTemplate} ${r.description ?? ''}`);
    const section = (title, count, body) => h('section', { class: 'catalog-section', 'aria-label': title }, h('h2', {}, `${title} `, h('span', { class: 'count' }, String(count))), body);
    replace(lists,
      section('Tools', shownTools.length, shownTools.length ? shownTools.map(toolCard) : h('p', { class: 'muted' }, 'No tools match.')),
      section('Workflows', shownWorkflows.length, shownWorkflows.length ? shownWorkflows.map(toolCard) : h('p', { class: 'muted' }, 'No workflows match.')),
      section('Prompts', prompts.length, h('ul', { class: 'plain' }, prompts.map(p => h('li', {},
        h('strong', {}, p.name), ' — ', p.description ?? '',
        (p.arguments ?? []).length ? h('div', { class: 'muted' }, 'Arguments: ', p.arguments.map((a, i) => [i ? ', ' : '', a.name, a.required ? ' *' : ''])) : null)))),
      section('Resources', resources.length + templates.length, h('ul', { class: 'plain' },
        resources.map(r => h('li', {}, h('code', {}, r.uri), ' ', h('strong', {}, r.name ?? ''), r.description ? ` — ${r.description}` : '', r.mimeType ? h('span', { class: 'muted' }, ` (${r.mimeType})`) : null)),
        templates.map(r => h('li', {}, h('code', {}, r.uriTemplate), ' ', h('strong', {}, r.name ?? ''), r.description ? ` — ${r.description}` : '')))));
  }

  filter.input.addEventListener('input', draw);
  view.append(heading('Catalog', filter.field), lists);
  draw();
}
