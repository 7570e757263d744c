export { spareEngine } from './engine.js';
