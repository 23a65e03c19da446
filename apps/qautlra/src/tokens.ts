export const QAUTLRA_CONFIG = Symbol('QAUTLRA_CONFIG');
export const QAUTLRA_DATABASE = Symbol('QAUTLRA_DATABASE');
/** Where the launcher's per-app process states come from (`npm start`); absent when run alone. */
export const QAUTLRA_PROCESSES = Symbol('QAUTLRA_PROCESSES');
