// `npm run test:component`. Importing tsx registers it (as `node --import tsx` would), so the
// TypeScript step definitions below load without any NODE_OPTIONS.
import 'tsx';

export default {
  import: ['features/steps/**/*.ts'],
  paths: ['features/**/*.feature'],
  format: ['progress'],
  strict: true,
};
