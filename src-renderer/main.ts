import { createApp } from 'vue';
import { createPinia } from 'pinia';
import { THEME_KEY } from 'vue-echarts';
import { CHART_THEME } from './plots/echarts.js';
import './styles.css';
import App from './App.vue';
import { installTransport } from './stores/api.js';
import { createTransport } from './transport/index.js';
import { installOverflowTitles } from './lib/overflowTitles.js';

installTransport(createTransport());
createApp(App).use(createPinia()).provide(THEME_KEY, CHART_THEME).mount('#app');
// every text cut by an ellipsis gets its full text as a tooltip (lib/overflowTitles.ts)
installOverflowTitles();
