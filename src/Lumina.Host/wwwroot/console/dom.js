// DOM helpers. Every string a caller passes becomes a text node (textContent), never markup: text from the server
// (names, descriptions, results, errors) is shown as text even when it looks like HTML.

/**
 * Makes an element. attrs: plain attributes, plus `class`, `on<event>` handlers (functions), `dataset` (object),
 * and `props` (object of DOM properties). Children: nodes, strings (as text), arrays, null/undefined/false (skipped).
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (key === 'props') {
      Object.assign(el, value);
    } else if (key === 'class') {
      el.className = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

/** Appends children (see h) to el. */
export function append(el, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces el's content with children. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

let ids = 0;
/** A unique element id, for label/for pairs. */
export function uid(prefix = 'f') {
  ids += 1;
  return `${prefix}-${ids}`;
}

/** A labelled input: returns {field, input}. */
export function field(label, input, hint) {
  input.id ||= uid();
  const field = h('div', { class: 'field' }, h('label', { for: input.id }, label), input, hint ? h('small', { class: 'muted' }, hint) : null);
  return { field, input };
}

/** A table from rows; columns: [{title, value: row => node|string}]. */
export function table(columns, rows, caption) {
  return h('div', { class: 'table-wrap' },
    h('table', {},
      caption ? h('caption', {}, caption) : null,
      h('thead', {}, h('tr', {}, columns.map(c => h('th', { scope: 'col' }, c.title)))),
      h('tbody', {}, rows.length === 0
        ? h('tr', {}, h('td', { colspan: columns.length, class: 'muted' }, 'Nothing here.'))
        : rows.map(row => h('tr', {}, columns.map(c => h('td', {}, c.value(row))))))));
}

/** An error box showing an error's title and detail as text. */
export function errorBox(error) {
  const title = error?.title ?? 'Error';
  const detail = error?.detail ?? error?.message ?? String(error);
  return h('div', { class: 'error', role: 'alert' }, h('strong', {}, title), detail ? h('span', {}, ' ', detail) : null);
}

/** A short date-time in the browser's locale, or an em dash. */
export function when(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleString();
}

/** A page heading plus an optional toolbar. */
export function heading(text, ...tools) {
  return h('div', { class: 'page-head' }, h('h1', {}, text), tools.length ? h('div', { class: 'tools' }, tools) : null);
}
