// The query editor of huntkit workbench: CodeMirror 6 with KQL (a small stream tokenizer) and
// SQL (@codemirror/lang-sql) highlighting, and completion of tables, columns, KQL functions
// and template names supplied by the page. Bundled by scripts/build-workbench.sh into
// workbench/static/editor.js as one IIFE exposing window.HKEditor.
import {EditorState, Compartment} from "@codemirror/state";
import {EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection} from "@codemirror/view";
import {defaultKeymap, history, historyKeymap} from "@codemirror/commands";
import {StreamLanguage, syntaxHighlighting, defaultHighlightStyle, bracketMatching} from "@codemirror/language";
import {autocompletion, completionKeymap, closeBrackets} from "@codemirror/autocomplete";
import {sql, StandardSQL} from "@codemirror/lang-sql";

const kqlKeywords = new Set(("where project project-away project-rename project-reorder extend summarize by " +
  "take limit top sort order asc desc join on kind inner leftouter rightouter fullouter leftanti rightanti " +
  "leftsemi rightsemi innerunique union count distinct let datatable range mv-expand mv-apply parse evaluate " +
  "render make-series from to step as getschema search find in has contains startswith endswith matches regex " +
  "and or not between materialize print lookup sample serialize invoke facet with").split(" "));

const kql = StreamLanguage.define({
  name: "kql",
  token(stream) {
    if (stream.eatSpace()) return null;
    if (stream.match("//")) { stream.skipToEnd(); return "comment"; }
    const ch = stream.peek();
    if (ch === '"' || ch === "'") {
      stream.next();
      let esc = false, c;
      while ((c = stream.next()) != null) {
        if (c === ch && !esc) break;
        esc = !esc && c === "\\";
      }
      return "string";
    }
    if (stream.match(/^[0-9]+(\.[0-9]+)?([a-z]+)?/)) return "number";
    if (stream.match(/^[A-Za-z_][A-Za-z0-9_\-]*/)) {
      const w = stream.current();
      if (kqlKeywords.has(w.toLowerCase())) return "keyword";
      if (stream.peek() === "(") return "function";
      return "variableName";
    }
    if (stream.match(/^[|=!<>~+\-*\/%]+/)) return "operator";
    stream.next();
    return null;
  },
  languageData: {commentTokens: {line: "//"}},
});

function completionSource(getCatalog) {
  return (ctx) => {
    const word = ctx.matchBefore(/[A-Za-z_][A-Za-z0-9_.\-]*/);
    if (!word && !ctx.explicit) return null;
    const cat = getCatalog() || {};
    const options = [];
    for (const t of cat.tables || []) {
      options.push({label: t.name, type: "class", detail: "table"});
      for (const c of t.columns || []) options.push({label: c.name, type: "property", detail: t.name + " " + (c.type || "")});
    }
    for (const f of cat.functions || []) options.push({label: f, type: "function", apply: f + "()", detail: "function"});
    for (const n of cat.templates || []) options.push({label: n, type: "text", detail: "template"});
    const seen = new Set();
    const uniq = options.filter((o) => { const k = o.label + "\u0000" + o.type; if (seen.has(k)) return false; seen.add(k); return true; });
    return {from: word ? word.from : ctx.pos, options: uniq, validFor: /^[A-Za-z0-9_.\-]*$/};
  };
}

function create(parent, opts) {
  const lang = new Compartment();
  let catalog = opts.catalog || {};
  const langFor = (name) => (name === "sql" ? sql({dialect: StandardSQL}) : kql);
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: opts.doc || "",
      extensions: [
        lineNumbers(), history(), drawSelection(), highlightActiveLine(), bracketMatching(), closeBrackets(),
        syntaxHighlighting(defaultHighlightStyle, {fallback: true}),
        lang.of(langFor(opts.language)),
        autocompletion({override: [completionSource(() => catalog)], activateOnTyping: true}),
        keymap.of([
          {key: "Mod-Enter", run: () => { if (opts.onRun) opts.onRun(); return true; }},
          ...completionKeymap, ...historyKeymap, ...defaultKeymap,
        ]),
        EditorView.lineWrapping,
      ],
    }),
  });
  return {
    view,
    getText: () => view.state.doc.toString(),
    setText: (s) => view.dispatch({changes: {from: 0, to: view.state.doc.length, insert: s}}),
    setLanguage: (name) => view.dispatch({effects: lang.reconfigure(langFor(name))}),
    setCatalog: (c) => { catalog = c || {}; },
  };
}

window.HKEditor = {create};
