// Overview: the health of stores, providers and upstream servers, and the host's own meters (GET /v1/overview).
import { api } from '../api.js';
import { h, heading, table, when } from '../dom.js';
import { lineChart } from '../charts.js';

const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });
const money = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 4 });

export default async function overview(view) {
  const data = await api('/v1/overview');
  const totals = data.totals ?? {};
  const series = data.series ?? [];
  const perMinute = series.length ? series.reduce((sum, s) => sum + (s.calls ?? 0), 0) / series.length : 0;

  const stat = (label, value) => h('div', { class: 'stat' }, h('div', { class: 'stat-value' }, value), h('div', { class: 'stat-label' }, label));
  view.append(
    heading('Overview', h('span', { class: 'muted' }, `Lumina ${data.version ?? ''} · up since ${when(data.startedAt)}`)),
    h('div', { class: 'stats', 'aria-label': 'Totals since start' },
      stat('Calls', number.format(totals.calls ?? 0)),
      stat('Calls / min (last hour)', number.format(perMinute)),
      stat('Error rate', percent.format(totals.errorRate ?? 0)),
      stat('p50 latency', `${number.format(totals.p50Ms ?? 0)} ms`),
      stat('p99 latency', `${number.format(totals.p99Ms ?? 0)} ms`),
      stat('Tokens', number.format((totals.inputTokens ?? 0) + (totals.outputTokens ?? 0))),
      stat('Cost', money.format(totals.cost ?? 0))),
    h('h2', {}, 'Health'),
    table([
      { title: 'Component', value: c => c.name },
      { title: 'Status', value: c => h('span', { class: `status status-${c.status}` }, c.status) },
      { title: 'Details', value: c => c.description ?? '' },
    ], data.health ?? [], null));

  const charts = h('div', { class: 'charts' });
  view.append(h('h2', {}, 'Last hour'), charts);
  const labels = series.map(s => new Date(s.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
  const drawn = await lineChart(charts, 'Calls per minute', labels, [
    { label: 'Calls', data: series.map(s => s.calls ?? 0), borderColor: '#3b6fd8' },
    { label: 'Errors', data: series.map(s => s.errors ?? 0), borderColor: '#c0392b' },
  ]);
  if (drawn) {
    await lineChart(charts, 'Latency (ms)', labels, [
      { label: 'p50', data: series.map(s => s.p50Ms ?? 0), borderColor: '#2e8b57' },
      { label: 'p99', data: series.map(s => s.p99Ms ?? 0), borderColor: '#d98c1f' },
    ]);
    await lineChart(charts, 'Tokens per minute', labels, [{ label: 'Tokens', data: series.map(s => s.tokens ?? 0), borderColor: '#7a4fd8' }]);
    await lineChart(charts, 'Cost per minute', labels, [{ label: 'Cost', data: series.map(s => s.cost ?? 0), borderColor: '#555' }]);
  } else {
    charts.append(h('p', { class: 'muted' }, 'Charts are not available in this build (Chart.js was not fetched); the numbers per minute:'));
  }

  const busy = series.filter(s => s.calls > 0).reverse();
  view.append(h('details', { open: !drawn }, h('summary', {}, 'Minutes with calls'),
    table([
      { title: 'Minute', value: s => when(s.at) },
      { title: 'Calls', value: s => number.format(s.calls) },
      { title: 'Errors', value: s => number.format(s.errors) },
      { title: 'p50 ms', value: s => number.format(s.p50Ms) },
      { title: 'p99 ms', value: s => number.format(s.p99Ms) },
      { title: 'Tokens', value: s => number.format(s.tokens) },
      { title: 'Cost', value: s => money.format(s.cost) },
    ], busy)));
}
