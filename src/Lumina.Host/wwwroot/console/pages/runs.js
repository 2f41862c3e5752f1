// Workflow runs (admins see everyone's): list by status, cancel a running one, resume one whose host went away
// (GET/POST /v1/workflows/runs; the host refuses to resume a run another host is still running, and says so).
import { api, seg, query } from '../api.js';
import { h, heading, replace, errorBox, field, table, when } from '../dom.js';

export default async function runs(view) {
  const statusFilter = field('Status', h('select', { name: 'status' },
    ['', 'running', 'completed', 'failed', 'cancelled'].map(s => h('option', { value: s }, s || 'any'))));
  const list = h('div');
  const status = h('div', { 'aria-live': 'polite' });

  async function act(run, verb) {
    try {
      await api(`/v1/workflows/runs/${seg(run.id)}/${verb}`, { method: 'POST' });
      replace(status, h('p', { class: 'ok', role: 'status' }, `${verb === 'cancel' ? 'Cancelled' : 'Resumed'} ${run.id}.`));
      await load();
    } catch (e) {
      replace(status, errorBox(e));
    }
  }

  async function load() {
    try {
      const wanted = statusFilter.input.value;
      const data = await api(`/v1/workflows/runs${query({ unfinished: wanted === 'running' ? 'true' : '', limit: '100' })}`);
      const shown = (data.runs ?? []).filter(r => !wanted || r.status === wanted);
      replace(list, table([
        { title: 'Run', value: r => h('code', {}, r.id) },
        { title: 'Workflow', value: r => r.workflow },
        { title: 'Status', value: r => h('span', { class: `status status-${r.status}` }, r.status) },
        { title: 'Owner', value: r => r.owner },
        { title: 'Started', value: r => when(r.createdAt) },
        { title: 'Updated', value: r => when(r.updatedAt) },
        { title: 'Steps', value: r => `${r.stepsDone ?? 0}/${r.stepsTotal ?? 0}` },
        { title: 'Message', value: r => r.message ? h('span', { class: r.status === 'failed' ? 'error-text' : '' }, r.message) : '' },
        { title: '', value: r => [
          r.status === 'running' ? h('button', { type: 'button', class: 'small danger', 'aria-label': `Cancel ${r.id}`, onclick: () => act(r, 'cancel') }, 'Cancel') : null,
          r.status === 'running' ? h('button', { type: 'button', class: 'small', 'aria-label': `Resume ${r.id}`, onclick: () => act(r, 'resume') }, 'Resume') : null,
        ] },
      ], shown));
    } catch (e) {
      replace(list, errorBox(e));
    }
  }

  statusFilter.input.addEventListener('change', load);
  view.append(heading('Workflow runs', statusFilter.field), status, list);
  await load();
}
