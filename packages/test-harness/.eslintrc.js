module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // The harness runs the real backend plugin and its example policy module.
    '@backstage/no-mixed-plugin-imports': 'off',
  },
});
