// Sign in: a username and password, or an API key, for a token from POST /token.
import { signIn } from '../api.js';
import { h, field, errorBox, replace } from '../dom.js';

export default function signin(view, done) {
  const message = h('div', { 'aria-live': 'polite' });
  const username = field('Username', h('input', { name: 'username', autocomplete: 'username', required: true }));
  const password = field('Password', h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true }));
  const key = field('API key', h('input', { name: 'apikey', type: 'password', autocomplete: 'off', required: true }));

  async function submit(event, credentials, button) {
    event.preventDefault();
    button.disabled = true;
    replace(message);
    try {
      await signIn(credentials());
      done();
    } catch (e) {
      replace(message, errorBox({ title: 'Sign-in failed', detail: e.detail || e.title }));
    } finally {
      button.disabled = false;
    }
  }

  const passwordButton = h('button', { type: 'submit' }, 'Sign in');
  const keyButton = h('button', { type: 'submit' }, 'Sign in with key');
  view.append(h('section', { class: 'signin card' },
    h('h1', {}, 'Sign in to Lumina'),
    h('form', { 'aria-label': 'Account sign-in', onsubmit: e => submit(e, () => ({ username: username.input.value, password: password.input.value }), passwordButton) },
      username.field, password.field, passwordButton),
    h('details', {},
      h('summary', {}, 'Use an API key instead'),
      h('form', { 'aria-label': 'Key sign-in', onsubmit: e => submit(e, () => ({ apiKey: key.input.value.trim() }), keyButton) }, key.field, keyButton)),
    message));
  username.input.focus();
}
