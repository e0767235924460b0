'use strict';
// graphpaint web page: compose a scene graph, submit it, follow it over server-sent events.
(function () {
  const $ = (id) => document.getElementById(id);
  const state = { vocabulary: { objects: [], predicates: [] }, source: null };

  const tokenInput = $('token');
  tokenInput.value = localStorage.getItem('graphpaint.token') || '';
  tokenInput.addEventListener('change', () => localStorage.setItem('graphpaint.token', tokenInput.value));

  function headers(extra) {
    const h = Object.assign({ 'Accept': 'application/json' }, extra || {});
    if (tokenInput.value) h['Authorization'] = 'Bearer ' + tokenInput.value;
    return h;
  }

  async function api(method, path, body) {
    const init = { method, headers: headers(body ? { 'Content-Type': 'application/json' } : {}) };
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    const response = await fetch(path, init);
    const text = await response.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (e) { json = { detail: text }; }
    if (!response.ok) {
      const error = new Error((json && (json.detail || json.title)) || response.statusText);
      error.problem = json;
      throw error;
    }
    return json;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === 'class') node.className = v; else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    });
    children.flat().forEach((c) => node.append(c instanceof Node ? c : document.createTextNode(String(c))));
    return node;
  }

  // ---- composing

  function objectRow(label) {
    const index = $('objects').children.length;
    const input = el('input', { id: 'object-label-' + index, class: 'object-label', list: 'labels', value: label || '', placeholder: 'label' });
    const li = el('li', {}, input, ' ', el('button', { type: 'button', onclick: () => { li.remove(); renumber(); } }, 'remove'));
    $('objects').append(li);
    input.addEventListener('input', refreshSubjectChoices);
    refreshSubjectChoices();
  }

  function renumber() {
    [...$('objects').querySelectorAll('input.object-label')].forEach((input, i) => { input.id = 'object-label-' + i; });
    refreshSubjectChoices();
  }

  function objectLabels() {
    return [...$('objects').querySelectorAll('input.object-label')].map((i) => i.value.trim());
  }

  function indexSelect(cls, selected) {
    const select = el('select', { class: cls });
    objectLabels().forEach((label, i) => {
      const option = el('option', { value: String(i) }, i + ': ' + (label || '?'));
      if (i === selected) option.selected = true;
      select.append(option);
    });
    return select;
  }

  function refreshSubjectChoices() {
    document.querySelectorAll('#relationships li').forEach((li) => {
      ['subject', 'object'].forEach((cls) => {
        const old = li.querySelector('select.' + cls);
        const replacement = indexSelect(cls, Number(old.value));
        old.replaceWith(replacement);
      });
    });
  }

  function relationshipRow(subject, predicate, object) {
    const index = $('relationships').children.length;
    const li = el('li', {},
      indexSelect('subject', subject ?? 0), ' ',
      el('input', { id: 'predicate-' + index, class: 'predicate', list: 'predicates', value: predicate || '', placeholder: 'predicate' }), ' ',
      indexSelect('object', object ?? 1), ' ',
      el('button', { type: 'button', onclick: () => li.remove() }, 'remove'));
    $('relationships').append(li);
  }

  function formRequest() {
    const graph = {
      objects: objectLabels(),
      relationships: [...document.querySelectorAll('#relationships li')].map((li) => [
        Number(li.querySelector('select.subject').value),
        li.querySelector('input.predicate').value.trim(),
        Number(li.querySelector('select.object').value)])
    };
    const request = { graph, numImages: Number($('num-images').value || 1) };
    if ($('steps').value) request.steps = Number($('steps').value);
    if ($('guidance').value) request.guidanceScale = Number($('guidance').value);
    if ($('seed').value) request.seed = Number($('seed').value);
    return request;
  }

  function showProblem(error) {
    const p = error.problem;
    let text = error.message;
    if (p && p.errors && p.errors.length) text += '\n' + p.errors.map((e) => '• ' + e.field + ': ' + e.rule).join('\n');
    $('errors').textContent = text;
  }

  async function submit() {
    $('errors').textContent = '';
    const jsonMode = !$('json-pane').hidden;
    const body = jsonMode ? $('graph-json').value : formRequest();
    try {
      const accepted = await api('POST', '/v1/generations', body);
      follow(accepted.requestId);
    } catch (e) {
      showProblem(e);
    }
  }

  // ---- following one request

  function follow(id) {
    if (state.source) state.source.close();
    $('current').hidden = false;
    $('current-id').textContent = id;
    $('images').textContent = '';
    render({ state: 'SUBMITTED', progress: { fraction: 0, step: 0, totalSteps: 0 }, images: [] });
    let url = '/v1/generations/' + encodeURIComponent(id) + '/events';
    if (tokenInput.value) url += '?access_token=' + encodeURIComponent(tokenInput.value);
    const source = new EventSource(url);
    state.source = source;
    source.addEventListener('status', (e) => render(JSON.parse(e.data)));
    ['completed', 'failed', 'cancelled'].forEach((name) => source.addEventListener(name, (e) => {
      render(JSON.parse(e.data));
      source.close();
      loadGallery();
      loadModels();
    }));
    source.addEventListener('error', () => { if (source.readyState === EventSource.CLOSED) source.close(); });
  }

  function render(status) {
    $('current-state').textContent = status.state;
    const fraction = status.progress ? status.progress.fraction : 0;
    $('progress').value = fraction;
    $('progress-text').textContent = Math.round(fraction * 100) + '%'
      + (status.progress && status.progress.totalSteps ? ' (step ' + status.progress.step + ' of ' + status.progress.totalSteps + ')' : '');
    $('current-detail').textContent = status.error ? status.error.code + ': ' + status.error.message : '';
    const images = $('images');
    images.textContent = '';
    (status.images || []).forEach((image) => {
      if (image.url) images.append(el('img', { src: image.url, alt: 'image ' + image.index, class: 'result', title: 'seed ' + image.seed }));
    });
  }

  // ---- gallery and models

  function describeGraph(graph) {
    if (!graph) return '(request not seen yet)';
    const names = graph.objects.map((o) => (typeof o === 'string' ? o : o.label));
    const triples = (graph.relationships || []).map((r) => Array.isArray(r)
      ? names[r[0]] + ' ' + r[1] + ' ' + names[r[2]] : names[r.subject] + ' ' + r.predicate + ' ' + names[r.object]);
    return names.join(', ') + (triples.length ? ' — ' + triples.join('; ') : '');
  }

  async function loadGallery() {
    try {
      const list = await api('GET', '/v1/generations?limit=24');
      const gallery = $('gallery');
      gallery.textContent = '';
      list.items.forEach((s) => {
        const card = el('div', { class: 'card', 'data-id': s.requestId },
          el('div', {}, el('span', { class: 'state' }, s.state), ' ', el('code', {}, s.requestId)),
          el('div', {}, describeGraph(s.request && s.request.graph)),
          el('div', {}, ...(s.images || []).filter((i) => i.url).map((i) => el('img', { src: i.url, alt: 'image ' + i.index }))));
        card.addEventListener('click', () => follow(s.requestId));
        gallery.append(card);
      });
    } catch (e) { /* the gallery is optional; errors show on submit */ }
  }

  async function loadModels() {
    try {
      const models = await api('GET', '/v1/models');
      const body = document.querySelector('#models tbody');
      body.textContent = '';
      models.items.forEach((m) => {
        const metrics = Object.entries(m.metrics || {}).map(([k, v]) => k + '=' + Number(v).toFixed(3)).join(', ');
        const promote = m.promoted ? '' : el('button', { type: 'button', onclick: async () => {
          try { await api('POST', '/v1/models/' + encodeURIComponent(m.modelName) + '/' + encodeURIComponent(m.version) + '/promote'); setTimeout(loadModels, 500); }
          catch (e) { showProblem(e); } } }, 'promote');
        body.append(el('tr', {}, el('td', {}, m.modelName), el('td', {}, m.version), el('td', {}, m.promoted ? 'yes' : ''),
          el('td', {}, metrics), el('td', {}, m.completed), el('td', {}, m.failed), el('td', {}, promote)));
      });
    } catch (e) { /* optional */ }
  }

  async function loadVocabulary() {
    try {
      const vocabulary = await api('GET', '/v1/vocabulary');
      state.vocabulary = vocabulary;
      $('labels').textContent = '';
      vocabulary.objects.forEach((o) => $('labels').append(el('option', { value: o })));
      $('predicates').textContent = '';
      vocabulary.predicates.forEach((p) => $('predicates').append(el('option', { value: p })));
      $('vocabulary-note').textContent = vocabulary.source === 'none'
        ? 'No model vocabulary available: type any labels and predicates.'
        : 'Vocabulary of ' + (vocabulary.modelVersion ? 'model ' + vocabulary.modelVersion : 'the configured file')
          + ': ' + vocabulary.objects.length + ' labels, ' + vocabulary.predicates.length + ' predicates.';
    } catch (e) {
      $('vocabulary-note').textContent = 'Vocabulary unavailable: type any labels and predicates.';
    }
  }

  $('add-object').addEventListener('click', () => objectRow(''));
  $('add-relationship').addEventListener('click', () => relationshipRow(0, '', Math.min(1, objectLabels().length - 1)));
  $('submit').addEventListener('click', submit);
  $('refresh-gallery').addEventListener('click', loadGallery);
  $('tab-form').addEventListener('click', () => { $('graph-form').hidden = false; $('json-pane').hidden = true; $('tab-form').classList.add('active'); $('tab-json').classList.remove('active'); });
  $('tab-json').addEventListener('click', () => { $('graph-form').hidden = true; $('json-pane').hidden = false; $('tab-json').classList.add('active'); $('tab-form').classList.remove('active'); });

  objectRow('');
  objectRow('');
  relationshipRow(0, '', 1);
  loadVocabulary();
  loadGallery();
  loadModels();
})();
