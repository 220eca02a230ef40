/**
 * Rollup plugin that makes the polyfill module run before the entry and
 * everything it imports: the real input becomes a virtual module importing
 * the polyfills first, then the entry.
 */
const VIRTUAL = '\0espruino-bundle';

export default function polyfillFirst(polyfills) {
  let entry = null;
  return {
    name: 'polyfill-first',
    options(options) {
      entry = options.input;
      return Object.assign({}, options, { input: VIRTUAL });
    },
    resolveId(id) {
      return id === VIRTUAL ? VIRTUAL : null;
    },
    load(id) {
      if (id !== VIRTUAL) return null;
      return (
        'import ' +
        JSON.stringify(polyfills) +
        ';\n' +
        'import ' +
        JSON.stringify(entry) +
        ';\n'
      );
    },
  };
}
