// A StrykerJS ignorer: words written for people are not mutated — parameter descriptions, engine
// and experiment descriptions, report texts and timeline details, the sources and units in words of the host
// profiles' costs, and error messages (their wording is checked where it matters, by tests that
// match the message).
const TEXT_PROPERTIES = new Set(['doc', 'description', 'detail', 'reason', 'label', 'title', 'setup', 'paperFigure', 'published', 'from', 'source', 'what', 'unit']);
const PARAM_BUILDERS = new Set(['numberParam', 'booleanParam', 'enumParam', 'stringParam']);
const ERRORS = new Set(['InputError', 'Error', 'RangeError', 'TypeError']);

function calleeName(node) {
  const c = node.callee;
  if (c?.type === 'Identifier') return c.name;
  if (c?.type === 'MemberExpression' && c.property?.type === 'Identifier') return c.property.name;
  return undefined;
}

export const strykerPlugins = [
  {
    kind: 'Ignore',
    name: 'texts',
    value: {
      shouldIgnore(path) {
        if (!path.isStringLiteral() && !path.isTemplateLiteral()) return undefined;
        const parent = path.parentPath;
        if (parent === null) return undefined;
        if (parent.isObjectProperty() && parent.node.value === path.node && parent.node.key?.type === 'Identifier' && TEXT_PROPERTIES.has(parent.node.key.name))
          return 'a text for people';
        // `source: est('…')`: a text built by a helper call is a text too.
        const grand = parent.parentPath;
        if (parent.isCallExpression() && grand?.isObjectProperty() && grand.node.value === parent.node && grand.node.key?.type === 'Identifier' && TEXT_PROPERTIES.has(grand.node.key.name))
          return 'a text for people';
        if ((parent.isCallExpression() || parent.isNewExpression()) && parent.node.arguments.includes(path.node)) {
          const name = calleeName(parent.node);
          if (name !== undefined && PARAM_BUILDERS.has(name) && parent.node.arguments.indexOf(path.node) >= 2) return 'a parameter description';
          if (name !== undefined && ERRORS.has(name)) return 'an error message';
          // `timeline.record(event, detail)`: the event name is checked by tests, the detail is for people.
          if (name === 'record' && parent.node.arguments.indexOf(path.node) === 1) return 'a timeline detail';
        }
        return undefined;
      },
    },
  },
];
