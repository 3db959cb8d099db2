// Test and benchmark set-up: registers tsx in the worker thread that imports it, so the worker runs TypeScript sources.
import { register } from 'tsx/esm/api';

register();
