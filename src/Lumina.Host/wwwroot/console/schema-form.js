// A form generated from a tool's JSON Schema (its inputSchema): one labelled control per property, required marks,
// defaults, and type checks before anything is sent. The host checks the arguments again; this only saves a round trip.
import { h, uid } from './dom.js';

/** The first non-null type of a schema (JSON Schema allows a list, e.g. ["string", "null"]). */
function typeOf(schema) {
  const type = Array.isArray(schema?.type) ? schema.type.find(t => t !== 'null') : schema?.type;
  if (type) return type;
  if (Array.isArray(schema?.enum)) return 'enum';
  if (schema?.properties) return 'object';
  return 'any';
}

function kindOf(schema) {
  const type = typeOf(schema);
  if (Array.isArray(schema?.enum) && schema.enum.length) return 'enum';
  if (type === 'array' && ['string', undefined].includes(typeOf(schema.items) === 'any' ? undefined : typeOf(schema.items)) && schema.items) return 'strings';
  if (['string', 'number', 'integer', 'boolean'].includes(type)) return type;
  return 'json';
}

/** One property's control: {row, read()} where read() answers {value} | {skip} | {error}. */
function control(name, schema, required) {
  const id = uid('arg');
  const kind = kindOf(schema);
  const hasDefault = schema && Object.hasOwn(schema, 'default');
  const label = h('label', { for: id }, schema?.title ?? name, required ? h('span', { class: 'required', title: 'required', 'aria-hidden': 'true' }, ' *') : null);
  const hintText = [schema?.description, kind === 'strings' ? 'One item per line.' : null, kind === 'json' ? `JSON${typeOf(schema) === 'object' ? ' object' : typeOf(schema) === 'array' ? ' array' : ''}.` : null]
    .filter(Boolean).join(' ');
  const hint = hintText ? h('small', { id: `${id}-hint`, class: 'muted' }, hintText) : null;
  const message = h('small', { id: `${id}-error`, class: 'field-error', 'aria-live': 'polite' });
  const common = { id, name, 'aria-describedby': [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(' '), 'aria-required': required ? 'true' : null };
  let input;

  switch (kind) {
    case 'enum':
      input = h('select', common,
        required && !hasDefault ? h('option', { value: '' }, '(choose)') : null,
        !required ? h('option', { value: '' }, '(not set)') : null,
        schema.enum.map((v, i) => h('option', { value: String(i), selected: hasDefault && schema.default === v }, String(v))));
      break;
    case 'boolean':
      if (required) {
        input = h('input', { ...common, type: 'checkbox', props: { checked: schema.default === true } });
      } else {
        input = h('select', common, h('option', { value: '' }, '(not set)'),
          h('option', { value: 'true', selected: hasDefault && schema.default === true }, 'true'),
          h('option', { value: 'false', selected: hasDefault && schema.default === false }, 'false'));
      }
      break;
    case 'number':
    case 'integer':
      input = h('input', { ...common, type: 'number', inputmode: kind === 'integer' ? 'numeric' : 'decimal', step: kind === 'integer' ? '1' : 'any',
        min: schema.minimum, max: schema.maximum, value: hasDefault ? String(schema.default) : null });
      break;
    case 'strings':
      input = h('textarea', { ...common, rows: 3, props: { value: hasDefault && Array.isArray(schema.default) ? schema.default.join('\n') : '' } });
      break;
    case 'json':
      input = h('textarea', { ...common, rows: 4, class: 'mono', spellcheck: 'false', props: { value: hasDefault ? JSON.stringify(schema.default, null, 2) : '' } });
      break;
    default:
      input = (schema?.maxLength ?? 0) > 200
        ? h('textarea', { ...common, rows: 3, props: { value: hasDefault ? String(schema.default) : '' } })
        : h('input', { ...common, type: 'text', value: hasDefault ? String(schema.default) : null });
  }

  function read() {
    const raw = input.type === 'checkbox' ? null : input.value;
    if (kind === 'boolean' && input.type === 'checkbox') return { value: input.checked };
    if (raw === '' || (kind === 'strings' && raw.trim() === '')) {
      return required ? { error: 'Required.' } : { skip: true };
    }
    switch (kind) {
      case 'enum': return { value: schema.enum[Number(raw)] };
      case 'boolean': return { value: raw === 'true' };
      case 'number':
      case 'integer': {
        const value = Number(raw);
        if (!Number.isFinite(value)) return { error: 'Not a number.' };
        if (kind === 'integer' && !Number.isInteger(value)) return { error: 'Must be a whole number.' };
        if (schema.minimum !== undefined && value < schema.minimum) return { error: `At least ${schema.minimum}.` };
        if (schema.maximum !== undefined && value > schema.maximum) return { error: `At most ${schema.maximum}.` };
        return { value };
      }
      case 'strings': return { value: raw.split('\n').map(s => s.trim()).filter(s => s.length > 0) };
      case 'json': {
        let value;
        try {
          value = JSON.parse(raw);
        } catch (e) {
          return { error: `Not valid JSON: ${e.message}` };
        }
        const type = typeOf(schema);
        if (type === 'object' && (value === null || typeof value !== 'object' || Array.isArray(value))) return { error: 'Must be a JSON object.' };
        if (type === 'array' && !Array.isArray(value)) return { error: 'Must be a JSON array.' };
        return { value };
      }
      default: {
        if (schema?.minLength !== undefined && raw.length < schema.minLength) return { error: `At least ${schema.minLength} characters.` };
        if (schema?.maxLength !== undefined && raw.length > schema.maxLength) return { error: `At most ${schema.maxLength} characters.` };
        return { value: raw };
      }
    }
  }

  const row = h('div', { class: `field field-${kind}` }, label, input, hint, message);
  return {
    row,
    read() {
      const result = read();
      message.textContent = result.error ?? '';
      input.setAttribute('aria-invalid', result.error ? 'true' : 'false');
      return result;
    },
  };
}

/**
 * A form for schema. onSubmit(args) runs with the checked arguments. Answers the form element.
 */
export function schemaForm(schema, onSubmit, submitLabel = 'Run') {
  const properties = Object.entries(schema?.properties ?? {});
  const required = new Set(schema?.required ?? []);
  const controls = properties.map(([name, property]) => ({ name, ...control(name, property, required.has(name)) }));
  const button = h('button', { type: 'submit' }, submitLabel);
  const form = h('form', { class: 'schema-form', novalidate: true },
    controls.length ? controls.map(c => c.row) : h('p', { class: 'muted' }, 'This tool takes no arguments.'),
    h('div', { class: 'actions' }, button));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const args = {};
    let ok = true;
    for (const c of controls) {
      const result = c.read();
      if (result.error) ok = false;
      else if (!result.skip) args[c.name] = result.value;
    }
    if (!ok) {
      form.querySelector('[aria-invalid="true"]')?.focus();
      return;
    }
    button.disabled = true;
    try {
      await onSubmit(args);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}
