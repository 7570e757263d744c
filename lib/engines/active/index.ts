export { activeEngine } from './engine.js';
