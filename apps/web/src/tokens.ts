export const WEB_CONFIG = Symbol('WEB_CONFIG');
