// The console's shell: who is signed in, the navigation for their role, and hash routing to one module per page.
import { api, token, onUnauthorized } from './api.js';
import { h, replace, errorBox } from './dom.js';

/** The pages: path, title, module, and whether only admins may see it. */
const pages = [
  { path: 'overview', title: 'Overview', load: () => import('./pages/overview.js') },
  { path: 'catalog', title: 'Catalog', load: () => import('./pages/catalog.js') },
  { path: 'memory', title: 'Memory', load: () => import('./pages/memory.js') },
  { path: 'audit', title: 'Audit', load: () => import('./pages/audit.js'), admin: true },
  { path: 'users', title: 'Users', load: () => import('./pages/users.js'), admin: true },
  { path: 'roles', title: 'Roles', load: () => import('./pages/roles.js'), admin: true },
  { path: 'keys', title: 'API keys', load: () => import('./pages/keys.js'), admin: true },
  { path: 'servers', title: 'Servers', load: () => import('./pages/servers.js'), admin: true },
  { path: 'runs', title: 'Workflow runs', load: () => import('./pages/runs.js'), admin: true },
  { path: 'toolsets', title: 'Tool sets', load: () => import('./pages/toolsets.js'), admin: true },
];

const view = document.getElementById('view');
const nav = document.getElementById('nav');
const who = document.getElementById('who');

/** The signed-in user (GET /v1/me), or null. */
let me = null;
let rendering = 0;

function go(path) {
  if (location.hash !== `#/${path}`) location.hash = `#/${path}`;
  else render();
}

function signOut() {
  token.clear();
  me = null;
  go('signin');
}

onUnauthorized(() => {
  me = null;
  go('signin');
});

function drawChrome(current) {
  replace(nav);
  replace(who);
  if (!me) return;
  const visible = pages.filter(p => !p.admin || me.isAdmin);
  const user = visible.filter(p => !p.admin);
  const admin = visible.filter(p => p.admin);
  const link = p => h('a', { href: `#/${p.path}`, 'aria-current': p.path === current ? 'page' : null }, p.title);
  nav.append(h('ul', {}, user.map(p => h('li', {}, link(p)))));
  if (admin.length) {
    nav.append(h('ul', { class: 'admin', 'aria-label': 'Administration' }, h('li', { class: 'nav-label' }, 'Admin'), admin.map(p => h('li', {}, link(p)))));
  }
  who.append(h('span', { class: 'user' }, me.name, ' ', h('span', { class: 'badge' }, me.role)),
    h('button', { type: 'button', class: 'link', onclick: signOut }, 'Sign out'));
}

async function render() {
  const run = ++rendering;
  const path = (location.hash.replace(/^#\/?/, '').split('?')[0] || 'overview');
  if (!token.get()) {
    me = null;
    drawChrome(null);
    const { default: signin } = await import('./pages/signin.js');
    if (run !== rendering) return;
    replace(view);
    signin(view, async () => { me = null; go(path === 'signin' ? 'overview' : path); });
    document.title = 'Sign in · Lumina';
    return;
  }

  if (path === 'signin') {
    go('overview');
    return;
  }

  try {
    me ??= await api('/v1/me');
  } catch (e) {
    if (run !== rendering) return;
    if (e.status === 401) return;
    drawChrome(null);
    replace(view, errorBox(e), h('p', {}, h('button', { type: 'button', onclick: signOut }, 'Sign in again')));
    return;
  }

  if (run !== rendering) return;
  const page = pages.find(p => p.path === path);
  drawChrome(page?.path);
  if (!page) {
    replace(view, h('h1', {}, 'Not found'), h('p', {}, 'There is no page ', h('code', {}, path), '.'));
    return;
  }

  if (page.admin && !me.isAdmin) {
    // Refused here as well as by the API: a user who types an admin page's address sees no admin screen at all.
    replace(view, h('h1', {}, 'Not allowed'), h('p', { class: 'error', role: 'alert' }, 'This page is for administrators.'));
    document.title = 'Not allowed · Lumina';
    return;
  }

  document.title = `${page.title} · Lumina`;
  replace(view, h('p', { class: 'muted' }, 'Loading…'));
  try {
    const module = await page.load();
    if (run !== rendering) return;
    const container = h('section', { class: 'page', 'data-page': page.path });
    replace(view, container);
    await module.default(container, { me, isCurrent: () => run === rendering });
  } catch (e) {
    if (run !== rendering || e.status === 401) return;
    replace(view, errorBox(e));
  }
}

window.addEventListener('hashchange', render);
render();
