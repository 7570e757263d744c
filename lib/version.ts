/**
 * The model version names the behaviour of the simulator. Bump it whenever a change can alter any
 * simulated number: point ids in sweeps and the committed report depend on it.
 */
export const MODEL_VERSION = '1.2.2';

/** The toolkit (package) version. */
export const TOOLKIT_VERSION = '0.1.0';
