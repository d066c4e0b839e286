/**
 * A vitest environment for tests that mount .vue components in Node (tests/renderer/mountComponent.ts):
 * Node's globals, but modules transformed as for the browser, so @vitejs/plugin-vue compiles the
 * components' client render functions (the default Node environment gets the server-rendering ones).
 * vitest.config.ts gives it to the `*.mount.test.ts` files.
 */
import type { Environment } from 'vitest/environments';

/** The DOM classes Vue's v-model checks an element's root against (nothing is one of them here). */
const DOM_CLASSES = ['Document', 'ShadowRoot'] as const;

const vueClientEnvironment: Environment = {
  name: 'vue-client',
  viteEnvironment: 'client',
  setup: (global: Record<string, unknown>) => {
    const added = DOM_CLASSES.filter((name) => !(name in global));
    for (const name of added) global[name] = class {};
    return { teardown: () => added.forEach((name) => delete global[name]) };
  },
};
export default vueClientEnvironment;
