import './styles/global.css';
import { mount } from 'svelte';
import App from './app/shell/App.svelte';
import { network } from './app/privacy/network.svelte';
import { router } from './app/shell/router.svelte';
import { offline } from './app/privacy/offline.svelte';
import { handoffs } from './app/intake/handoff.svelte';

network.start(); // first, so it sees everything (it also reads the buffered entries from before)
handoffs.start(); // before the router: a share opens straight in its tool
router.start();
mount(App, { target: document.getElementById('app')! });
void offline.start();
