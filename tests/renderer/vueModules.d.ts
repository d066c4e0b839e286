/**
 * .vue files as the tests' type check (tsconfig.node.json) sees them: components. @vitejs/plugin-vue
 * compiles them for the *.mount.test.ts files; their own types are checked by vue-tsc (tsconfig.web.json).
 */
declare module '*.vue' {
  import type { Component } from 'vue';
  const component: Component;
  export default component;
}
