// The dashboard pages in the browser's language. Each shipped page has a small ui-template ("page language")
// that imports this module and calls applyPageTexts. The texts come from the same message catalogues as the
// nodes (nodes/<node>/locales/<lang>/<node>.json, section "<page>-page"), as Node-RED serves them to its
// editor (<httpAdminRoot>locales/<namespace>?lng=<lang>), English filling what a language lacks:
//   groups:  { <ui-group id>: title }
//   widgets: { <widget id>: { label, title, options, columns... } }  merged into the widget's settings
//   text:    { <key>: "text with __placeholders__" }  for the page's own templates (emotionIot/t below)
// Dashboard 2.0 has no message to rename a group or to relabel a table or a gauge, so the titles are set in
// the tab's own store (ui/setProperty, as its ui-control does): every browser tab gets its own language,
// and nothing is sent to the flow.
const NAMESPACE = '@emotion-iot/node-red-emotion-iot/';

function merge(base, over) {
  if (Array.isArray(over) || typeof over !== 'object' || over === null) return over === undefined ? base : over;
  const out = Object.assign({}, base);
  for (const key of Object.keys(over)) {
    out[key] = typeof base === 'object' && base !== null ? merge(base[key], over[key]) : over[key];
  }
  return out;
}

async function catalogue(adminRoot, node, lang) {
  try {
    const res = await fetch(`${adminRoot}locales/${NAMESPACE}${node}?lng=${encodeURIComponent(lang)}`);
    return res.ok ? await res.json() : {};
  } catch {
    return {};
  }
}

/** Fills __name__ placeholders. */
export function fill(text, vars) {
  return String(text).replace(/__(\w+)__/g, (whole, name) => (vars && vars[name] !== undefined ? String(vars[name]) : whole));
}

function textsModule() {
  return {
    namespaced: true,
    state: () => ({ lang: 'en-US', text: {} }),
    mutations: {
      add(state, { lang, text }) {
        state.lang = lang;
        state.text = Object.assign({}, state.text, text);
      },
    },
    getters: {
      // t(key, vars): the text in the tab's language; a { key, vars } object, or a plain string, as it is
      t: (state) => (key, vars) => {
        if (key && typeof key === 'object') return fill(state.text[key.key] ?? key.key, key.vars);
        return fill(state.text[key] ?? key, vars);
      },
    },
  };
}

/**
 * Applies the "<page>-page" section of `node`'s catalogue in the browser's language to the tab's store:
 * group titles, widget settings, and the page texts behind the getter emotionIot/t.
 */
export async function applyPageTexts(store, { adminRoot, node, page, lang = navigator.language }) {
  if (!store.hasModule('emotionIot')) store.registerModule('emotionIot', textsModule());
  const [english, local] = await Promise.all([catalogue(adminRoot, node, 'en-US'), catalogue(adminRoot, node, lang)]);
  const section = `${page}-page`;
  const texts = merge(english[section] || {}, local[section] || {});
  const ui = store.state.ui;
  for (const [id, title] of Object.entries(texts.groups || {})) {
    if (ui.groups[id]) store.commit('ui/setProperty', { item: 'group', itemId: id, property: 'name', value: title });
  }
  for (const [id, settings] of Object.entries(texts.widgets || {})) {
    const widget = ui.widgets[id];
    if (!widget) continue;
    const props = Object.assign({}, widget.props, settings);
    // a table's columns keep their keys and widths: only the titles are the catalogue's
    if (Array.isArray(settings.columns) && Array.isArray(widget.props.columns)) {
      props.columns = widget.props.columns.map((c) => Object.assign({}, c, settings.columns.find((s) => s.key === c.key) || {}));
    }
    store.commit('ui/setProperty', { item: 'widget', itemId: id, property: 'props', value: props });
  }
  store.commit('emotionIot/add', { lang: local[section] ? lang : 'en-US', text: texts.text || {} });
}
