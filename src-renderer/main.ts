import { createApp } from 'vue';
import { createPinia } from 'pinia';
import './plots/echarts.js';
import './styles.css';
import App from './App.vue';
import { installTransport } from './stores/api.js';
import { createTransport } from './transport/index.js';

installTransport(createTransport());
createApp(App).use(createPinia()).mount('#app');
