/**
 * A vitest environment for tests that mount .vue components in Node (tests/renderer/mountComponent.ts):
 * Node's globals, but modules transformed as for the browser, so @vitejs/plugin-vue compiles the
 * components' client render functions (the default Node environment gets the server-rendering ones).
 * vitest.config.ts gives it to the `*.mount.test.ts` files.
 */
import type { Environment } from 'vitest/environments';

const vueClientEnvironment: Environment = {
  name: 'vue-client',
  viteEnvironment: 'client',
  setup: () => ({ teardown: () => {} }),
};
export default vueClientEnvironment;
