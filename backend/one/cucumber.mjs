export default {
  import: ['features/support/**/*.ts', 'features/steps/**/*.ts'],
  paths: ['features/**/*.feature'],
  format: ['progress'],
  strict: true,
};
