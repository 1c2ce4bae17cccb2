/* The catalog's instant search over the index alchemesh/docs/search.py builds into search/*.js.
   Shards are loaded with <script src> (fetch is blocked on file://) and register themselves with
   window.alchemeshSearch.add(name, data). The core (createSearch) runs under node without a DOM. */
(function () {
  'use strict';
  const LIMIT = 20;
  const DEBOUNCE_MS = 80;
  let SPLIT;
  try {
    SPLIT = new RegExp('[^\\p{L}\\p{N}]+', 'u'); // as Python's [\W_]+
  } catch (e) {
    SPLIT = /[^0-9a-z\u00aa-\uffff]+/; // browsers without Unicode property escapes
  }

  const fold = (text) => String(text).normalize('NFKC').toLowerCase();
  const long = (token) => Array.from(token).length >= 2;

  function tokenize(text) {
    return fold(text).split(SPLIT).filter(long);
  }

  function isRelative(url) {
    return typeof url === 'string' && !/^[\x00-\x20]*[/\\]/.test(url) && !/^[^/?#]*:/.test(url);
  }

  // loadScript(name) loads search/<name>.js, which calls add(name, data); it may return a promise.
  function createSearch(loadScript) {
    const store = new Map();
    const pending = new Map();

    function add(name, data) {
      store.set(name, data);
    }

    function load(name) {
      if (!pending.has(name)) {
        const promise = Promise.resolve().then(() => loadScript(name)).then(() => {
          if (!store.has(name)) throw new Error('search index file did not register: ' + name);
          return store.get(name);
        });
        promise.catch(() => pending.delete(name)); // try again on the next query
        pending.set(name, promise);
      }
      return pending.get(name);
    }

    // Entry number → 1 if `token` is one of its tokens, 0 if only a longer token starts with it.
    async function matches(token, manifest) {
      const found = new Map();
      const keys = manifest.terms.filter(([prefix]) => prefix.startsWith(token) || token.startsWith(prefix));
      for (const shard of await Promise.all(keys.map(([, key]) => load('terms-' + key)))) {
        for (const [term, deltas] of shard) {
          if (!term.startsWith(token)) continue;
          const exact = term === token ? 1 : 0;
          let id = 0;
          for (const delta of deltas) {
            id += delta;
            if (exact || !found.has(id)) found.set(id, exact);
          }
        }
      }
      return found;
    }

    async function entry(id, manifest) {
      const shard = await load('docs-' + String(Math.floor(id / manifest.per)).padStart(3, '0'));
      const [kind, title, url, snippet] = shard[id % manifest.per];
      return { kind: manifest.kinds[kind], title, url, snippet };
    }

    // Entries matching every query token (as a whole token or a prefix of one): more exact matches
    // first (a title equal to the whole query counts as one more), then by entry number (the build
    // numbers entries by kind, then title).
    async function search(query) {
      const tokens = Array.from(new Set(tokenize(query)));
      if (!tokens.length) return { count: 0, results: [] };
      const manifest = await load('manifest');
      const whole = fold(query).trim();
      const titled = long(whole) && !tokens.includes(whole);
      const [titles, ...found] = await Promise.all([titled ? matches(whole, manifest) : new Map(),
        ...tokens.map((token) => matches(token, manifest))]);
      found.sort((a, b) => a.size - b.size);
      const hits = [];
      for (const [id, exact] of found[0]) {
        let score = exact;
        for (let i = 1; i < found.length && score >= 0; i++) {
          const other = found[i].get(id);
          score = other === undefined ? -1 : score + other;
        }
        if (score >= 0) hits.push([id, score + (titles.get(id) || 0)]);
      }
      hits.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
      const results = [];
      for (let start = 0; start < hits.length && results.length < LIMIT; start += LIMIT) {
        const batch = hits.slice(start, start + LIMIT);
        for (const item of await Promise.all(batch.map(([id]) => entry(id, manifest)))) {
          if (results.length < LIMIT && isRelative(item.url)) results.push(item);
        }
      }
      return { count: hits.length, results };
    }

    return { add, load, search };
  }

  function render(doc, list, results, root) {
    list.textContent = '';
    for (const result of results) {
      const li = doc.createElement('li');
      const link = doc.createElement('a');
      link.setAttribute('href', root + result.url);
      link.textContent = result.title;
      li.appendChild(link);
      for (const [name, text] of [['kind', result.kind], ['snippet', result.snippet]]) {
        const span = doc.createElement('span');
        span.className = name;
        span.textContent = text;
        li.appendChild(doc.createTextNode(' '));
        li.appendChild(span);
      }
      list.appendChild(li);
    }
  }

  function countText(count) {
    if (count === 0) return 'Nothing found: try a product, port, contract or field name';
    return count === 1 ? '1 result' : count + ' results';
  }

  if (typeof module !== 'undefined' && module.exports) {
    module.exports = { createSearch, tokenize, isRelative, render, countText, LIMIT };
    return;
  }

  const rootPrefix = () => (document.body && document.body.dataset.root) || '';
  const api = createSearch((name) => new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = rootPrefix() + 'search/' + name + '.js';
    script.onload = () => { script.remove(); resolve(); };
    script.onerror = () => { script.remove(); reject(new Error('cannot load ' + script.src)); };
    document.head.appendChild(script);
  }));
  window.alchemeshSearch = api;

  function start() {
    const input = document.getElementById('search');
    const list = document.getElementById('search-results');
    if (!input || !list) return;
    const count = document.getElementById('search-count');
    let timer = null;
    let latest = 0;

    function run() {
      const mine = ++latest;
      const query = input.value;
      return api.search(query).then((found) => {
        if (mine !== latest) return;
        render(document, list, found.results, rootPrefix());
        if (count) count.textContent = tokenize(query).length ? countText(found.count) : '';
        // the search is a link: this page with ?q=, which opens with the same results
        const url = new URL(window.location.href);
        if (query.trim()) url.searchParams.set('q', query); else url.searchParams.delete('q');
        window.history.replaceState(null, '', url);
      }, (error) => {
        if (mine !== latest) return;
        list.textContent = '';
        if (count) count.textContent = 'Search is unavailable';
        console.error(error);
      });
    }

    input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(run, DEBOUNCE_MS);
    });
    input.addEventListener('keydown', (event) => {
      const first = list.querySelector('a');
      if (event.key === 'Enter') {
        event.preventDefault();
        clearTimeout(timer);
        run().then(() => {
          const link = list.querySelector('a');
          if (link) window.location.href = link.href;
        });
      } else if (event.key === 'ArrowDown' && first) {
        event.preventDefault();
        first.focus();
      }
    });
    list.addEventListener('keydown', (event) => {
      const links = Array.from(list.querySelectorAll('a'));
      const at = links.indexOf(document.activeElement);
      if (at < 0) return;
      let next = null;
      if (event.key === 'ArrowDown') next = links[at + 1] || null;
      else if (event.key === 'ArrowUp') next = at ? links[at - 1] : input;
      else if (event.key === 'Escape') next = input;
      if (next) {
        event.preventDefault();
        next.focus();
      }
    });
    document.addEventListener('keydown', (event) => {  // `/` focuses the search, as on most sites
      const typing = event.target instanceof HTMLElement &&
        (event.target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(event.target.tagName));
      if (event.key === '/' && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        input.focus();
      }
    });
    const asked = new URLSearchParams(window.location.search).get('q');
    if (asked) {
      input.value = asked;
      run();
    } else {
      api.load('manifest').catch(() => {}); // warm up; a failure is reported on the first query
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
