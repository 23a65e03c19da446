export const QAUTLRA_CONFIG = Symbol('QAUTLRA_CONFIG');
export const QAUTLRA_DATABASE = Symbol('QAUTLRA_DATABASE');
