// Audit: search and page the ledger (GET /v1/audit, newest first, `next` for the following page), verify its hash
// chain (POST /v1/audit/verify), and export it (GET /v1/audit/export, fetched with the token and saved as a file).
import { api, query } from '../api.js';
import { h, heading, replace, errorBox, field, table, when } from '../dom.js';

export default async function audit(view) {
  const q = field('Search', h('input', { type: 'search', name: 'q', autocomplete: 'off' }));
  const caller = field('Caller', h('input', { name: 'caller', autocomplete: 'off' }));
  const outcome = field('Outcome', h('select', { name: 'outcome' },
    h('option', { value: '' }, 'any'), h('option', { value: 'ok' }, 'ok'), h('option', { value: 'refused' }, 'refused'), h('option', { value: 'failed' }, 'failed')));
  const results = h('div');
  const status = h('div', { 'aria-live': 'polite' });
  const more = h('button', { type: 'button', hidden: true }, 'Older records');
  let next = null;
  let rows = [];

  const columns = [
    { title: 'Seq', value: r => String(r.sequence) },
    { title: 'Time', value: r => when(r.timestamp) },
    { title: 'Caller', value: r => [r.caller, r.role ? h('span', { class: 'muted' }, ` (${r.role})`) : null] },
    { title: 'Transport', value: r => r.transport },
    { title: 'Function', value: r => h('code', {}, r.function) },
    { title: 'Outcome', value: r => h('span', { class: `status status-${r.outcome}` }, r.outcome) },
    { title: 'ms', value: r => String(r.durationMs ?? '') },
    { title: 'Detail', value: r => [r.detail ?? '', r.context ? h('div', { class: 'muted' }, r.context) : null] },
  ];

  async function load(append) {
    const params = { count: 50, q: q.input.value.trim(), caller: caller.input.value.trim(), outcome: outcome.input.value, before: append ? next : undefined };
    try {
      const page = await api(`/v1/audit${query(params)}`);
      rows = append ? rows.concat(page.records ?? []) : (page.records ?? []);
      next = page.next ?? null;
      replace(results, table(columns, rows, `${rows.length} record${rows.length === 1 ? '' : 's'}`));
      more.hidden = next === null;
    } catch (e) {
      replace(results, errorBox(e));
    }
  }

  async function verify() {
    replace(status, h('p', { class: 'muted' }, 'Verifying…'));
    try {
      const result = await api('/v1/audit/verify', { method: 'POST' });
      replace(status, h('div', { class: result.valid ? 'ok' : 'error', role: 'status' },
        h('strong', {}, result.valid ? 'Chain intact' : 'Chain broken'), ` — ${result.records} records. ${result.message ?? ''}`,
        result.firstBadSequence != null ? ` First bad record: ${result.firstBadSequence}.` : ''));
    } catch (e) {
      replace(status, errorBox(e));
    }
  }

  async function exportLedger() {
    replace(status, h('p', { class: 'muted' }, 'Exporting…'));
    try {
      // Fetched, not linked: the export needs the Authorization header, which a plain link cannot send.
      const response = await api('/v1/audit/export', { raw: true });
      const blob = await response.blob();
      const url = URL.createObjectURL(blob);
      const link = h('a', { href: url, download: `lumina-audit-${new Date().toISOString().slice(0, 19).replaceAll(':', '')}.ndjson` });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      replace(status, h('p', { class: 'ok', role: 'status' }, `Exported ${blob.size} bytes.`));
    } catch (e) {
      replace(status, errorBox(e));
    }
  }

  more.addEventListener('click', () => load(true));
  const form = h('form', { class: 'filters', 'aria-label': 'Search the audit ledger', onsubmit: e => { e.preventDefault(); load(false); } },
    q.field, caller.field, outcome.field, h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Search')));
  view.append(
    heading('Audit', h('button', { type: 'button', onclick: verify }, 'Verify chain'), h('button', { type: 'button', class: 'secondary', onclick: exportLedger }, 'Export')),
    form, status, results, more);
  await load(false);
}
