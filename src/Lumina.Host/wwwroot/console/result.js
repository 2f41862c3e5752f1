// A tool's result (POST /v1/tools/{name}): each content block by its type, structured content as formatted JSON, and an
// error result in the error style. Text is always text; images and sounds are data: URLs of what the tool returned.
import { h } from './dom.js';

const imageTypes = /^image\/(png|jpeg|gif|webp|bmp)$/;
const audioTypes = /^audio\/[a-z0-9.+-]+$/;

function dataUrl(mimeType, base64) {
  return `data:${mimeType};base64,${String(base64).replace(/[^A-Za-z0-9+/=]/g, '')}`;
}

function block(content) {
  switch (content.type) {
    case 'text':
      return h('pre', { class: 'result-text' }, content.text ?? '');
    case 'image':
      // Only raster types: an SVG could carry script in a document context (it is inert in <img>, but there is no need).
      return imageTypes.test(content.mimeType ?? '')
        ? h('img', { class: 'result-image', src: dataUrl(content.mimeType, content.data), alt: 'Image returned by the tool' })
        : h('p', { class: 'muted' }, `An image of type ${content.mimeType} (not shown).`);
    case 'audio':
      return audioTypes.test(content.mimeType ?? '')
        ? h('audio', { controls: true, src: dataUrl(content.mimeType, content.data), 'aria-label': 'Sound returned by the tool' })
        : h('p', { class: 'muted' }, `A sound of type ${content.mimeType} (not shown).`);
    case 'resource': {
      const r = content.resource ?? {};
      return h('div', { class: 'result-resource' },
        h('div', { class: 'muted' }, 'Resource ', h('code', {}, r.uri ?? ''), r.mimeType ? ` (${r.mimeType})` : ''),
        r.text !== undefined ? h('pre', { class: 'result-text' }, r.text) : h('p', { class: 'muted' }, `${(r.blob ?? '').length} base64 characters of binary content.`));
    }
    case 'resource_link':
      return h('div', { class: 'result-resource' }, 'Link to resource ', h('code', {}, content.uri ?? ''), content.name ? ` — ${content.name}` : '', content.mimeType ? ` (${content.mimeType})` : '');
    default:
      return h('pre', { class: 'result-text' }, JSON.stringify(content, null, 2));
  }
}

/** The rendering of a call result. */
export function renderResult(result) {
  const content = result?.content ?? [];
  return h('div', { class: `result ${result?.isError ? 'result-error' : ''}`, role: result?.isError ? 'alert' : 'status', 'aria-label': 'Result' },
    result?.isError ? h('strong', {}, 'The tool reported an error') : null,
    content.map(block),
    result?.structuredContent != null
      ? h('details', { open: content.length === 0 }, h('summary', {}, 'Structured content'), h('pre', { class: 'result-json' }, JSON.stringify(result.structuredContent, null, 2)))
      : null);
}
