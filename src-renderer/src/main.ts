import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { i18n } from './i18n/index.ts';
import { useErrorsStore } from './stores/errors.ts';
import { startTurnAgent } from './rooms/agent/turn-agent.ts';
import './styles/theme.css';

const app = createApp(App);
const pinia = createPinia();
app.use(pinia).use(i18n);

// No renderer error is silent: whatever a component, a handler or a promise did not catch is shown in the banner.
const errors = useErrorsStore(pinia);
app.config.errorHandler = (err, instance, info) => {
  errors.report(err, instance?.$options.name ?? instance?.$options.__name ?? info);
  console.error(err);
};
window.addEventListener('error', (e) => errors.report(e.error ?? e.message, 'window'));
window.addEventListener('unhandledrejection', (e) => errors.report(e.reason, 'promise'));

app.mount('#app');
// Room turns that compare, case runs and re-runs ask for run here, in hidden room frames (rooms/agent/).
if (window.parley) startTurnAgent();
