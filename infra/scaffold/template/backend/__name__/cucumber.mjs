export default {
  import: ['features/steps/**/*.ts'],
  paths: ['features/**/*.feature'],
  format: ['progress'],
  strict: true,
};
