// The console's one way to the host: the HTTP API with the signed-in user's bearer token (kept in sessionStorage, sent
// in the Authorization header: no cookies, so no cross-site request can act as the user).

const TOKEN = 'lumina.token';

/** An API answer that was not a success: status, and the RFC 7807 problem's title and detail. */
export class ApiError extends Error {
  constructor(status, title, detail) {
    super(detail || title);
    this.status = status;
    this.title = title;
    this.detail = detail;
  }
}

export const token = {
  get: () => sessionStorage.getItem(TOKEN),
  set: value => sessionStorage.setItem(TOKEN, value),
  clear: () => sessionStorage.removeItem(TOKEN),
};

const listeners = new Set();
/** Called with no arguments when the host answers 401: the token expired or was revoked. */
export function onUnauthorized(listener) {
  listeners.add(listener);
}

/** The error of an answer that was not a success; a body without a problem's detail says which request it was. */
async function problem(response, request) {
  const text = await response.text();
  let title = response.statusText || `HTTP ${response.status}`;
  let detail = text.slice(0, 500);
  try {
    const body = JSON.parse(text);
    title = body.title ?? body.error ?? title;
    detail = body.detail ?? body.error_description ?? '';
  } catch {
    // Not JSON: the text itself is the detail.
  }
  return new ApiError(response.status, title, detail || `${request} answered ${response.status}.`);
}

/** Sends a request with the token; answers the parsed JSON (or the Response when raw), throws ApiError otherwise. */
export async function api(path, { method = 'GET', body, raw = false } = {}) {
  const headers = { Accept: 'application/json' };
  const current = token.get();
  if (current) headers.Authorization = `Bearer ${current}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store', credentials: 'omit' });
  } catch (e) {
    throw new ApiError(0, 'The host did not answer', e.message);
  }

  if (response.status === 401) {
    token.clear();
    listeners.forEach(l => l());
    throw await problem(response, `${method} ${path}`);
  }

  if (!response.ok) throw await problem(response, `${method} ${path}`);
  if (raw) return response;
  if (response.status === 204 || response.headers.get('Content-Length') === '0') return null;
  const type = response.headers.get('Content-Type') ?? '';
  return type.includes('json') ? response.json() : response.text();
}

/** POST /token: a password or an API key for a bearer token. */
export async function signIn({ username, password, apiKey }) {
  const form = new URLSearchParams(apiKey
    ? { grant_type: 'client_credentials', client_secret: apiKey }
    : { grant_type: 'password', username, password });
  let response;
  try {
    response = await fetch('/token', { method: 'POST', body: form, cache: 'no-store', credentials: 'omit' });
  } catch (e) {
    throw new ApiError(0, 'The host did not answer', e.message);
  }

  if (!response.ok) throw await problem(response, 'POST /token');
  const body = await response.json();
  token.set(body.access_token);
  return body;
}

/** Encodes one path segment. */
export const seg = value => encodeURIComponent(value);

/** A query string from an object, skipping empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
