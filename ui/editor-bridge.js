// Dojo's binding to Monaco, the editor of VS Code (ui/index.html loads it
// from the app's own origin). The Leptos side reaches it only through
// `DojoEditor.create` (ui/src/components/monaco.rs); this file knows
// nothing of Tauri or of Dojo's tasks: what the editor completes, explains
// and marks comes from the hooks the Rust side passes in.
(function () {
  'use strict';

  const BASE = 'monaco/vs';
  const MARKER_OWNER = 'dojo';
  let loading = null;
  // The hooks of each open editor, by its model's URI: the language
  // providers are registered once for every Python model.
  const hooksByModel = new Map();

  function load() {
    if (!loading) {
      loading = new Promise((resolve, reject) => {
        require.config({ paths: { vs: BASE } });
        require(['vs/editor/editor.main'], () => {
          try {
            registerProviders(self.monaco);
            resolve(self.monaco);
          } catch (error) {
            reject(error);
          }
        }, reject);
      });
      // A failed load is tried again by the next editor, not remembered.
      loading.catch(() => { loading = null; });
    }
    return loading;
  }

  function hooksOf(model) {
    return hooksByModel.get(model.uri.toString());
  }

  function registerProviders(monaco) {
    const Kind = monaco.languages.CompletionItemKind;
    const kinds = {
      module: Kind.Module,
      class: Kind.Class,
      function: Kind.Function,
      method: Kind.Method,
      constant: Kind.Constant,
      variable: Kind.Variable,
      keyword: Kind.Keyword,
    };
    monaco.languages.registerCompletionItemProvider('python', {
      triggerCharacters: ['.'],
      async provideCompletionItems(model, position) {
        const hooks = hooksOf(model);
        if (!hooks) return { suggestions: [] };
        const items = await hooks.complete(model.getValue(), position.lineNumber, position.column);
        const word = model.getWordUntilPosition(position);
        const range = new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn);
        return {
          suggestions: (items || []).map((item, index) => ({
            label: item.label,
            kind: kinds[item.kind] ?? Kind.Text,
            detail: item.detail ?? undefined,
            documentation: item.documentation ?? undefined,
            insertText: item.label,
            // The engine's order (its module tree's), not Monaco's.
            sortText: String(index).padStart(5, '0'),
            range,
          })),
        };
      },
    });
    monaco.languages.registerSignatureHelpProvider('python', {
      signatureHelpTriggerCharacters: ['(', ','],
      signatureHelpRetriggerCharacters: [','],
      async provideSignatureHelp(model, position) {
        const hooks = hooksOf(model);
        if (!hooks) return null;
        const help = await hooks.signature(model.getValue(), position.lineNumber, position.column);
        if (!help) return null;
        return {
          value: {
            signatures: [{
              label: help.label,
              documentation: help.documentation ?? undefined,
              parameters: help.parameters.map((parameter) => ({ label: parameter.label })),
            }],
            activeSignature: 0,
            activeParameter: help.active_parameter,
          },
          dispose() {},
        };
      },
    });
    monaco.languages.registerHoverProvider('python', {
      async provideHover(model, position) {
        const hooks = hooksOf(model);
        if (!hooks) return null;
        const info = await hooks.hover(model.getValue(), position.lineNumber, position.column);
        if (!info) return null;
        const contents = [{ value: '```python\n' + info.signature + '\n```' }];
        if (info.documentation) contents.push({ value: info.documentation });
        return { contents };
      },
    });
  }

  // hooks: { change(text), run(), complete(text, line, column) -> Promise<items>,
  //          signature(text, line, column) -> Promise<help | undefined>,
  //          hover(text, line, column) -> Promise<info | undefined> }
  async function create(container, value, hooks) {
    const monaco = await load();
    const editor = monaco.editor.create(container, {
      value,
      language: 'python',
      theme: 'vs',
      automaticLayout: true,
      fontFamily: "'DejaVu Sans Mono', ui-monospace, monospace",
      fontSize: 13,
      lineHeight: 20,
      tabSize: 4,
      insertSpaces: true,
      detectIndentation: false,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      folding: true,
      showFoldingControls: 'always',
      guides: { indentation: true, bracketPairs: 'active' },
      bracketPairColorization: { enabled: true },
      autoClosingBrackets: 'languageDefined',
      autoClosingQuotes: 'languageDefined',
      matchBrackets: 'always',
      // Completions come from Dojo's engine only: a word from elsewhere in
      // the file is offered by the engine when it is a name there.
      wordBasedSuggestions: 'off',
      quickSuggestions: { other: true, comments: false, strings: false },
      suggestOnTriggerCharacters: true,
      parameterHints: { enabled: true },
      fixedOverflowWidgets: true,
      contextmenu: true,
    });
    const model = editor.getModel();
    const key = model.uri.toString();
    hooksByModel.set(key, hooks);
    // The app hears of an edit after the frame that paints it, so a key
    // paints without waiting for Dojo (its autosave and checks); edits
    // within one frame are told once. `flush` tells at once what is pending.
    let pending = false;
    const flush = () => {
      if (!pending) return;
      pending = false;
      hooks.change(model.getValue());
    };
    editor.onDidChangeModelContent(() => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => setTimeout(flush, 0));
    });
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => {
      flush();
      hooks.run();
    });
    // The web font may arrive after the first layout.
    if (document.fonts) document.fonts.ready.then(() => monaco.editor.remeasureFonts());
    return {
      // Tells the app of a pending edit first, so it never acts on older text.
      flush,
      value: () => model.getValue(),
      // Replaces the whole text as one undoable edit (setValue would clear
      // the undo history).
      replace(text) {
        if (model.getValue() === text) return;
        editor.pushUndoStop();
        editor.executeEdits('dojo', [{ range: model.getFullModelRange(), text, forceMoveMarkers: true }]);
        editor.pushUndoStop();
      },
      // markers: [{ start_line, start_column, end_line, end_column, message }]
      setMarkers(markers) {
        monaco.editor.setModelMarkers(model, MARKER_OWNER, markers.map((marker) => ({
          severity: monaco.MarkerSeverity.Error,
          message: marker.message,
          startLineNumber: marker.start_line,
          startColumn: marker.start_column,
          endLineNumber: marker.end_line,
          endColumn: marker.end_column,
        })));
      },
      reveal(line, column) {
        editor.setPosition({ lineNumber: line, column });
        editor.revealPositionInCenter({ lineNumber: line, column });
        editor.focus();
      },
      dispose() {
        flush();
        hooksByModel.delete(key);
        editor.dispose();
        model.dispose();
      },
    };
  }

  self.DojoEditor = { create };
})();
